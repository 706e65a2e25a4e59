// Scrobbling against local servers that check every request against ListenBrainz's and Last.fm's
// documented APIs: which plays count, batches in order, offline listens kept and sent later
// exactly once, 429 and 5xx retried, a bad token stops and keeps everything, Last.fm's connect flow.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { ScrobbleRepository } from '../../../src/main/db/scrobbles'
import { lastfmSignature, LastfmClient } from '../../../src/main/scrobble/lastfm'
import { Scrobbler } from '../../../src/main/scrobble/scrobbler'
import type { Track } from '../../../src/shared/domain'
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings'
import { countsAsListen, listenThresholdSeconds } from '../../../src/shared/scrobbling'
import {
  startLastfm,
  startListenBrainz,
  type FakeLastfm,
  type FakeListenBrainz,
} from '../../helpers/scrobble-servers'
import { tempDir } from '../../helpers/temp'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function song(id: number, overrides: Partial<Track> = {}): Track {
  return {
    id,
    rootId: 1,
    path: `/music/${id}.ogg`,
    size: 1,
    mtimeMs: 1,
    format: 'ogg',
    codec: 'vorbis',
    sampleRate: 44100,
    channels: 2,
    bitsPerSample: null,
    bitrate: null,
    lossless: false,
    duration: 200,
    title: `Song ${id}`,
    artist: 'The Band',
    album: 'The Album',
    albumArtist: null,
    genre: null,
    year: null,
    trackNo: id,
    trackTotal: null,
    discNo: null,
    discTotal: null,
    replayGain: { trackGain: null, trackPeak: null, albumGain: null, albumPeak: null },
    coverId: null,
    addedAt: 1,
    scannedAt: 1,
    missingSince: null,
    error: null,
    derived: { title: false, artist: false, album: false },
    ...overrides,
  }
}

interface Setup {
  db: Database
  repo: ScrobbleRepository
  scrobbler: Scrobbler
  settings: Settings['scrobbling']
  songs: Map<number, Track>
}

function setup(settings: Settings['scrobbling']): Setup {
  const t = tempDir()
  const db = openDatabase(join(t.dir, 'library.db'))
  const repo = new ScrobbleRepository(db)
  const songs = new Map<number, Track>()
  // Listens refer to library rows: each song the test plays exists as one.
  const addRow = db.prepare(`INSERT OR IGNORE INTO tracks (id, path, added_at) VALUES (?, ?, 1)`)
  const set = songs.set.bind(songs)
  songs.set = (id, track) => {
    addRow.run(id, track.path)
    return set(id, track)
  }
  const box: Setup = {
    db,
    repo,
    settings,
    songs,
    scrobbler: new Scrobbler({
      repo,
      settings: () => box.settings,
      track: (id) => songs.get(id) ?? null,
      clientVersion: '0.1.0',
      firstRetryMs: 20,
      maxRetryMs: 200,
    }),
  }
  cleanups.push(() => {
    box.scrobbler.close()
    db.close()
    t.cleanup()
  })
  return box
}

function listenBrainzOn(lb: { url: string; token: string }): Settings['scrobbling'] {
  return {
    ...DEFAULT_SETTINGS.scrobbling,
    listenbrainz: { enabled: true, token: lb.token, url: lb.url },
  }
}

function lastfmOn(fm: FakeLastfm): Settings['scrobbling'] {
  return {
    ...DEFAULT_SETTINGS.scrobbling,
    lastfm: {
      enabled: true,
      apiKey: fm.apiKey,
      apiSecret: fm.secret,
      sessionKey: fm.sessionKey,
      user: fm.user,
      url: fm.url,
    },
  }
}

/** Plays song `id` from `startedAt` (ms) to `position` seconds, then ends it. */
function play(box: Setup, id: number, position: number, startedAt: number): void {
  box.songs.set(id, box.songs.get(id) ?? song(id))
  const playId = `play-${id}-${startedAt}`
  box.scrobbler.playStarted(id, playId, startedAt)
  box.scrobbler.playProgress(id, playId, position / 2)
  box.scrobbler.playEnded(id, playId, position, box.songs.get(id)!.duration)
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((ok) => setTimeout(ok, 25))
  if (!check()) throw new Error(`Timed out waiting for ${what}`)
}

