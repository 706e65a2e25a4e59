import { CliError, ProgressReporter, writeJson } from '../output'
import type { Context } from '../context'
import { parse, wholeNumber } from '../args'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { values } = parse(args, { workers: { type: 'string' }, space: { type: 'string' } })
  const [{ EXTRACTOR }, { analyseLibrary, defaultWorkerCount }] = await Promise.all([
    import('../../analysis/feature-names'),
    import('../../analysis/pool'),
  ])
  if (typeof values.space === 'string' && values.space !== EXTRACTOR.space) {
    throw new CliError(
      `Attune computes only its built-in space ${EXTRACTOR.space}. Bring other vectors with: attune import-embeddings FILE --space NAME`,
      2,
    )
  }
  const workers = wholeNumber(values.workers, '--workers') ?? defaultWorkerCount()
  const progress = new ProgressReporter(ctx.io, 'Analysing')
  const summary = await analyseLibrary(ctx.open(), {
    workers,
    onProgress: (p) => progress.update(p.done, p.total, p.currentPath ?? '', p.etaSeconds),
    log: (level, message) => {
      if (level === 'error') ctx.io.stderr.write(message + '\n')
    },
  })
  progress.finish()
  if (ctx.json) writeJson(ctx.io, { ...summary, workers })
  else {
    ctx.io.stdout.write(
      summary.total === 0
        ? 'Every track is already analysed.\n'
        : `Analysed ${summary.analysed} of ${summary.total} tracks with ${workers} worker(s) in ${(summary.elapsedMs / 1000).toFixed(1)} s` +
            ` (${(summary.audioSeconds / Math.max(0.001, summary.elapsedMs / 1000)).toFixed(0)}× real time).\n`,
    )
    for (const f of summary.failed)
      ctx.io.stdout.write(`  could not analyse ${f.path}\n    ${f.error}\n`)
  }
  return 0
}
