// Last.fm's API (https://www.last.fm/api): signed POSTs to /2.0/ (form-encoded; `api_sig` is the
// md5 of the parameters sorted by name, each name followed by its value, then the shared secret;
// `format` is not signed). track.scrobble takes up to 50 listens as artist[i], track[i],
// timestamp[i]…; track.updateNowPlaying one song. Desktop authorisation: auth.getToken, the
// listener allows Attune on last.fm/api/auth, then auth.getSession gives the session key.
import { createHash } from 'node:crypto'
import type { Listen } from '../db/scrobbles'
import { offlineMessage, retryAfterMs, type ScrobbleClient, type SendOutcome } from './outcome'

export const LASTFM_MAX_BATCH = 50
export const LASTFM_AUTH_PAGE = 'https://www.last.fm/api/auth/'
const SERVICE = 'Last.fm'

type Track = Omit<Listen, 'id' | 'attempts' | 'listenedAt' | 'service' | 'playId'>

/** api_sig for a set of parameters (`format` and `callback` are never signed). */
export function lastfmSignature(params: Readonly<Record<string, string>>, secret: string): string {
  const names = Object.keys(params)
    .filter((name) => name !== 'format' && name !== 'callback')
    .sort()
  const text = names.map((name) => `${name}${params[name]}`).join('') + secret
  return createHash('md5').update(text, 'utf8').digest('hex')
}

/** Error codes after which a try later may succeed (operation failed, offline, busy, rate limit). */
const TRANSIENT = new Set([8, 11, 16, 29])
/** Codes that mean the key, secret or session is wrong. */
const AUTH = new Set([4, 9, 10, 13, 14, 15, 26])

interface LastfmError {
  error: number
  message: string
}

type Failure = Exclude<SendOutcome, { kind: 'sent' }>
type Answer = { ok: true; body: Record<string, unknown> } | { ok: false; outcome: Failure }

function trackParams(track: Track, index: number | null): Record<string, string> {
  const key = (name: string) => (index === null ? name : `${name}[${index}]`)
  const params: Record<string, string> = {
    [key('artist')]: track.artist,
    [key('track')]: track.title,
  }
  if (track.album) params[key('album')] = track.album
  if (track.albumArtist) params[key('albumArtist')] = track.albumArtist
  if (track.duration !== null) params[key('duration')] = String(Math.round(track.duration))
  if (track.trackNo !== null) params[key('trackNumber')] = String(track.trackNo)
  return params
}

export class LastfmClient implements ScrobbleClient {
  readonly maxBatch = LASTFM_MAX_BATCH

  constructor(
    private readonly url: string,
    private readonly apiKey: string,
    private readonly apiSecret: string,
    private readonly sessionKey: string,
  ) {}