async function server<T extends { close(): Promise<void> }>(start: Promise<T>): Promise<T> {
  const running = await start
  cleanups.push(() => running.close())
  return running
}

describe('when a play counts as a listen', () => {
  it('takes half the song or four minutes, whichever is first; Last.fm only songs over 30 seconds', () => {
    for (const service of ['listenbrainz', 'lastfm'] as const) {
      expect(listenThresholdSeconds(200, service)).toBe(100)
      expect(listenThresholdSeconds(600, service)).toBe(240)
      expect(listenThresholdSeconds(null, service)).toBeNull()
      expect(countsAsListen(99.9, 200, service)).toBe(false)
      expect(countsAsListen(100, 200, service)).toBe(true)
      expect(countsAsListen(240, 3600, service)).toBe(true)
    }
    expect(listenThresholdSeconds(30, 'lastfm')).toBeNull()
    expect(countsAsListen(29, 30, 'lastfm')).toBe(false)
    expect(listenThresholdSeconds(30, 'listenbrainz')).toBe(15)
    expect(countsAsListen(15, 30, 'listenbrainz')).toBe(true)
  })

  it('signs Last.fm calls as its auth spec says (md5 of sorted name+value pairs and the secret)', () => {
    // The example of https://www.last.fm/api/authspec §8, with format left out of the signature.
    // md5('api_keyxxxxxxxxmethodauth.getSessiontokenyyyyyyilovecher'), computed independently.
    expect(
      lastfmSignature(
        { token: 'yyyyyy', method: 'auth.getSession', api_key: 'xxxxxxxx', format: 'json' },
        'ilovecher',
      ),
    ).toBe('1333ebf6f7dec747486b6ce965cca66b')
  })
})

