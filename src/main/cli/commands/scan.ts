import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { CLI_NEXT_STEP, CliError, ProgressReporter, writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'
import { defaultMusicDir } from '../../engine-defaults'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { positionals, values } = parse(args, { confirm: { type: 'boolean', default: false } })
  const engine = await ctx.engine()
  const calls = engine.handlers
  const requested: string[] = []
  for (const dir of positionals) {
    const path = resolve(dir)
    if (!existsSync(path) || !statSync(path).isDirectory()) {
      throw new CliError(`'${dir}' is not a folder. Give the folder that holds your music.`)
    }
    requested.push((await calls.addRoot({ path, confirm: values.confirm })).path)
  }
  if ((await calls.listRoots({})).length === 0) {
    const music = defaultMusicDir()
    if (!music) throw new CliError('No library folder yet. Run: attune scan /path/to/your/music')
    await calls.addRoot({ path: music })
  }
  // The engine first checks that no other writer (the app, attune serve) holds the database, so a
  // busy database fails at once with what to do instead of on every file.
  const progress = new ProgressReporter(ctx.io, 'Scanning')
  const stop = engine.subscribe((event) => {
    if (event.name !== 'scanProgress') return
    const p = event.payload
    progress.update(
      p.done,
      p.phase === 'walking' ? null : p.seen,
      p.currentPath ?? '',
      p.etaSeconds,
    )
  })
  let summary
  try {
    summary = await calls.scan(requested.length > 0 ? { paths: requested } : {})
  } finally {
    stop()
    progress.finish()
  }
  // Files that failed because another writer held the database were not read at all: the scan did
  // not do its job, so it says what to do and exits non-zero instead of calling them unreadable.
  const busy = summary.failed.filter((f) => /database is (locked|busy)/i.test(f.error)).length
  if (busy > 0) {
    throw new CliError(`${busy} of ${summary.seen} files could not be saved. ${CLI_NEXT_STEP.busy}`)
  }
  const { total: tracks } = await calls.listTracks({ limit: 1 })
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
