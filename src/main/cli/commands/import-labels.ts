import { CliError, writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'
import { parseMark } from '../../../shared/domain'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    as: { type: 'string' },
    'others-not': { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
  })
  const file = positionals[0]
  if (!file)
    throw new CliError('Say which file: attune import-labels FILE --as like|love|near-miss|not', 2)
  const mark = typeof values.as === 'string' ? parseMark(values.as) : undefined
  if (mark === null) throw new CliError('--as is like, love, near-miss or not.', 2)
  const result = await (
    await ctx.engine()
  ).handlers.importLabels({
    path: file,
    ...(mark ? { as: mark } : {}),
    othersNot: values['others-not'] === true,
    dryRun: values['dry-run'] === true,
  })
  if (ctx.json) writeJson(ctx.io, result)
  else {
    const counts = Object.entries(result.byMark).map(([m, n]) => `${n} ${m.replace(/_/g, ' ')}`)
    ctx.io.stdout.write(
      `${values['dry-run'] ? 'Would label' : 'Labelled'} ${result.labelled} tracks (${counts.join(', ') || 'none'}).\n`,
    )
    if (result.ignored > 0)
      ctx.io.stdout.write(`${result.ignored} entries name no song file and were skipped.\n`)
    if (result.unmatchedCount > 0) {
      ctx.io.stdout.write(`${result.unmatchedCount} entries name no track in the library:\n`)
      for (const u of result.unmatched.slice(0, 20))
        ctx.io.stdout.write(`  line ${u.line}: ${u.path}\n`)
    }
  }
  return 0
}
