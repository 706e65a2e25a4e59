import { writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'

export async function run(ctx: Context, args: string[]): Promise<number> {
  parse(args, {})
  const stats = await (await ctx.engine()).handlers.getStats({})
  const result = { database: ctx.dbPath, ...stats }
  if (ctx.json) writeJson(ctx.io, result)
  else {
    const lines = Object.entries(result).map(
      ([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
    )
    ctx.io.stdout.write(lines.join('\n') + '\n')
  }
  return 0
}
