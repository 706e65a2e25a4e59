import type { ScrobbleRepository, NewListen } from '../db/scrobbles'
import type { Track } from '../../shared/domain'
import type { Settings } from '../../shared/settings'
import {
  countsAsListen,
  SCROBBLE_SERVICES,
  type ScrobbleService,
  type ScrobbleServiceStatus,
} from '../../shared/scrobbling'
import { LastfmClient } from './lastfm'
import { ListenBrainzClient } from './listenbrainz'
import type { ScrobbleClient } from './outcome'

export type ScrobbleSettings = Settings['scrobbling']

export interface ScrobblerOptions {
  repo: ScrobbleRepository
  settings: () => ScrobbleSettings
  track: (trackId: number) => Track | null
  clientVersion: string
  log?: (level: 'info' | 'warn', message: string) => void
  /** First wait after a failed try, doubled each time up to `maxRetryMs` (default 5 s … 15 min). */
  firstRetryMs?: number
  maxRetryMs?: number
}

interface ServiceState {
  state: ScrobbleServiceStatus['state']
  message: string | null
  user: string | null
  timer: ReturnType<typeof setTimeout> | null
  failures: number
  /** The round running now; a second flush waits for it and runs again. */
  running: Promise<void> | null
  again: boolean
}

interface OpenPlay {
  trackId: number
  startedAt: number
  /** Services this play already counted for. */
  kept: Set<ScrobbleService>
}

const SERVICE_NAMES: Record<ScrobbleService, string> = {
  listenbrainz: 'ListenBrainz',
  lastfm: 'Last.fm',
}

/**
 * Scrobbling: plays that count as listens (half the song or 4 minutes; for Last.fm, songs over
 * 30 s) are kept
 * in the database per service the listener turned on, then sent oldest first in batches. Offline,
 * a service down or asking to slow down: the listens stay and a retry is scheduled (the service's
 * Retry-After, else 5 s doubling to 15 min). A bad token stops sending until the settings change;
 * nothing is dropped. Only songs whose artist and title come from their tags are sent (names made
 * from file and folder names would put guesses into the listener's public profile).
 */
export class Scrobbler {
  private readonly services = new Map<ScrobbleService, ServiceState>()
  private readonly plays = new Map<string, OpenPlay>()
  private closed = false

  constructor(private readonly options: ScrobblerOptions) {
    for (const service of SCROBBLE_SERVICES) {
      this.services.set(service, {
        state: 'ok',
        message: null,
        user: null,
        timer: null,
        failures: 0,
        running: null,
        again: false,
      })
    }
  }

  private enabled(service: ScrobbleService): boolean {
    const settings = this.options.settings()
    if (service === 'listenbrainz') {
      return settings.listenbrainz.enabled && settings.listenbrainz.token.trim() !== ''
    }
    const lastfm = settings.lastfm
    return (
      lastfm.enabled && lastfm.apiKey !== '' && lastfm.apiSecret !== '' && lastfm.sessionKey !== ''
    )
  }

  private client(service: ScrobbleService): ScrobbleClient {
    if (service === 'listenbrainz') return this.listenBrainzClient()
    const l = this.options.settings().lastfm
    return new LastfmClient(l.url, l.apiKey, l.apiSecret, l.sessionKey)
  }

  private listenBrainzClient(): ListenBrainzClient {
    const settings = this.options.settings().listenbrainz
    return new ListenBrainzClient(settings.url, settings.token.trim(), this.options.clientVersion)
  }

  /** What a song is called, for the services; null when its tags do not name artist and title. */
  private listenOf(trackId: number): Omit<NewListen, 'service' | 'playId' | 'listenedAt'> | null {
    const track = this.options.track(trackId)
    if (!track?.artist || !track.title || track.derived.artist || track.derived.title) return null
    return {
      trackId,
      artist: track.artist,
      title: track.title,
      album: track.album && !track.derived.album ? track.album : null,
      albumArtist: track.albumArtist,
      duration: track.duration,
      trackNo: track.trackNo,
    }
  }

  playStarted(trackId: number, playId: string, startedAt = Date.now()): void {
    this.plays.clear() // one player: a new play supersedes one whose end was lost
    this.plays.set(playId, { trackId, startedAt, kept: new Set() })
    const listen = this.listenOf(trackId)
    if (!listen) return
    for (const service of SCROBBLE_SERVICES) {
      if (this.enabled(service) && this.services.get(service)?.state !== 'needs-attention') {
        void this.client(service).nowPlaying(listen)
      }
    }
  }

  /** A play reached `position` seconds; it is kept as a listen the first time it counts. */
  playProgress(trackId: number, playId: string, position: number, duration?: number | null): void {
    let play = this.plays.get(playId)
    if (!play) {
      play = { trackId, startedAt: Date.now() - position * 1000, kept: new Set() }
      this.plays.set(playId, play)
    }
    const length = duration ?? this.options.track(trackId)?.duration ?? null
    const due = SCROBBLE_SERVICES.filter(
      (service) =>
        !play.kept.has(service) &&
        this.enabled(service) &&
        countsAsListen(position, length, service),
    )
    if (due.length === 0) return
    const listen = this.listenOf(trackId)
    let added = false
    for (const service of due) {
      play.kept.add(service)
      if (!listen) continue
      added =
        this.options.repo.add({
          ...listen,
          service,
          playId,
          listenedAt: Math.floor(play.startedAt / 1000),
        }) || added
    }
    if (added) void this.flush()
  }

