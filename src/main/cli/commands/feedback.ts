import { TrackStore } from '../../library/track-store'
import { CliError, formatDuration, writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'
import { findTrack, trackName } from '../tracks'
import type { MarkOrNone } from '../../../shared/domain'

const FEEDBACK_USAGE = 'attune feedback TRACK like|love|near-miss|not|none|skip@SECONDS|played'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { positionals } = parse(args, {})
  const [trackText, action] = positionals
  const db = ctx.open()
  const track = findTrack(new TrackStore(db), trackText, FEEDBACK_USAGE)
  if (!action) throw new CliError(`Say what you thought of it: ${FEEDBACK_USAGE}`, 2)
  const [{ EventLog }, { parseMark }] = await Promise.all([
    import('../../db/events'),
    import('../../taste/label-files'),
  ])
  const events = new EventLog(db)
  const name = trackName(track)
  let logged: number[]
  let playId: string | null = null
  let message: string
  const skip = /^skip@(\d+(?:\.\d+)?)$/.exec(action)
  if (skip) {
    const position = Number(skip[1])
    if (track.duration !== null && position > track.duration) {
      throw new CliError(
        `${name} lasts ${formatDuration(track.duration)}; a skip at ${position} s is past its end.`,
        2,
      )
    }
    // The start and the end land together or not at all: a crash between two autocommits left a
    // play that never ended.
    const end = db.transaction(() =>
      events.playEnd(track.id, events.playStart(track.id, { source: 'cli' }), {
        position,
        duration: track.duration,
        reason: 'next',
      }),
    )()
    logged = [end.id]
    playId = end.playId
    message = `Logged a skip of ${name} at ${formatDuration(position)}.`
  } else if (action === 'played') {
    const end = db.transaction(() =>
      events.playEnd(track.id, events.playStart(track.id, { source: 'cli' }), {
        position: track.duration ?? 0,
        duration: track.duration,
        reason: 'ended',
      }),
    )()
    logged = [end.id]
    playId = end.playId
    message = `Logged a play of ${name} to the end.`
  } else {
    const mark: MarkOrNone | null =
      action === 'none' || action === 'unmark' ? 'none' : parseMark(action)
    if (mark === null) throw new CliError(`Unknown feedback '${action}'. Use: ${FEEDBACK_USAGE}`, 2)
    logged = [events.mark(track.id, mark, 'cli').id]
    message =
      mark === 'none'
        ? `Removed the mark of ${name}.`
        : `Marked ${name} as ${mark.replace(/_/g, ' ')}.`
  }
  if (ctx.json) writeJson(ctx.io, { trackId: track.id, action, playId, eventIds: logged })
  else ctx.io.stdout.write(message + '\n')
  return 0
}