describe('ListenBrainz', () => {
  let lb: FakeListenBrainz

  it('sends a listen once the play counts, with what the song is called, and "playing now" at the start', async () => {
    lb = await server(startListenBrainz())
    const box = setup(listenBrainzOn(lb))
    box.songs.set(
      1,
      song(1, { title: 'Northerners', artist: 'Wesnoth', album: 'Battle', duration: 200 }),
    )
    box.scrobbler.playStarted(1, 'p1', 1_700_000_000_000)
    box.scrobbler.playProgress(1, 'p1', 50)
    await until(() => lb.playingNow.length === 1, 'playing now')
    expect(lb.listens).toEqual([])
    expect(box.repo.counts('listenbrainz').pending).toBe(0)
    box.scrobbler.playProgress(1, 'p1', 100)
    box.scrobbler.playEnded(1, 'p1', 180, 200) // the same play never counts twice
    await box.scrobbler.flush()
    expect(lb.listens).toEqual([
      {
        listened_at: 1_700_000_000,
        track_metadata: {
          artist_name: 'Wesnoth',
          track_name: 'Northerners',
          release_name: 'Battle',
          additional_info: {
            media_player: 'Attune',
            submission_client: 'Attune',
            submission_client_version: '0.1.0',
            duration_ms: 200_000,
            tracknumber: 1,
          },
        },
      },
    ])
    expect(box.repo.counts('listenbrainz')).toEqual({ pending: 0, sent: 1, refused: 0 })
    expect(lb.violations).toEqual([])
  })

  it('never sends plays that stopped early or names guessed from files', async () => {
    lb = await server(startListenBrainz())
    const box = setup(listenBrainzOn(lb))
    box.songs.set(3, song(3, { derived: { title: true, artist: true, album: true } }))
    play(box, 3, 200, 1_700_000_100_000)
    play(box, 4, 60, 1_700_000_200_000)
    await box.scrobbler.flush()
    expect(lb.listens).toEqual([])
    expect(box.repo.counts('listenbrainz').pending).toBe(0)
  })

  it('keeps listens while offline and sends them later, in order, exactly once', async () => {
    // Find a free port, then leave it closed: the service is unreachable.
    const probe = await startListenBrainz()
    const { port, token } = probe
    await probe.close()
    const box = setup(listenBrainzOn({ url: `http://127.0.0.1:${port}`, token }))
    for (let i = 1; i <= 5; i++) play(box, i, 150, 1_700_000_000_000 + i * 300_000)
    await box.scrobbler.flush()
    expect(box.repo.counts('listenbrainz')).toEqual({ pending: 5, sent: 0, refused: 0 })
    const waiting = box.scrobbler.status().find((s) => s.service === 'listenbrainz')!
    expect(waiting.state).toBe('waiting')
    expect(waiting.message).toMatch(/could not be reached.*kept/)
    // The service comes back on the same address; the scheduled retry finds it.
    lb = await server(startListenBrainz(port))
    await until(() => lb.listens.length === 5, 'the kept listens')
    await box.scrobbler.flush()
    expect(lb.listens.map((l) => l.track_metadata.track_name)).toEqual([
      'Song 1',
      'Song 2',
      'Song 3',
      'Song 4',
      'Song 5',
    ])
    expect(lb.requests.filter((r) => r.startsWith('POST /1/submit-listens import'))).toEqual([
      'POST /1/submit-listens import ×5',
    ])
    expect(box.repo.counts('listenbrainz')).toEqual({ pending: 0, sent: 5, refused: 0 })
    expect(lb.violations).toEqual([])
  })

  it('waits and retries after a 429 and a 5xx, delivering each listen once', async () => {
    lb = await server(startListenBrainz())
    lb.script.push(
      {
        status: 429,
        body: { code: 429, error: 'Too many requests' },
        headers: { 'X-RateLimit-Reset-In': '0' },
      },
      { status: 503, body: { code: 503, error: 'Service unavailable' } },
    )
    const box = setup(listenBrainzOn(lb))
    play(box, 1, 150, 1_700_000_000_000)
    await until(() => box.repo.counts('listenbrainz').sent === 1, 'the listen after two failures')
    expect(lb.requests.filter((r) => r.includes('single'))).toHaveLength(3)
    expect(box.repo.counts('listenbrainz')).toEqual({ pending: 0, sent: 1, refused: 0 })
  })

  it('stops on a bad token with a clear message, keeps the listens, and sends them once it is fixed', async () => {
    lb = await server(startListenBrainz())
    const box = setup(listenBrainzOn({ url: lb.url, token: 'wrong' }))
    play(box, 1, 150, 1_700_000_000_000)
    play(box, 2, 150, 1_700_000_300_000)
    await box.scrobbler.flush()
    const status = box.scrobbler.status().find((s) => s.service === 'listenbrainz')!
    expect(status.state).toBe('needs-attention')
    expect(status.message).toMatch(/refused the user token.*Settings.*kept/)
    expect(status.pending).toBe(2)
    const refusals = lb.requests.length
    play(box, 3, 150, 1_700_000_600_000) // still kept, nothing sent while the token is wrong
    await box.scrobbler.flush()
    expect(lb.requests).toHaveLength(refusals)
    expect(box.repo.counts('listenbrainz').pending).toBe(3)
    box.settings = listenBrainzOn(lb)
    box.scrobbler.settingsChanged()
    await until(() => lb.listens.length === 3, 'the listens after the fix')
    await until(
      () => box.scrobbler.status().find((s) => s.service === 'listenbrainz')!.user === 'rob',
      'the account name',
    )
    expect(box.scrobbler.status().find((s) => s.service === 'listenbrainz')).toMatchObject({
      state: 'ok',
      user: 'rob',
      pending: 0,
      sent: 3,
    })
  })

  it('sends nothing at all while scrobbling is off (the default)', async () => {
    lb = await server(startListenBrainz())
    const box = setup({
      ...DEFAULT_SETTINGS.scrobbling,
      listenbrainz: { ...DEFAULT_SETTINGS.scrobbling.listenbrainz, url: lb.url, token: lb.token },
    })
    play(box, 1, 150, 1_700_000_000_000)
    await box.scrobbler.flush()
    expect(lb.requests).toEqual([])
    expect(box.repo.counts('listenbrainz').pending).toBe(0)
    expect(box.scrobbler.status().map((s) => s.state)).toEqual(['off', 'off'])
  })
})

