import { writeJson, formatDuration, formatTable } from '../output'
import type { Context } from '../context'
import { parse } from '../args'

/** `attune playlists`: the playlists (the live "Top 50 for me now" first), with their sizes. */
export async function run(ctx: Context, args: string[]): Promise<number> {
  parse(args, {})
  const playlists = await (await ctx.engine()).handlers.listPlaylists({})
  if (ctx.json) {
    writeJson(ctx.io, playlists)
    return 0
  }
  if (playlists.length === 0) {
    ctx.io.stdout.write(
      'No playlists yet. Save the queue as one in the app, or import one: attune playlist import FILE\n',
    )
    return 0
  }
  ctx.io.stdout.write(
    formatTable(
      ['name', 'songs', 'missing', 'length'],
      playlists.map((p) => [
        p.live ? `${p.name} (live)` : p.name,
        p.entryCount,
        p.missingCount,
        formatDuration(p.duration),
      ]),
    ) + '\n',
  )
  return 0
}
