import { CliError, formatDuration, writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'
import { findTrack, trackName } from '../tracks'
import { withEngine } from '../engine'
import type { MarkOrNone } from '../../../shared/domain'

const FEEDBACK_USAGE = 'attune feedback TRACK like|love|near-miss|not|none|skip@SECONDS|played'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { positionals } = parse(args, {})
  const [trackText, action] = positionals
  const { parseMark } = await import('../../taste/label-files')
  const { track, logged, playId, message } = await withEngine(ctx, (engine) => {
    const track = findTrack(engine.tracks, trackText, FEEDBACK_USAGE)
    if (!action) throw new CliError(`Say what you thought of it: ${FEEDBACK_USAGE}`, 2)
    const events = engine.events
    const name = trackName(track)
    const skip = /^skip@(\d+(?:\.\d+)?)$/.exec(action)
    if (skip || action === 'played') {
      const position = skip ? Number(skip[1]) : (track.duration ?? 0)
      if (skip && track.duration !== null && position > track.duration) {
        throw new CliError(
          `${name} lasts ${formatDuration(track.duration)}; a skip at ${position} s is past its end.`,
          2,
        )
      }
      // The start and the end land together or not at all: a crash between two autocommits left
      // a play that never ended.
      const end = events.playStartAndEnd(track.id, {
        source: 'cli',
        position,
        duration: track.duration,
        reason: skip ? 'next' : 'ended',
      })
      return {
        track,
        logged: [end.id],
        playId: end.playId,
        message: skip
          ? `Logged a skip of ${name} at ${formatDuration(position)}.`
          : `Logged a play of ${name} to the end.`,
      }
    }
    const mark: MarkOrNone | null =
      action === 'none' || action === 'unmark' ? 'none' : parseMark(action)
    if (mark === null) throw new CliError(`Unknown feedback '${action}'. Use: ${FEEDBACK_USAGE}`, 2)
    return {
      track,
      logged: [events.mark(track.id, mark, 'cli').id],
      playId: null,
      message:
        mark === 'none'
          ? `Removed the mark of ${name}.`
          : `Marked ${name} as ${mark.replace(/_/g, ' ')}.`,
    }
  })
  if (ctx.json) writeJson(ctx.io, { trackId: track.id, action, playId, eventIds: logged })
  else ctx.io.stdout.write(message + '\n')
  return 0
}
