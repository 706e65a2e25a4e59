import {
  END_REASONS,
  EVENT_KINDS,
  MARKS,
  type EndReason,
  type EventKind,
  type MarkOrNone,
} from '../../shared/domain'
import { UserError } from '../../shared/errors'
import { exclusionEventSchema } from '../../shared/exclusions'
import { DECLINE_REASONS } from '../../shared/live-queue'

/** An event as a caller describes it; `ts` defaults to now. */
export interface NewEvent {
  kind: EventKind
  trackId: number
  ts?: number
  playId?: string | null
  /** Seconds into the track. */
  position?: number | null
  /** The track's duration in seconds when the event happened. */
  duration?: number | null
  reason?: EndReason | null
  mark?: MarkOrNone | null
  source?: string | null
  /** Any JSON value (auto-pick candidates, probability…); stored as JSON text. */
  data?: unknown
}

/** The columns of one `events` row, checked and ready to insert (track resolved separately). */
export interface EventColumns {
  ts: number
  kind: EventKind
  playId: string | null
  position: number | null
  duration: number | null
  reason: EndReason | null
  mark: MarkOrNone | null
  source: string | null
  /** JSON text, or null. */
  data: string | null
}

export class InvalidEventError extends UserError {
  override name = 'InvalidEventError'
}

const MARKS_OR_NONE: readonly string[] = [...MARKS, 'none']
const PLAY_KINDS: readonly EventKind[] = ['play_start', 'play_progress', 'play_end']
const MARK_KINDS: readonly EventKind[] = ['mark', 'label_import']
const MAX_TEXT = 1_000
const MAX_DATA = 1_000_000

/**
 * Checks an event's fields against its kind and returns the row to insert. Every writer (the
 * typed helpers, `append`, and the JSONL import) goes through here, so the log only ever holds
 * events the rest of the engine can read back.
 */
export function validateEventColumns(
  event: Omit<NewEvent, 'trackId'>,
  now: number = Date.now(),
): EventColumns {
  const kind = event.kind as string
  if (!(EVENT_KINDS as readonly string[]).includes(kind)) {
    throw new InvalidEventError(
      `Unknown event kind ${JSON.stringify(kind)}; expected one of ${EVENT_KINDS.join(', ')}.`,
    )
  }
  const typedKind = kind as EventKind

  const ts = event.ts ?? now
  if (!Number.isSafeInteger(ts) || ts < 0) {
    throw new InvalidEventError(
      `The event's time must be whole milliseconds since 1970, not ${String(ts)}.`,
    )
  }

  const playId = optionalText(event.playId, 'play id')
  if (playId === '') throw new InvalidEventError('The play id must not be empty.')
  if (PLAY_KINDS.includes(typedKind) && playId === null) {
    throw new InvalidEventError(`A ${kind} event needs a play id.`)
  }

  const position = optionalSeconds(event.position, 'position')
  if ((typedKind === 'play_progress' || typedKind === 'play_end') && position === null) {
    throw new InvalidEventError(`A ${kind} event needs a position (seconds into the track).`)
  }
  const duration = optionalSeconds(event.duration, 'duration')

  const reason = event.reason ?? null
  if (typedKind === 'play_end') {
    if (reason === null || !(END_REASONS as readonly string[]).includes(reason)) {
      throw new InvalidEventError(
        `Unknown reason for the end of a play: ${JSON.stringify(reason)}; expected one of ${END_REASONS.join(', ')}.`,
      )
    }
  } else if (reason !== null) {
    throw new InvalidEventError(
      `Only a play_end event has a reason; this ${kind} event has ${JSON.stringify(reason)}.`,
    )
  }

  const mark = event.mark ?? null
  if (MARK_KINDS.includes(typedKind)) {
    if (mark === null || !MARKS_OR_NONE.includes(mark)) {
      throw new InvalidEventError(
        `Unknown mark ${JSON.stringify(mark)}; expected one of ${MARKS_OR_NONE.join(', ')}.`,
      )
    }
  } else if (mark !== null) {
    throw new InvalidEventError(
      `Only mark and label_import events carry a mark; this ${kind} event has one.`,
    )
  }

  const source = optionalText(event.source, 'source')

  let data: string | null = null
  if (event.data !== undefined && event.data !== null) {
    let text: string | undefined
    try {
      text = JSON.stringify(event.data)
    } catch (error) {
      throw new InvalidEventError(
        `The event's data cannot be written as JSON: ${(error as Error).message}`,
      )
    }
    if (text === undefined)
      throw new InvalidEventError("The event's data cannot be written as JSON.")
    if (text.length > MAX_DATA) throw new InvalidEventError("The event's data is larger than 1 MB.")
    data = text
  }
  if (typedKind === 'unplayable') {
    const info = event.data as { reason?: unknown; size?: unknown; mtimeMs?: unknown } | null
    if (
      typeof info?.reason !== 'string' ||
      typeof info.size !== 'number' ||
      typeof info.mtimeMs !== 'number'
    ) {
      throw new InvalidEventError(
        'An unplayable event needs its data: the reason, and the file size and mtime it was about.',
      )
    }
  }
  if (typedKind === 'exclusion' && !exclusionEventSchema.safeParse(event.data).success) {
    throw new InvalidEventError(
      'An exclusion event needs its data: whether a rule is added or removed, and the rule (an artist, album, folder or genre).',
    )
  }
  if (typedKind === 'pick_declined') {
    const info = event.data as { pickId?: unknown; pickTs?: unknown; reason?: unknown } | null
    const whole = (value: unknown, least: number): boolean =>
      typeof value === 'number' && Number.isSafeInteger(value) && value >= least
    if (
      !whole(info?.pickId, 1) ||
      !whole(info?.pickTs, 0) ||
      !(DECLINE_REASONS as readonly unknown[]).includes(info?.reason)
    ) {
      throw new InvalidEventError(
        `A pick_declined event needs its data: the auto-pick it sets aside (pickId, and pickTs, its time) and why (one of ${DECLINE_REASONS.join(', ')}).`,
      )
    }
  }
  if (typedKind === 'auto_pick' && data === null) {
    throw new InvalidEventError(
      'An auto_pick event needs its data (the candidates and the probability).',
    )
  }

  return { ts, kind: typedKind, playId, position, duration, reason, mark, source, data }
}

export function validTrackId(trackId: unknown): number {
  if (typeof trackId !== 'number' || !Number.isSafeInteger(trackId) || trackId < 1) {
    throw new InvalidEventError(
      `A track id is a positive whole number, not ${JSON.stringify(trackId)}.`,
    )
  }
  return trackId
}

function optionalText(value: unknown, what: string): string | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string')
    throw new InvalidEventError(`The ${what} must be text, not ${JSON.stringify(value)}.`)
  if (value.length > MAX_TEXT)
    throw new InvalidEventError(`The ${what} is longer than ${MAX_TEXT} characters.`)
  return value
}

function optionalSeconds(value: unknown, what: string): number | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidEventError(
      `The ${what} must be a number of seconds, zero or more, not ${JSON.stringify(value)}.`,
    )
  }
  return value
}
