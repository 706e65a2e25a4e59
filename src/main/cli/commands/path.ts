import { writeJson } from '../output'
import type { Context } from '../context'
import { parse, wholeNumber } from '../args'
import { findTrack, trackName } from '../tracks'

/** `attune path A B [--steps N]`: the songs from A to B through the model's space (the app's call). */
export async function run(ctx: Context, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { steps: { type: 'string' } })
  const steps = wholeNumber(values.steps, '--steps') ?? 8
  const engine = (await ctx.engine()).handlers
  const usage = 'attune path A B [--steps N]'
  const from = await findTrack(engine, positionals[0], usage)
  const to = await findTrack(engine, positionals[1], usage)
  const path = await engine.path({ from: from.id, to: to.id, steps })
  if (ctx.json) {
    writeJson(
      ctx.io,
      path.map((track) => ({
        trackId: track.id,
        title: track.title,
        artist: track.artist,
        album: track.album,
        path: track.path,
      })),
    )
    return 0
  }
  path.forEach((track, i) =>
    ctx.io.stdout.write(`${String(i + 1).padStart(3)}  ${trackName(track)}\n`),
  )
  return 0
}
