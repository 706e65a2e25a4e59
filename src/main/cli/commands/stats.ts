import { TrackStore } from '../../library/track-store'
import { writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'

export function run(ctx: Context, args: string[]): number {
  parse(args, {})
  const db = ctx.open()
  const stats = new TrackStore(db).stats()
  const events = db
    .prepare(`SELECT kind, COUNT(*) AS n FROM events GROUP BY kind ORDER BY kind`)
    .all() as {
    kind: string
    n: number
  }[]
  const result = {
    database: ctx.dbPath,
    ...stats,
    events: Object.fromEntries(events.map((e) => [e.kind, e.n])),
  }
  if (ctx.json) writeJson(ctx.io, result)
  else {
    const lines = Object.entries(result).map(
      ([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
    )
    ctx.io.stdout.write(lines.join('\n') + '\n')
  }
  return 0
}
