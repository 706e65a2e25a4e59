import { resolve } from 'node:path'
import { writeJson } from '../output'
import type { Context } from '../context'
import { parse, wholeNumber } from '../args'
import { formatQualityReport } from '../reports'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { values } = parse(args, {
    space: { type: 'string' },
    labels: { type: 'string' },
    folds: { type: 'string' },
    seed: { type: 'string' },
    repeats: { type: 'string' },
  })
  const folds = wholeNumber(values.folds, '--folds', 2)
  const seed = wholeNumber(values.seed, '--seed', 0)
  const repeats = wholeNumber(values.repeats, '--repeats')
  const report = await (
    await ctx.engine()
  ).handlers.evaluateEmbedding({
    ...(typeof values.space === 'string' ? { space: values.space } : {}),
    ...(typeof values.labels === 'string' ? { labels: resolve(values.labels) } : {}),
    ...(folds === undefined ? {} : { folds }),
    ...(seed === undefined ? {} : { seed }),
    ...(repeats === undefined ? {} : { repeats }),
  })
  if (ctx.json) writeJson(ctx.io, report)
  else ctx.io.stdout.write(formatQualityReport(report) + '\n')
  return 0
}
