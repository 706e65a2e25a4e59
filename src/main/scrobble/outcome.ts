import type { Listen } from '../db/scrobbles'

/** What a service answered to a batch of listens, in the terms the scrobbler acts on. */
export type SendOutcome =
  /** Taken; `refused` are listens the service ignored for good (with its reason). */
  | { kind: 'sent'; refused: { ids: number[]; message: string }[] }
  /** Try again later: offline, the service is down or asked to slow down (`afterMs` if it said). */
  | { kind: 'retry'; afterMs: number | null; message: string }
  /** The token or session is wrong: nothing goes out until the listener fixes it. */
  | { kind: 'auth'; message: string }
  /** The service will not take this batch as it is (a malformed listen). */
  | { kind: 'refused'; message: string }

export interface ScrobbleClient {
  /** Sends listens (oldest first, at most `maxBatch`). */
  submit(listens: readonly Listen[]): Promise<SendOutcome>
  /** "Playing now": best effort, never queued (the services do not keep it either). */
  nowPlaying(
    listen: Omit<Listen, 'id' | 'attempts' | 'listenedAt' | 'service' | 'playId'>,
  ): Promise<void>
  readonly maxBatch: number
}

/** Seconds or an HTTP date in Retry-After, or ListenBrainz's X-RateLimit-Reset-In, as ms. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | null {
  const resetIn = headers.get('x-ratelimit-reset-in')
  if (resetIn !== null && /^\d+(\.\d+)?$/.test(resetIn.trim())) return Number(resetIn) * 1000
  const retryAfter = headers.get('retry-after')
  if (retryAfter === null) return null
  if (/^\d+$/.test(retryAfter.trim())) return Number(retryAfter) * 1000
  const date = Date.parse(retryAfter)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

/** A network failure (no answer at all) in words. */
export function offlineMessage(service: string, error: unknown): string {
  const code =
    error instanceof Error &&
    error.cause &&
    typeof error.cause === 'object' &&
    'code' in error.cause
      ? String(error.cause.code)
      : null
  return `${service} could not be reached${code ? ` (${code})` : ''}: the listens are kept and sent when it can be.`
}
