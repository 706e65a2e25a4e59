import { resolve } from 'node:path'
import { CliError, writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { positionals } = parse(args, {})
  const file = positionals[0]
  if (!file) throw new CliError('Say which file to import: attune import FILE.jsonl', 2)
  const result = await (await ctx.engine()).handlers.importEvents({ path: resolve(file) })
  if (ctx.json) writeJson(ctx.io, result)
  else
    ctx.io.stdout.write(
      `Imported ${result.imported} events (${result.duplicates} were already there; ` +
        `${result.createdTracks} tracks not yet scanned were remembered by path).\n`,
    )
  return 0
}
