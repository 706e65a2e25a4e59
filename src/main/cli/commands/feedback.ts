import { CliError, formatDuration, writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'
import { findTrack, trackName } from '../tracks'
import { parseMark, type MarkOrNone } from '../../../shared/domain'

const FEEDBACK_USAGE = 'attune feedback TRACK like|love|near-miss|not|none|skip@SECONDS|played'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { positionals } = parse(args, {})
  const [trackText, action] = positionals
  const engine = (await ctx.engine()).handlers
  const track = await findTrack(engine, trackText, FEEDBACK_USAGE)
  if (!action) throw new CliError(`Say what you thought of it: ${FEEDBACK_USAGE}`, 2)
  const name = trackName(track)
  let logged: { eventId: number; playId: string | null }
  let message: string
  const skip = /^skip@(\d+(?:\.\d+)?)$/.exec(action)
  if (skip || action === 'played') {
    const position = skip ? Number(skip[1]) : (track.duration ?? 0)
    if (skip && track.duration !== null && position > track.duration) {
      throw new CliError(
        `${name} lasts ${formatDuration(track.duration)}; a skip at ${position} s is past its end.`,
        2,
      )
    }
    logged = await engine.logListen({
      trackId: track.id,
      position,
      reason: skip ? 'next' : 'ended',
      source: 'cli',
    })
    message = skip
      ? `Logged a skip of ${name} at ${formatDuration(position)}.`
      : `Logged a play of ${name} to the end.`
  } else {
    const mark: MarkOrNone | null =
      action === 'none' || action === 'unmark' ? 'none' : parseMark(action)
    if (mark === null) throw new CliError(`Unknown feedback '${action}'. Use: ${FEEDBACK_USAGE}`, 2)
    logged = { ...(await engine.setMark({ trackId: track.id, mark, source: 'cli' })), playId: null }
    message =
      mark === 'none'
        ? `Removed the mark of ${name}.`
        : `Marked ${name} as ${mark.replace(/_/g, ' ')}.`
  }
  if (ctx.json) {
    writeJson(ctx.io, {
      trackId: track.id,
      action,
      playId: logged.playId,
      eventIds: [logged.eventId],
    })
  } else ctx.io.stdout.write(message + '\n')
  return 0
}
