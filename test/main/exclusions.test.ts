// "Never play" on a real SQLite file with analysed fixture songs: a rule keeps its songs out of
// the picks (recommend is what the auto-queue and Discover draw from) and out of Rediscover, they
// stay playable by hand, Undo brings them back, and the rules travel in the JSONL backup.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine'
import { openDatabase } from '../../src/main/db/database'
import { EventLog } from '../../src/main/db/events'
import { exportEventsToFile, importEventsFromFile } from '../../src/main/events/backup-file'
import { parseArgs } from '../../src/shared/contract'
import { excludes, type ExclusionRule } from '../../src/shared/exclusions'
import type { Track } from '../../src/shared/domain'
import { openAnalysedEngine, type AnalysedEngine } from '../helpers/analysed-engine'
import { FIXTURES } from '../helpers/temp'

let session: AnalysedEngine
let engine: Engine
let songs: Track[]

beforeAll(async () => {
  session = await openAnalysedEngine(['wesnoth', 'nexuiz'])
  ;({ engine, songs } = session)
}, 300_000)

afterAll(async () => {
  await session?.close()
})

const picks = async () =>
  (await engine.handlers.recommend({ n: 200 })).map((s) => s.track!.id).sort((a, b) => a - b)

describe('never play', () => {
  it('keeps an artist’s songs out of every pick, and Undo brings them back', async () => {
    const all = await picks()
    expect(all).toHaveLength(songs.length)
    const artist = songs.find((s) => s.path.includes('/wesnoth/'))!.artist!
    const theirs = songs
      .filter((s) => s.artist === artist || s.albumArtist === artist)
      .map((s) => s.id)
    expect(theirs.length).toBeGreaterThan(0)
    const rule: ExclusionRule = { kind: 'artist', artist: artist.toUpperCase() } // any case
    const listed = await engine.handlers.addExclusion({ rule })
    expect(listed.map((e) => e.rule)).toEqual([rule])
    expect(await picks()).toEqual(all.filter((id) => !theirs.includes(id)))
    // Still playable by hand: the media route serves it as before.
    const media = await engine.media(new Request(`http://localhost/media/${theirs[0]!}`))
    expect(media.status).toBe(200)
    await media.body?.cancel()
    // Adding it twice changes nothing; Undo (remove) brings the songs back.
    expect(await engine.handlers.addExclusion({ rule })).toHaveLength(1)
    expect(await engine.handlers.removeExclusion({ rule })).toEqual([])
    expect(await picks()).toEqual(all)
  })

  it('covers a folder, an album and a genre as the library shows them', async () => {
    const folder = join(FIXTURES, 'music', 'nexuiz')
    const inFolder = songs.filter((s) => s.path.startsWith(`${folder}/`)).map((s) => s.id)
    await engine.handlers.addExclusion({ rule: { kind: 'folder', path: `${folder}/` } })
    const left = await picks()
    expect(left.some((id) => inFolder.includes(id))).toBe(false)
    expect(left.length).toBe(songs.length - inFolder.length)
    await engine.handlers.removeExclusion({ rule: { kind: 'folder', path: folder } })
    expect(await picks()).toHaveLength(songs.length)

    const song = songs.find((s) => s.album)!
    const album: ExclusionRule = {
      kind: 'album',
      album: song.album!,
      artist: song.albumArtist ?? song.artist,
    }
    await engine.handlers.addExclusion({ rule: album })
    const onAlbum = songs.filter((s) => excludes(album, s)).map((s) => s.id)
    expect(onAlbum).toContain(song.id)
    expect((await picks()).some((id) => onAlbum.includes(id))).toBe(false)
    await engine.handlers.removeExclusion({ rule: album })

    expect(excludes({ kind: 'genre', genre: 'rock' }, { ...song, genre: 'Jazz; Rock' })).toBe(true)
    expect(excludes({ kind: 'genre', genre: 'rock' }, { ...song, genre: 'Rockabilly' })).toBe(false)
    expect(
      excludes({ kind: 'folder', path: '/music/a' }, { ...song, path: '/music/ab/x.ogg' }),
    ).toBe(false)
  })

  it('keeps a turned-down song it covers out of Rediscover', async () => {
    // Turn some down long ago and love others, so Rediscover offers some of them again.
    const long = Date.now() - 60 * 86_400_000
    const db = openDatabase(session.dbPath)
    const log = new EventLog(db)
    // One song turned down, and every other song of its folder loved: the model now rates it highly.
    const folderOf = (s: Track) => s.path.slice(0, s.path.lastIndexOf('/'))
    const turnedDown = songs[0]!
    // Turned down by an imported list weighed lightly, so its neighbours' love outweighs it.
    log.importLabel(turnedDown.id, 'not_for_me', 'old-list.csv', long)
    for (const s of songs.slice(1)) {
      if (folderOf(s) === folderOf(turnedDown)) log.mark(s.id, 'love', 'ui', long)
    }
    db.close()
    await engine.handlers.updateSettings({ section: 'rewards', patch: { importWeight: 0.05 } })
    const offered = async () =>
      (await engine.handlers.rediscover({ n: 50, minAgeDays: 30 })).map((r) => r.track!.id)
    const before = await offered()
    expect(before.length).toBeGreaterThan(0)
    const target = songs.find((s) => s.id === before[0])!
    const rule: ExclusionRule = {
      kind: 'album',
      album: target.album!,
      artist: target.albumArtist ?? target.artist,
    }
    await engine.handlers.addExclusion({ rule })
    const after = await offered()
    expect(after).not.toContain(target.id)
    expect(after).toEqual(
      before.filter(
        (id) =>
          !excludes(
            rule,
            songs.find((s) => s.id === id)!,
          ),
      ),
    )
    await engine.handlers.removeExclusion({ rule })
    expect(await offered()).toEqual(before)
  })

  it('travels in the JSONL backup and comes back on import', async () => {
    const rule: ExclusionRule = { kind: 'genre', genre: 'Soundtrack' }
    await engine.handlers.addExclusion({ rule })
    const file = join(session.dir, 'backup.jsonl')
    await exportEventsToFile(engine.db, file)
    const fresh = new Engine({ dbPath: join(session.dir, 'fresh.db') })
    try {
      await importEventsFromFile(fresh.db, file)
      const listed = await fresh.handlers.listExclusions(parseArgs('listExclusions', undefined))
      expect(listed.map((e) => e.rule)).toEqual([rule])
      // Importing the same file again adds nothing.
      await importEventsFromFile(fresh.db, file)
      expect(
        await fresh.handlers.listExclusions(parseArgs('listExclusions', undefined)),
      ).toHaveLength(1)
    } finally {
      await fresh.close()
    }
  })
})