  /** One signed call; the answer's JSON, or what to do about its failure. */
  async call(method: string, params: Record<string, string>, session = true): Promise<Answer> {
    const signed: Record<string, string> = { ...params, method, api_key: this.apiKey }
    if (session) signed['sk'] = this.sessionKey
    signed['api_sig'] = lastfmSignature(signed, this.apiSecret)
    signed['format'] = 'json'
    let response: Response
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: new URLSearchParams(signed).toString(),
        signal: AbortSignal.timeout(30_000),
      })
    } catch (error) {
      return {
        ok: false,
        outcome: { kind: 'retry', afterMs: null, message: offlineMessage(SERVICE, error) },
      }
    }
    const body = (await response.json().catch(() => null)) as Record<string, unknown> | null
    const failure =
      body && typeof body['error'] === 'number'
        ? ({
            error: body['error'],
            message: typeof body['message'] === 'string' ? body['message'] : '',
          } satisfies LastfmError)
        : null
    if (response.ok && body && !failure) return { ok: true, body }
    if (failure && AUTH.has(failure.error)) {
      return {
        ok: false,
        outcome: {
          kind: 'auth',
          message: `Last.fm refused Attune's access (${failure.message || `error ${failure.error}`}): connect Last.fm again in Settings. The listens are kept.`,
        },
      }
    }
    if (
      (failure && TRANSIENT.has(failure.error)) ||
      response.status === 429 ||
      response.status >= 500 ||
      !body
    ) {
      return {
        ok: false,
        outcome: {
          kind: 'retry',
          afterMs: retryAfterMs(response.headers),
          message:
            failure?.error === 29 || response.status === 429
              ? 'Last.fm asked to slow down: the listens go out in a moment.'
              : `Last.fm is not answering properly (${failure ? failure.message || `error ${failure.error}` : `HTTP ${response.status}`}): the listens are kept and sent later.`,
        },
      }
    }
    return {
      ok: false,
      outcome: {
        kind: 'refused',
        message: `Last.fm refused the listen: ${failure?.message || `HTTP ${response.status}`}.`,
      },
    }
  }

  async submit(listens: readonly Listen[]): Promise<SendOutcome> {
    const params: Record<string, string> = {}
    listens.forEach((listen, i) => {
      Object.assign(params, trackParams(listen, i), {
        [`timestamp[${i}]`]: String(listen.listenedAt),
      })
    })
    const answer = await this.call('track.scrobble', params)
    if (!answer.ok) return answer.outcome
    // Each listen is accepted or ignored with a code: 1/2 artist or track ignored, 3/4 timestamp too
    // old or too new, 5 the daily limit (that one is worth another try tomorrow).
    const scrobbles = (answer.body['scrobbles'] as { scrobble?: unknown } | undefined)?.scrobble
    const items = Array.isArray(scrobbles) ? scrobbles : scrobbles ? [scrobbles] : []
    const refused = new Map<string, number[]>()
    let dailyLimit = false
    items.forEach((item, i) => {
      const ignored = (item as { ignoredMessage?: { code?: unknown; '#text'?: unknown } })
        .ignoredMessage
      const code = Number(ignored?.code ?? 0)
      const listen = listens[i]
      if (!listen || code === 0) return
      if (code === 5) dailyLimit = true
      const text = typeof ignored?.['#text'] === 'string' ? ignored['#text'] : ''
      const message = `Last.fm ignored it: ${text || IGNORED[code] || `code ${code}`}`
      refused.set(message, [...(refused.get(message) ?? []), listen.id])
    })
    if (dailyLimit) {
      return {
        kind: 'retry',
        afterMs: 6 * 3600_000,
        message: 'Last.fm’s daily limit of listens is reached: the rest go out later.',
      }
    }
    return { kind: 'sent', refused: [...refused].map(([message, ids]) => ({ ids, message })) }
  }

  async nowPlaying(track: Track): Promise<void> {
    await this.call('track.updateNowPlaying', trackParams(track, null)).catch(() => undefined)
  }

  /** Step 1 of connecting: a request token and the page where the listener allows Attune. */
  async requestToken(): Promise<{ token: string; page: string } | { error: string }> {
    const answer = await this.call('auth.getToken', {}, false)
    if (!answer.ok) return { error: answer.outcome.message }
    const token = answer.body['token']
    if (typeof token !== 'string' || token === '') return { error: 'Last.fm gave no token.' }
    const page = `${LASTFM_AUTH_PAGE}?${new URLSearchParams({ api_key: this.apiKey, token }).toString()}`
    return { token, page }
  }

  /** Step 2: once the listener allowed Attune, the session key and the account's name. */
  async session(token: string): Promise<{ key: string; user: string } | { error: string }> {
    const answer = await this.call('auth.getSession', { token }, false)
    if (!answer.ok) {
      return {
        error:
          answer.outcome.kind === 'auth'
            ? 'Last.fm has not been allowed yet: allow Attune on the page that opened, then press Finish.'
            : answer.outcome.message,
      }
    }
    const session = answer.body['session'] as { key?: unknown; name?: unknown } | undefined
    if (typeof session?.key !== 'string' || typeof session.name !== 'string') {
      return { error: 'Last.fm gave no session.' }
    }
    return { key: session.key, user: session.name }
  }
}

const IGNORED: Record<number, string> = {
  1: 'artist ignored',
  2: 'track ignored',
  3: 'heard more than 14 days ago',
  4: 'timestamp in the future',
}
