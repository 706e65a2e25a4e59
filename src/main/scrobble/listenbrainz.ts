// ListenBrainz's API (https://listenbrainz.readthedocs.io/en/latest/users/api/core.html):
// POST /1/submit-listens with `Authorization: Token <user token>` and a JSON body
// { listen_type: 'single' | 'import' | 'playing_now', payload: [{ listened_at, track_metadata }] };
// GET /1/validate-token says whose token it is. 429 answers carry X-RateLimit-Reset-In.
import type { Listen } from '../db/scrobbles'
import { offlineMessage, retryAfterMs, type ScrobbleClient, type SendOutcome } from './outcome'

export const LISTENBRAINZ_MAX_BATCH = 100
const SERVICE = 'ListenBrainz'

type Track = Omit<Listen, 'id' | 'attempts' | 'listenedAt' | 'service' | 'playId'>

function trackMetadata(listen: Track, clientVersion: string) {
  return {
    artist_name: listen.artist,
    track_name: listen.title,
    ...(listen.album ? { release_name: listen.album } : {}),
    additional_info: {
      media_player: 'Attune',
      submission_client: 'Attune',
      submission_client_version: clientVersion,
      ...(listen.duration !== null ? { duration_ms: Math.round(listen.duration * 1000) } : {}),
      ...(listen.trackNo !== null ? { tracknumber: listen.trackNo } : {}),
      ...(listen.albumArtist ? { release_artist_name: listen.albumArtist } : {}),
    },
  }
}

function endpoint(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`
}

async function errorText(response: Response): Promise<string | null> {
  try {
    const body = (await response.json()) as { error?: unknown }
    return typeof body.error === 'string' ? body.error.slice(0, 300) : null
  } catch {
    return null
  }
}

export class ListenBrainzClient implements ScrobbleClient {
  readonly maxBatch = LISTENBRAINZ_MAX_BATCH

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly clientVersion: string,
  ) {}

  private post(body: unknown): Promise<Response> {
    return fetch(endpoint(this.url, '/1/submit-listens'), {
      method: 'POST',
      headers: { Authorization: `Token ${this.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    })
  }

  async submit(listens: readonly Listen[]): Promise<SendOutcome> {
    let response: Response
    try {
      response = await this.post({
        listen_type: listens.length === 1 ? 'single' : 'import',
        payload: listens.map((listen) => ({
          listened_at: listen.listenedAt,
          track_metadata: trackMetadata(listen, this.clientVersion),
        })),
      })
    } catch (error) {
      return { kind: 'retry', afterMs: null, message: offlineMessage(SERVICE, error) }
    }
    if (response.ok) {
      await response.body?.cancel()
      return { kind: 'sent', refused: [] }
    }
    const detail = await errorText(response)
    if (response.status === 401 || response.status === 403) {
      return {
        kind: 'auth',
        message: `ListenBrainz refused the user token${detail ? ` (${detail})` : ''}: copy it again from listenbrainz.org/settings into Settings. The listens are kept.`,
      }
    }
    if (response.status === 429) {
      return {
        kind: 'retry',
        afterMs: retryAfterMs(response.headers),
        message: 'ListenBrainz asked to slow down: the listens go out in a moment.',
      }
    }
    if (response.status === 400) {
      return {
        kind: 'refused',
        message: `ListenBrainz refused the listen: ${detail ?? 'no reason given'}.`,
      }
    }
    return {
      kind: 'retry',
      afterMs: retryAfterMs(response.headers),
      message: `ListenBrainz is not answering properly (HTTP ${response.status}): the listens are kept and sent later.`,
    }
  }

  async nowPlaying(track: Track): Promise<void> {
    try {
      const response = await this.post({
        listen_type: 'playing_now',
        payload: [{ track_metadata: trackMetadata(track, this.clientVersion) }],
      })
      await response.body?.cancel()
    } catch {
      // Best effort: "playing now" is not kept by the service either.
    }
  }

  /** Whose token this is, or why it cannot be used. */
  async validate(): Promise<{ user: string } | { error: string; retry: boolean }> {
    let response: Response
    try {
      response = await fetch(endpoint(this.url, '/1/validate-token'), {
        headers: { Authorization: `Token ${this.token}` },
        signal: AbortSignal.timeout(30_000),
      })
    } catch (error) {
      return { error: offlineMessage(SERVICE, error), retry: true }
    }
    if (!response.ok) {
      await response.body?.cancel()
      return response.status === 401
        ? {
            error:
              'ListenBrainz does not know this user token: copy it again from listenbrainz.org/settings.',
            retry: false,
          }
        : {
            error: `ListenBrainz is not answering properly (HTTP ${response.status}).`,
            retry: true,
          }
    }
    const body = (await response.json().catch(() => null)) as {
      valid?: unknown
      user_name?: unknown
    } | null
    if (body?.valid === true && typeof body.user_name === 'string') return { user: body.user_name }
    return {
      error:
        'ListenBrainz does not know this user token: copy it again from listenbrainz.org/settings.',
      retry: false,
    }
  }
}
