// Library scan benchmark: a first scan of ≥ 10,000 files into an empty database, then a rescan of the
// unchanged library, side by side in one run (targets in DESIGN.md: ≥ 1,000 files/s first scan,
// rescan ≤ 1/10 of the first scan's time).
//
//   node bin/run-ts.js bench/scan.ts [FILES] [--quick]
//
// Each variant scans the same library into its own empty database, one after the other in one run: the
// scanner before the tag fast path (music-metadata for every file, promise I/O, in the calling thread), the
// default settings (what the app and the CLI do: fast path, blocking reads while they are fast, read
// workers only beyond 2 cores), and the fast path with promise or blocking I/O in the calling
// thread and with 1 or 2 read workers. --quick runs only "before", the default and its rescan. Rows run
// one after the other on a shared machine: compare files per CPU-second, and repeat runs for wall times.
//
// The library is made of hard links to the fixture files (no copies: the same bytes under distinct names
// in nested artist/album folders), so it costs no disk space; its files are in the page cache, so this
// measures the scanner, not the disk.
import { linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { extname, join, resolve } from 'node:path'
import { openDatabase } from '../src/main/db/database'
import { scanLibrary, type LibraryScanSummary, type ScanOptions } from '../src/main/library'
import { report } from './report'

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

interface Variant {
  label: string
  options: Pick<ScanOptions, 'workers' | 'fastTags' | 'blockingReads'>
}

/** The ways to scan compared side by side: "before" is the scanner as it was before the tag fast path. */
function variants(cores: number): Variant[] {
  return [
    {
      label: 'before: music-metadata for every file, promise I/O, in this thread',
      options: { fastTags: false, blockingReads: false, workers: 0 },
    },
    {
      label: `first scan, default settings (${cores > 2 ? cores - 1 : 0} read workers)`,
      options: {},
    },
    {
      label: 'fast path, promise I/O, in this thread',
      options: { blockingReads: false, workers: 0 },
    },
    { label: 'fast path, blocking I/O, in this thread', options: { workers: 0 } },
    { label: 'fast path, 1 read worker', options: { workers: 1 } },
    ...(cores > 2 ? [] : [{ label: 'fast path, 2 read workers', options: { workers: 2 } }]),
  ]
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000)
  // --quick: only before, default and the rescan (what the target is about).
  const quick = args.includes('--quick')
  const work = mkdtempSync(join(tmpdir(), 'attune-bench-scan-'))
  try {
    const music = join(work, 'music')
    const built = Date.now()
    buildLibrary(music, count)
    console.error(
      `built a library of ${count} hard links in ${((Date.now() - built) / 1000).toFixed(1)} s`,
    )
    const [loadBefore] = loadavg()
    const coversDir = join(work, 'library-covers')
    const rows: string[] = []
    let defaultFirst: Timed | null = null
    let before: Timed | null = null
    let rescan: Timed | null = null
    const all = variants(availableParallelism())
    const chosen = quick ? all.slice(0, 2) : all
    for (const [index, variant] of chosen.entries()) {
      const db = openDatabase(join(work, `library-${index}.db`))
      const first = await timed(() =>
        scanLibrary(db, {
          roots: [music],
          coversDir: `${coversDir}-${index}`,
          ...variant.options,
        }),
      )
      if (first.summary.added !== count) {
        throw new Error(
          `unexpected scan result (${variant.label}): ${JSON.stringify(first.summary)}`,
        )
      }
      rows.push(row(variant.label, first))
      if (index === 0) before = first
      if (index === 1) {
        defaultFirst = first
        rescan = await timed(() =>
          scanLibrary(db, { roots: [music], coversDir: `${coversDir}-${index}` }),
        )
        if (rescan.summary.unchanged !== count || rescan.summary.read !== 0) {
          throw new Error(`unexpected rescan result: ${JSON.stringify(rescan.summary)}`)
        }
        rows.push(row('rescan, unchanged library (default settings)', rescan))
      }
      db.close()
    }
    if (!defaultFirst || !before || !rescan) throw new Error('the default scan did not run')
    const ratio = rescan.summary.elapsedMs / defaultFirst.summary.elapsedMs
    const [loadAfter] = loadavg()
    console.log(
      `### Library scan, ${count.toLocaleString('en-US')} files (tags only), Node ${process.version}, ` +
        `${availableParallelism()} cores, load average ${loadBefore?.toFixed(1)} before, ` +
        `${loadAfter?.toFixed(1)} after\n`,
    )
    console.log(
      '| scan | files | files read | wall s | files/s (wall) | CPU s | files per CPU-second |',
    )
    console.log('|---|---|---|---|---|---|---|')
    for (const line of rows) console.log(line)
    const perCpu = (t: Timed): number => t.summary.seen / (t.cpuMs / 1000)
    console.log(
      `\nfirst scan **${formatRate(defaultFirst.summary.seen, defaultFirst.summary.elapsedMs)} files/s** ` +
        `(target ≥ 1,000), before ${formatRate(before.summary.seen, before.summary.elapsedMs)}: ` +
        `${(before.summary.elapsedMs / defaultFirst.summary.elapsedMs).toFixed(2)}× the wall rate, ` +
        `${(perCpu(defaultFirst) / perCpu(before)).toFixed(2)}× the files per CPU-second; ` +
        `rescan / first scan, wall time: **${ratio.toFixed(3)}** (target ≤ 0.1)`,
    )
    report(
      'scan.firstFilesPerSecond',
      defaultFirst.summary.seen / (defaultFirst.summary.elapsedMs / 1000),
    )
    report('scan.rescanOverFirst', ratio)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
