import { resolve } from 'node:path'
import { CliError, writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    space: { type: 'string' },
    paths: { type: 'string' },
    format: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  })
  const file = positionals[0]
  if (!file) throw new CliError('Say which file: attune import-embeddings FILE --space NAME', 2)
  if (typeof values.space !== 'string')
    throw new CliError('Name the space: --space NAME (e.g. --space clap)', 2)
  const format = values.format
  if (format !== undefined && format !== 'csv' && format !== 'jsonl' && format !== 'npy') {
    throw new CliError('--format is csv, jsonl or npy.', 2)
  }
  const report = await (
    await ctx.engine()
  ).handlers.importEmbeddings({
    path: resolve(file),
    space: values.space,
    ...(typeof values.paths === 'string' ? { paths: resolve(values.paths) } : {}),
    ...(format ? { format } : {}),
    dryRun: values['dry-run'] === true,
  })
  if (ctx.json) writeJson(ctx.io, report)
  else {
    ctx.io.stdout.write(
      `Imported ${report.imported} vectors of ${report.dim} numbers into ${report.space}` +
        (report.unmatchedCount
          ? `; ${report.unmatchedCount} rows named no track in the library`
          : '') +
        '.\n',
    )
    for (const u of report.unmatched.slice(0, 20))
      ctx.io.stdout.write(`  line ${u.line}: ${u.key}\n`)
  }
  return 0
}
