import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { coversDirFor, defaultMusicDir } from '../../paths'
import { TrackStore } from '../../library/track-store'
import { CLI_NEXT_STEP, CliError, cliErrorText, ProgressReporter, writeJson } from '../output'
import type { Context } from '../context'
import { checkWritable } from '../../db/database'
import { parse } from '../args'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { positionals, values } = parse(args, { confirm: { type: 'boolean', default: false } })
  const db = ctx.open()
  const store = new TrackStore(db)
  const requested: string[] = []
  for (const dir of positionals) {
    const path = resolve(dir)
    if (!existsSync(path) || !statSync(path).isDirectory()) {
      throw new CliError(`'${dir}' is not a folder. Give the folder that holds your music.`)
    }
    requested.push(store.addRoot(path, { confirmHome: values.confirm === true }).path)
  }
  if (store.listRoots().length === 0) {
    const music = defaultMusicDir()
    if (!music) throw new CliError('No library folder yet. Run: attune scan /path/to/your/music')
    store.addRoot(music)
  }
  const roots = requested.length > 0 ? requested : store.listRoots().map((r) => r.path)
  // Another writer (the app, attune serve) holding the database would make every write of the scan
  // fail after waiting: say so at once, with what to do.
  try {
    checkWritable(db)
  } catch (error) {
    throw new CliError(cliErrorText(error))
  }
  const { scanLibrary } = await import('../../library/scanner')
  const progress = new ProgressReporter(ctx.io, 'Scanning')
  const summary = await scanLibrary(db, {
    roots,
    coversDir: coversDirFor(ctx.dbPath),
    onProgress: (p) =>
      progress.update(
        p.done,
        p.phase === 'walking' ? null : p.seen,
        p.currentPath ?? '',
        p.etaSeconds,
      ),
  })
  progress.finish()
  // Files that failed because another writer held the database were not read at all: the scan did
  // not do its job, so it says what to do and exits non-zero instead of calling them unreadable.
  const busy = summary.failed.filter((f) => /database is (locked|busy)/i.test(f.error)).length
  if (busy > 0) {
    throw new CliError(`${busy} of ${summary.seen} files could not be saved. ${CLI_NEXT_STEP.busy}`)
  }
  const tracks = store.countTracks({})
  if (ctx.json) {
    writeJson(ctx.io, { ...summary, tracks })
  } else {
    const out = ctx.io.stdout
    out.write(
      `Scanned ${summary.seen} files in ${(summary.elapsedMs / 1000).toFixed(1)} s: ` +
        `${summary.added} new, ${summary.updated} changed, ${summary.unchanged} unchanged, ` +
        `${summary.moved} moved, ${summary.missing} missing, ${summary.failed.length} unreadable.\n`,
    )
    out.write(`The library now holds ${tracks} tracks.\n`)
    if (summary.failed.length > 0) {
      out.write('\nFiles that could not be read (they are skipped):\n')
      for (const f of summary.failed) out.write(`  ${f.path}\n    ${f.error}\n`)
    }
  }
  return 0
}