describe('Last.fm', () => {
  let fm: FakeLastfm

  it('never takes songs of 30 seconds or less', async () => {
    fm = await server(startLastfm())
    const box = setup(lastfmOn(fm))
    box.songs.set(2, song(2, { duration: 30 }))
    play(box, 2, 30, 1_700_000_000_000)
    await box.scrobbler.flush()
    expect(box.repo.counts('lastfm').pending + box.repo.counts('lastfm').sent).toBe(0)
  })

  it('scrobbles batches with signed calls, and keeps what it ignored as refused', async () => {
    fm = await server(startLastfm())
    const box = setup(lastfmOn(fm))
    // Offline first, so three listens go in one batch.
    box.settings = {
      ...box.settings,
      lastfm: { ...box.settings.lastfm, url: 'http://127.0.0.1:9/2.0/' },
    }
    for (let i = 1; i <= 3; i++) play(box, i, 150, 1_700_000_000_000 + i * 300_000)
    await box.scrobbler.flush()
    expect(box.repo.counts('lastfm').pending).toBe(3)
    box.settings = lastfmOn(fm)
    fm.ignore.set(1, 3) // the second one is "too old"
    box.scrobbler.settingsChanged()
    await until(() => box.repo.counts('lastfm').pending === 0, 'the batch')
    expect(fm.requests.filter((r) => r.endsWith('track.scrobble'))).toHaveLength(1)
    expect(fm.scrobbles.map((s) => [s.track, s.timestamp, s.album, s.duration])).toEqual([
      ['Song 1', 1_700_000_300, 'The Album', '200'],
      ['Song 3', 1_700_000_900, 'The Album', '200'],
    ])
    expect(box.repo.counts('lastfm')).toEqual({ pending: 0, sent: 2, refused: 1 })
    expect(fm.violations).toEqual([])
  })

  it('retries when Last.fm is down (error 16, HTTP 503) or rate-limits (error 29), then sends once', async () => {
    fm = await server(startLastfm())
    fm.script.push(
      { status: 503, body: { error: 16, message: 'Service temporarily unavailable' } },
      {
        status: 429,
        body: { error: 29, message: 'Rate limit exceeded' },
        headers: { 'Retry-After': '0' },
      },
    )
    const box = setup(lastfmOn(fm))
    play(box, 1, 150, 1_700_000_000_000)
    await until(() => box.repo.counts('lastfm').sent === 1, 'the scrobble')
    expect(fm.scrobbles).toHaveLength(1)
    expect(fm.requests.filter((r) => r.endsWith('track.scrobble'))).toHaveLength(3)
    expect(box.repo.counts('lastfm')).toEqual({ pending: 0, sent: 1, refused: 0 })
  })

  it('stops on a revoked session (error 9) and says to connect again', async () => {
    fm = await server(startLastfm())
    const box = setup({
      ...lastfmOn(fm),
      lastfm: { ...lastfmOn(fm).lastfm, sessionKey: 'revoked' },
    })
    play(box, 1, 150, 1_700_000_000_000)
    await box.scrobbler.flush()
    expect(box.scrobbler.status().find((s) => s.service === 'lastfm')).toMatchObject({
      state: 'needs-attention',
      pending: 1,
    })
    expect(box.scrobbler.status().find((s) => s.service === 'lastfm')!.message).toMatch(
      /connect Last.fm again in Settings.*kept/,
    )
  })

  it('connects the desktop way: a token, the listener allows Attune, then a session', async () => {
    fm = await server(startLastfm())
    const client = new LastfmClient(fm.url, fm.apiKey, fm.secret, '')
    const request = await client.requestToken()
    if (!('token' in request)) throw new Error(request.error)
    expect(request.page).toBe(
      `https://www.last.fm/api/auth/?api_key=${fm.apiKey}&token=${request.token}`,
    )
    expect(await client.session(request.token)).toEqual({
      error:
        'Last.fm has not been allowed yet: allow Attune on the page that opened, then press Finish.',
    })
    fm.tokens.set(request.token, true) // the listener pressed "Yes, allow access"
    expect(await client.session(request.token)).toEqual({ key: fm.sessionKey, user: fm.user })
    expect(fm.violations).toEqual([])
  })
})
