// Library scan benchmark: a first scan of ≥ 10,000 files into an empty database, then a rescan of the
// unchanged library, side by side in one run (targets in DESIGN.md: ≥ 1,000 files/s first scan,
// rescan ≤ 1/10 of the first scan's time).
//
//   node bin/run-ts.js bench/scan.ts [FILES]
//
// The library is made of hard links to the fixture files (no copies: the same bytes under distinct names
// in nested artist/album folders), so it costs no disk space; its files are in the page cache, so this
// measures the scanner, not the disk.
import { linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { extname, join, resolve } from 'node:path'
import { openDatabase } from '../src/main/db/database'
import { scanLibrary, type LibraryScanSummary } from '../src/main/library'

const FIXTURES = resolve(process.cwd(), '../shared/fixtures')
const TRACKS_PER_ALBUM = 12
const ALBUMS_PER_ARTIST = 4

function fixtureFiles(): string[] {
  const files: string[] = []
  for (const folder of [
    'music/wesnoth',
    'music/nexuiz',
    'music/singularity',
    'music/drascula',
    'music/muldjord',
    'formats',
  ]) {
    for (const name of readdirSync(join(FIXTURES, folder)).sort())
      files.push(join(FIXTURES, folder, name))
  }
  return files
}

function buildLibrary(root: string, count: number): void {
  const sources = fixtureFiles()
  for (let i = 0; i < count; i++) {
    const album = Math.floor(i / TRACKS_PER_ALBUM)
    const artist = Math.floor(album / ALBUMS_PER_ARTIST)
    const dir = join(
      root,
      `Artist ${String(artist).padStart(4, '0')}`,
      `Album ${String(album).padStart(5, '0')}`,
    )
    if (i % TRACKS_PER_ALBUM === 0) mkdirSync(dir, { recursive: true })
    const source = sources[i % sources.length] as string
    const name = `${String((i % TRACKS_PER_ALBUM) + 1).padStart(2, '0')} Track ${i}${extname(source)}`
    linkSync(source, join(dir, name))
  }
}

interface Timed {
  summary: LibraryScanSummary
  /** CPU time of this process (all threads) during the scan: on a shared machine, wall time depends on the neighbours. */
  cpuMs: number
}

async function timed(scan: () => Promise<LibraryScanSummary>): Promise<Timed> {
  const before = process.cpuUsage()
  const summary = await scan()
  const used = process.cpuUsage(before)
  return { summary, cpuMs: (used.user + used.system) / 1000 }
}

function formatRate(files: number, ms: number): string {
  return Math.round(files / (ms / 1000)).toLocaleString('en-US')
}

function row(label: string, { summary: s, cpuMs }: Timed): string {
  return (
    `| ${label} | ${s.seen} | ${s.read} | ${(s.elapsedMs / 1000).toFixed(2)} | ${formatRate(s.seen, s.elapsedMs)} | ` +
    `${(cpuMs / 1000).toFixed(2)} | ${formatRate(s.seen, cpuMs)} |`
  )
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 10_000)
  const work = mkdtempSync(join(tmpdir(), 'attune-bench-scan-'))
  try {
    const music = join(work, 'music')
    const built = Date.now()
    buildLibrary(music, count)
    console.error(
      `built a library of ${count} hard links in ${((Date.now() - built) / 1000).toFixed(1)} s`,
    )
    const db = openDatabase(join(work, 'library.db'))
    const coversDir = join(work, 'library-covers')
    const first = await timed(() => scanLibrary(db, { roots: [music], coversDir }))
    const rescan = await timed(() => scanLibrary(db, { roots: [music], coversDir }))
    db.close()
    // The same first scan with tags parsed in worker threads, to see what the pool is worth on this machine.
    const workers = Math.max(2, availableParallelism() - 1)
    const pooledDb = openDatabase(join(work, 'pooled.db'))
    const pooled = await timed(() => scanLibrary(pooledDb, { roots: [music], coversDir, workers }))
    pooledDb.close()
    if (
      first.summary.added !== count ||
      rescan.summary.unchanged !== count ||
      rescan.summary.read !== 0
    ) {
      throw new Error(
        `unexpected scan result: first ${JSON.stringify(first)} rescan ${JSON.stringify(rescan)}`,
      )
    }
    const ratio = rescan.summary.elapsedMs / first.summary.elapsedMs
    const [load1] = loadavg()
    console.log(
      `### Library scan, ${count.toLocaleString('en-US')} files (tags only), Node ${process.version}, ` +
        `${availableParallelism()} cores, load average ${load1?.toFixed(1)} at the end\n`,
    )
    console.log(
      '| scan | files | files read | wall s | files/s (wall) | CPU s | files per CPU-second |',
    )
    console.log('|---|---|---|---|---|---|---|')
    console.log(row('first scan, empty database (default settings)', first))
    console.log(row('rescan, unchanged library', rescan))
    console.log(row(`first scan, tags parsed by ${workers} worker threads`, pooled))
    console.log(
      `\nrescan / first scan, wall time: **${ratio.toFixed(3)}** (target ≤ 0.1); ` +
        `first scan **${formatRate(first.summary.seen, first.summary.elapsedMs)} files/s** (target ≥ 1,000); ` +
        `worker threads vs default, wall time: ${(pooled.summary.elapsedMs / first.summary.elapsedMs).toFixed(2)}`,
    )
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
