import { CliError, ProgressReporter, writeJson } from '../output'
import type { Context } from '../context'
import { parse, wholeNumber } from '../args'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { values } = parse(args, { workers: { type: 'string' }, space: { type: 'string' } })
  const { BUILT_IN_SPACE } = await import('../../engine')
  if (typeof values.space === 'string' && values.space !== BUILT_IN_SPACE) {
    throw new CliError(
      `Attune computes only its built-in space ${BUILT_IN_SPACE}. Bring other vectors with: attune import-embeddings FILE --space NAME`,
      2,
    )
  }
  const workers = wholeNumber(values.workers, '--workers')
  const engine = await ctx.engine({ warnings: false })
  const progress = new ProgressReporter(ctx.io, 'Analysing')
  const stop = engine.subscribe((event) => {
    if (event.name !== 'analysisProgress') return
    const p = event.payload
    progress.update(p.done, p.total, p.currentPath ?? '', p.etaSeconds)
  })
  let summary
  try {
    summary = await engine.handlers.analyse(workers === undefined ? {} : { workers })
  } finally {
    stop()
    progress.finish()
  }
  if (ctx.json) writeJson(ctx.io, summary)
  else {
    ctx.io.stdout.write(
      summary.total === 0
        ? 'Every track is already analysed.\n'
        : `Analysed ${summary.analysed} of ${summary.total} tracks with ${summary.workers} worker(s) in ${(summary.elapsedMs / 1000).toFixed(1)} s` +
            ` (${(summary.audioSeconds / Math.max(0.001, summary.elapsedMs / 1000)).toFixed(0)}× real time).\n`,
    )
    for (const f of summary.failed)
      ctx.io.stdout.write(`  could not analyse ${f.path}\n    ${f.error}\n`)
  }
  return 0
}
