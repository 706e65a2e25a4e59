import { resolve } from 'node:path'
import { writeJson } from '../output'
import { UserError } from '../../../shared/errors'
import type { Context } from '../context'
import { parse, wholeNumber } from '../args'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { values } = parse(args, {
    space: { type: 'string' },
    labels: { type: 'string' },
    folds: { type: 'string' },
    seed: { type: 'string' },
    repeats: { type: 'string' },
  })
  const [
    { EXTRACTOR },
    { EmbeddingStore },
    { defaultAblationFor, evaluateEmbedding, formatQualityReport },
  ] = await Promise.all([
    import('../../analysis/feature-names'),
    import('../../db/embeddings'),
    import('../../analysis/embedding-quality'),
  ])
  const db = ctx.open()
  const space = typeof values.space === 'string' ? values.space : EXTRACTOR.space
  const known = new EmbeddingStore(db).spaces().find((s) => s.space === space)
  if (!known || known.vectors === 0) {
    throw space === EXTRACTOR.space
      ? new UserError('No song is analysed yet.', 'not-analysed')
      : new UserError(`There are no vectors in space '${space}'.`, 'no-vectors')
  }
  const report = evaluateEmbedding(db, {
    space,
    ...(typeof values.labels === 'string' ? { labelsFile: resolve(values.labels) } : {}),
    folds: wholeNumber(values.folds, '--folds', 2) ?? 5,
    seed: wholeNumber(values.seed, '--seed', 0) ?? 1,
    repeats: wholeNumber(values.repeats, '--repeats') ?? 10,
    ablate: defaultAblationFor(space, known.dim),
  })
  if (ctx.json) writeJson(ctx.io, report)
  else ctx.io.stdout.write(formatQualityReport(report) + '\n')
  return 0
}
