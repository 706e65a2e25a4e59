import { resolve } from 'node:path'
import { writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { positionals } = parse(args, {})
  const db = ctx.open()
  const file = positionals[0]
  if (!file) {
    const { exportEvents } = await import('../../events/jsonl')
    await exportEvents(db, ctx.io.stdout)
    return 0
  }
  const { exportEventsToFile } = await import('../../events/backup-file')
  const { events } = await exportEventsToFile(db, resolve(file))
  if (ctx.json) writeJson(ctx.io, { file: resolve(file), events })
  else ctx.io.stdout.write(`Wrote ${events} events to ${resolve(file)}.\n`)
  return 0
}
