import { CliError, formatTable, writeJson } from '../output'
import type { Context } from '../context'
import { parse, wholeNumber, numberList } from '../args'
import type { PcaSize } from '../../../shared/evaluation'
import { formatOfflineEvaluation } from '../reports'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { values } = parse(args, {
    space: { type: 'string', multiple: true },
    pca: { type: 'string' },
    folds: { type: 'string' },
    seeds: { type: 'string' },
    alphas: { type: 'string' },
    lambdas: { type: 'string' },
    horizon: { type: 'string' },
    'no-store': { type: 'boolean', default: false },
  })
  let pcaSizes: PcaSize[] | undefined
  if (typeof values.pca === 'string') {
    pcaSizes = values.pca.split(',').map((part) => {
      const text = part.trim()
      const size = Number(text)
      if (text === 'full') return 'full'
      if (!Number.isInteger(size) || size < 1) {
        throw new CliError(
          "--pca takes whole numbers or 'full' separated by commas, e.g. --pca 8,32,full.",
          2,
        )
      }
      return size
    })
  }
  const engine = (await ctx.engine()).handlers
  const known = (await engine.listSpaces({})).filter((s) => s.vectors > 0)
  const spaces = Array.isArray(values.space) ? values.space : undefined
  for (const space of spaces ?? []) {
    if (!known.some((s) => s.space === space)) {
      throw new CliError(
        `There are no vectors in space '${space}'. Spaces with vectors: ${known.map((s) => s.space).join(', ') || 'none (run: attune analyze)'}.`,
      )
    }
  }
  const summary = await engine.evaluateOffline({
    ...(spaces ? { spaces } : {}),
    ...(pcaSizes ? { pcaSizes } : {}),
    folds: wholeNumber(values.folds, '--folds', 2) ?? 5,
    seeds: wholeNumber(values.seeds, '--seeds') ?? 5,
    alphas: numberList(values.alphas, '--alphas', (n) => n >= 0) ?? [0.1, 0.5, 1, 3],
    lambdas: numberList(values.lambdas, '--lambdas', (n) => n > 0) ?? [1],
    store: values['no-store'] !== true,
    ...(values.horizon === undefined ? {} : { horizon: wholeNumber(values.horizon, '--horizon') }),
  })
  if (ctx.json) writeJson(ctx.io, summary)
  else ctx.io.stdout.write(formatOfflineEvaluation(summary, formatTable) + '\n')
  return 0
}