  playEnded(trackId: number, playId: string, position: number, duration: number | null): void {
    this.playProgress(trackId, playId, position, duration)
    this.plays.delete(playId)
  }

  /** The listener changed the scrobbling settings: clear a stopped state and try again. */
  settingsChanged(): void {
    for (const service of SCROBBLE_SERVICES) {
      const state = this.services.get(service)!
      state.failures = 0
      state.message = null
      state.state = 'ok'
      if (state.timer) clearTimeout(state.timer)
      state.timer = null
      if (service === 'lastfm') state.user = this.options.settings().lastfm.user || null
    }
    void this.checkListenBrainz().then(() => this.flush())
  }

  private async checkListenBrainz(): Promise<void> {
    const state = this.services.get('listenbrainz')!
    if (!this.enabled('listenbrainz')) {
      state.user = null
      return
    }
    const result = await this.listenBrainzClient().validate()
    if ('user' in result) {
      state.user = result.user
    } else if (!result.retry) {
      state.state = 'needs-attention'
      state.message = result.error
    }
  }

  /** Sends what waits, for every service turned on; resolves when the round is over. */
  async flush(): Promise<void> {
    await Promise.all(SCROBBLE_SERVICES.map((service) => this.flushService(service)))
  }

  private flushService(service: ScrobbleService): Promise<void> {
    const state = this.services.get(service)!
    if (state.running) {
      state.again = true
      return state.running
    }
    state.running = (async () => {
      do {
        state.again = false
        await this.round(service, state)
      } while (state.again && !this.closed)
    })().finally(() => {
      state.running = null
    })
    return state.running
  }

  private async round(service: ScrobbleService, state: ServiceState): Promise<void> {
    if (this.closed || !this.enabled(service) || state.state === 'needs-attention') return
    if (state.timer) return // a retry is scheduled: keep the order and the wait
    const client = this.client(service)
    let batchSize = client.maxBatch
    for (;;) {
      const batch = this.options.repo.waiting(service, batchSize)
      if (batch.length === 0) {
        state.state = 'ok'
        state.message = null
        return
      }
      const outcome = await client.submit(batch)
      if (this.closed) return // the engine is closing: the listens stay, sent next time
      const ids = batch.map((listen) => listen.id)
      if (outcome.kind === 'sent') {
        const refused = new Set(outcome.refused.flatMap((group) => group.ids))
        this.options.repo.markSent(ids.filter((id) => !refused.has(id)))
        for (const group of outcome.refused) this.options.repo.markRefused(group.ids, group.message)
        state.failures = 0
        state.state = 'ok'
        state.message = null
        continue
      }
      if (outcome.kind === 'refused') {
        if (batch.length > 1) {
          batchSize = 1 // find the listen the service will not take; send the others
          continue
        }
        this.options.repo.markRefused(ids, outcome.message)
        this.log('warn', `${SERVICE_NAMES[service]}: ${outcome.message}`)
        continue
      }
      this.options.repo.markFailed(ids, outcome.message)
      state.message = outcome.message
      if (outcome.kind === 'auth') {
        state.state = 'needs-attention'
        this.log('warn', outcome.message)
        return
      }
      state.state = 'waiting'
      const first = this.options.firstRetryMs ?? 5_000
      const max = this.options.maxRetryMs ?? 15 * 60_000
      const wait = outcome.afterMs ?? Math.min(max, first * 2 ** state.failures)
      state.failures++
      state.timer = setTimeout(() => {
        state.timer = null
        void this.flushService(service)
      }, wait)
      state.timer.unref?.()
      return
    }
  }

  status(): ScrobbleServiceStatus[] {
    return SCROBBLE_SERVICES.map((service) => {
      const state = this.services.get(service)!
      const settings = this.options.settings()
      const enabled =
        service === 'listenbrainz' ? settings.listenbrainz.enabled : settings.lastfm.enabled
      const ready = this.enabled(service)
      const missing =
        service === 'listenbrainz'
          ? 'Paste your ListenBrainz user token to send listens.'
          : 'Connect Last.fm (your API key and secret, then allow Attune) to send listens.'
      return {
        service,
        enabled,
        user: service === 'lastfm' ? settings.lastfm.user || null : state.user,
        ...this.options.repo.counts(service),
        state: !enabled ? 'off' : ready ? state.state : 'needs-attention',
        message: enabled && !ready ? missing : state.message,
      }
    })
  }

  close(): void {
    this.closed = true
    for (const state of this.services.values()) {
      if (state.timer) clearTimeout(state.timer)
      state.timer = null
    }
  }

  private log(level: 'info' | 'warn', message: string): void {
    this.options.log?.(level, message)
  }
}
