import { resolve } from 'node:path'
import { writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { positionals } = parse(args, {})
  const engine = await ctx.engine()
  const file = positionals[0]
  if (!file) {
    await engine.exportEvents(ctx.io.stdout)
    return 0
  }
  const { events } = await engine.exportEvents(resolve(file))
  if (ctx.json) writeJson(ctx.io, { file: resolve(file), events })
  else ctx.io.stdout.write(`Wrote ${events} events to ${resolve(file)}.\n`)
  return 0
}
