// Scrobbling through the engine's contract calls, as the player drives it, on real fixture songs
// scanned into a real SQLite file: a play that counts reaches the ListenBrainz stand-in with the
// song's tags; Last.fm is connected through the calls the Settings view uses; listens kept while a
// service was away go out when the engine starts again.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../../../src/main/engine'
import { parseArgs } from '../../../src/shared/contract'
import { APP_VERSION } from '../../../src/shared/version'
import {
  startLastfm,
  startListenBrainz,
  type FakeListenBrainz,
} from '../../helpers/scrobble-servers'
import { FIXTURES, tempDir } from '../../helpers/temp'

let temp: ReturnType<typeof tempDir>
let dbPath: string
let engine: Engine
let lb: FakeListenBrainz
let songId: number

beforeAll(async () => {
  temp = tempDir()
  dbPath = join(temp.dir, 'library.db')
  engine = new Engine({ dbPath })
  await engine.handlers.addRoot({ path: join(FIXTURES, 'music', 'wesnoth') })
  await engine.scan()
  const song = engine.tracks
    .listTracks({ limit: 100 })
    .find((t) => t.title && t.artist && !t.derived.artist)
  if (!song) throw new Error('no tagged fixture song')
  songId = song.id
  lb = await startListenBrainz()
}, 120_000)

afterAll(async () => {
  await engine?.close()
  await lb?.close()
  temp?.cleanup()
})

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return
    await new Promise((ok) => setTimeout(ok, 25))
  }
  throw new Error(`Timed out waiting for ${what}`)
}

async function listenBrainz() {
  const status = await engine.handlers.scrobblingStatus(parseArgs('scrobblingStatus', undefined))
  return status.find((s) => s.service === 'listenbrainz')!
}

describe('scrobbling through the engine', () => {
  it('is off by default: a play sends nothing', async () => {
    const { playId } = await engine.handlers.playStarted({ trackId: songId })
    await engine.handlers.playEnded({
      trackId: songId,
      playId,
      position: 30,
      duration: 30,
      reason: 'ended',
    })
    const status = await engine.handlers.scrobblingStatus(parseArgs('scrobblingStatus', undefined))
    expect(status.map((s) => [s.service, s.state, s.pending, s.sent])).toEqual([
      ['listenbrainz', 'off', 0, 0],
      ['lastfm', 'off', 0, 0],
    ])
    expect(lb.requests).toEqual([])
  })

  it('sends a play that counts to ListenBrainz with the file’s tags once turned on', async () => {
    const settings = await engine.handlers.updateSettings({
      section: 'scrobbling',
      patch: { listenbrainz: { enabled: true, token: lb.token, url: lb.url } },
    })
    expect(settings.scrobbling.listenbrainz.enabled).toBe(true)
    const song = engine.tracks.getTrack(songId)!
    const { playId } = await engine.handlers.playStarted({ trackId: songId })
    await engine.handlers.playProgress({ trackId: songId, playId, position: 5 })
    await engine.handlers.playProgress({
      trackId: songId,
      playId,
      position: song.duration! / 2 + 0.5,
    })
    await engine.handlers.playEnded({
      trackId: songId,
      playId,
      position: song.duration!,
      duration: song.duration,
      reason: 'ended',
    })
    await until(() => lb.listens.length === 1, 'the listen')
    expect(lb.listens[0]!.track_metadata).toMatchObject({
      artist_name: song.artist,
      track_name: song.title,
      additional_info: { submission_client: 'Attune', submission_client_version: APP_VERSION },
    })
    expect(lb.playingNow).toEqual([song.title])
    await until(async () => (await listenBrainz()).user === lb.user, 'the account name')
    expect(lb.violations).toEqual([])
  })

  it('connects Last.fm with Connect and Finish, and refuses Finish before the listener allowed it', async () => {
    const fm = await startLastfm()
    try {
      await engine.handlers.updateSettings({
        section: 'scrobbling',
        patch: {
          lastfm: {
            ...(await engine.handlers.getSettings(parseArgs('getSettings', undefined))).scrobbling
              .lastfm,
            url: fm.url,
          },
        },
      })
      const { page } = await engine.handlers.connectLastfm({
        apiKey: fm.apiKey,
        apiSecret: fm.secret,
      })
      const token = new URL(page).searchParams.get('token')!
      await expect(
        engine.handlers.finishLastfm(parseArgs('finishLastfm', undefined)),
      ).rejects.toThrow(/not been allowed yet/)
      fm.tokens.set(token, true)
      const status = await engine.handlers.finishLastfm(parseArgs('finishLastfm', undefined))
      expect(status.find((s) => s.service === 'lastfm')).toMatchObject({
        enabled: true,
        user: fm.user,
      })
      // A bad key is refused in words, before anything is stored.
      await expect(
        engine.handlers.connectLastfm({ apiKey: 'nope', apiSecret: fm.secret }),
      ).rejects.toThrow(/Last.fm refused/)
      expect(fm.violations).toEqual([])
    } finally {
      await fm.close()
    }
  })

  it('keeps listens made while the service was away and sends them when the app starts again', async () => {
    const { port } = lb
    await lb.close()
    const song = engine.tracks.getTrack(songId)!
    for (let i = 0; i < 2; i++) {
      const { playId } = await engine.handlers.playStarted({ trackId: songId })
      await engine.handlers.playEnded({
        trackId: songId,
        playId,
        position: song.duration!,
        duration: song.duration,
        reason: 'ended',
      })
    }
    await until(async () => (await listenBrainz()).pending === 2, 'two kept listens')
    await engine.close()
    lb = await startListenBrainz(port)
    engine = new Engine({ dbPath, watch: true })
    await until(() => lb.listens.length === 2, 'the kept listens after a restart')
    expect(lb.violations).toEqual([])
  })

  it('keeps its version equal to package.json’s', () => {
    const pkg = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8'),
    ) as { version: string }
    expect(APP_VERSION).toBe(pkg.version)
  })
})
