// M3U8 import and export on real files in a temp folder: relative and absolute paths, UTF-8 with
// or without a byte-order mark, CRLF or LF, #EXTM3U/#EXTINF lines, entries the library lacks.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { TrackRepository } from '../../../src/main/db/tracks'
import { parseM3u } from '../../../src/main/playlists/m3u'
import { PlaylistService } from '../../../src/main/playlists/service'
import { exportPlaylist, importPlaylist } from '../../../src/main/playlists/files'
import { tempDir } from '../../helpers/temp'

let cleanups: (() => void)[] = []
afterEach(() => {
  cleanups.forEach((c) => c())
  cleanups = []
})

interface Setup {
  dir: string
  music: string
  db: Database
  service: {
    import: (request: Parameters<typeof importPlaylist>[1]) => ReturnType<typeof importPlaylist>
    export: typeof exportPlaylist
    get: PlaylistService['get']
    create: PlaylistService['create']
    list: PlaylistService['list']
  }
  ids: Record<string, number>
}

/** A library of four song files under <temp>/music (files written, rows inserted as a scan would). */
function setup(): Setup {
  const t = tempDir('attune-m3u-')
  const dir = t.dir
  const music = join(dir, 'music')
  const db = openDatabase(join(dir, 'library.db'))
  cleanups.push(t.cleanup)
  cleanups.unshift(() => db.close())
  const ids: Record<string, number> = {}
  db.prepare(`INSERT INTO roots (id, path, added_at) VALUES (1, ?, 1)`).run(music)
  for (const [rel, title, artist] of [
    ['Alpha/01 Dawn.mp3', 'Dawn', 'Alpha'],
    ['Alpha/02 Noon.flac', 'Noon', 'Alpha'],
    ['Beta/Ünïcødé — 曲.ogg', 'Curve', 'Beta'],
    ['Beta/sub dir/04 Night.opus', 'Night', null],
  ] as const) {
    const path = join(music, rel)
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, 'not really audio')
    ids[rel] = Number(
      db
        .prepare(
          `INSERT INTO tracks (root_id, path, title, artist, duration, added_at) VALUES (1, ?, ?, ?, 61.4, 1)`,
        )
        .run(path, title, artist).lastInsertRowid,
    )
  }
  const tracks = new TrackRepository(db)
  const playlists = new PlaylistService({ db, getTrack: (id) => tracks.getTrack(id) })
  const service = {
    import: (request: Parameters<typeof importPlaylist>[1]) =>
      importPlaylist(playlists, request, [music]),
    export: exportPlaylist,
    get: (id: number) => playlists.get(id),
    create: (name: string, trackIds: number[]) => playlists.create(name, trackIds),
    list: () => playlists.list(),
  }
  return { dir, music, db, service, ids }
}

describe('reading M3U text', () => {
  it('reads #EXTINF titles and durations with CRLF, LF or CR line ends and a byte-order mark', () => {
    const body = ['#EXTM3U', '#EXTINF:123,Alpha - Dawn', 'a.mp3', '', '# a comment', 'b.mp3']
    for (const text of [body.join('\n'), '\uFEFF' + body.join('\r\n'), body.join('\r')]) {
      expect(parseM3u(text)).toEqual([
        { line: 3, location: 'a.mp3', title: 'Alpha - Dawn', duration: 123 },
        { line: 6, location: 'b.mp3', title: null, duration: null },
      ])
    }
    expect(parseM3u('#EXTINF:-1,Stream\nhttp://radio/x')).toEqual([
      { line: 2, location: 'http://radio/x', title: 'Stream', duration: null },
    ])
  })
})

describe('importing an M3U8 file', () => {
  it('matches relative and absolute paths and file:// addresses, and keeps what the library lacks', async () => {
    const { dir, music, service, ids } = setup()
    mkdirSync(join(dir, 'lists'))
    const file = join(dir, 'lists', 'Mixed.m3u8')
    const lines = [
      '#EXTM3U',
      '#EXTINF:61,Alpha - Noon',
      '../music/Alpha/02 Noon.flac', // relative to the playlist's folder
      join(music, 'Alpha', '01 Dawn.mp3'), // absolute
      'file://' + encodeURI(join(music, 'Beta', 'Ünïcødé — 曲.ogg')),
      '#EXTINF:200,Gone - Away',
      '../music/Gone/away.mp3', // not in the library
      'http://example.com/stream.mp3', // a stream: no file, not kept
      '..\\music\\Beta\\sub dir\\04 Night.opus', // written on Windows
    ]
    writeFileSync(file, '\uFEFF' + lines.join('\r\n') + '\r\n')
    const summary = await service.import({ path: file })
    expect(summary).toMatchObject({
      playlist: { name: 'Mixed', entryCount: 5, missingCount: 1 },
      matched: 4,
      missingCount: 1,
      missing: [{ line: 7, path: join(music, 'Gone', 'away.mp3') }],
      ignored: 1,
    })
    const playlist = service.get(summary.playlist.id as number)
    expect(playlist.entries.map((e) => e.track?.id ?? null)).toEqual([
      ids['Alpha/02 Noon.flac'],
      ids['Alpha/01 Dawn.mp3'],
      ids['Beta/Ünïcødé — 曲.ogg'],
      null,
      ids['Beta/sub dir/04 Night.opus'],
    ])
    expect(playlist.entries[3]).toMatchObject({ missing: true, title: 'Gone - Away' })
  })

  it('reads a plain LF file without #EXTM3U or a byte-order mark, named as asked', async () => {
    const { dir, ids, service } = setup()
    const file = join(dir, 'plain.m3u')
    writeFileSync(file, 'music/Alpha/01 Dawn.mp3\nmusic/Alpha/02 Noon.flac\n')
    const summary = await service.import({ path: file, name: 'Morning' })
    expect(summary.playlist).toMatchObject({ name: 'Morning', entryCount: 2, missingCount: 0 })
    expect(service.get(summary.playlist.id as number).entries.map((e) => e.track?.id)).toEqual([
      ids['Alpha/01 Dawn.mp3'],
      ids['Alpha/02 Noon.flac'],
    ])
    // The same file again: a second playlist with a name of its own.
    expect((await service.import({ path: file })).playlist.name).toBe('plain')
    expect((await service.import({ path: file })).playlist.name).toBe('plain (2)')
  })

  it('matches an uploaded playlist (no folder known) by the end of its relative paths', async () => {
    const { ids, service } = setup()
    const summary = await service.import({
      text: '#EXTM3U\r\n../../Alpha/02 Noon.flac\r\nBeta/sub dir/04 Night.opus\r\nNope/x.mp3\r\n',
      fileName: 'Upload.m3u8',
    })
    expect(summary).toMatchObject({ matched: 2, missingCount: 1, playlist: { name: 'Upload' } })
    expect(
      service.get(summary.playlist.id as number).entries.map((e) => e.track?.id ?? null),
    ).toEqual([ids['Alpha/02 Noon.flac'], ids['Beta/sub dir/04 Night.opus'], null])
  })

  it('refuses UTF-16, other kinds of files and text that names no songs, in words', async () => {
    const { dir, service } = setup()
    const utf16 = join(dir, 'wide.m3u8')
    writeFileSync(
      utf16,
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a.mp3\n', 'utf16le')]),
    )
    await expect(service.import({ path: utf16 })).rejects.toThrow(/UTF-16.*UTF-8/)
    await expect(service.import({ path: join(dir, 'notes.txt') })).rejects.toThrow(/\.m3u8/)
    const prose = join(dir, 'prose.m3u8')
    writeFileSync(prose, 'Dear diary,\ntoday I\nlistened to music\n')
    await expect(service.import({ path: prose })).rejects.toThrow(/does not look like a playlist/)
    await expect(service.import({ path: join(dir, 'absent.m3u8') })).rejects.toThrow(
      /There is no file/,
    )
    expect(service.list()).toEqual([])
  })
})

describe('exporting an M3U8 file', () => {
  it('writes paths relative to the playlist file, and reads back the same songs', async () => {
    const { dir, music, ids, service } = setup()
    const order = ['Beta/sub dir/04 Night.opus', 'Alpha/01 Dawn.mp3', 'Beta/Ünïcødé — 曲.ogg']
    const created = service.create(
      'Evening',
      order.map((rel) => ids[rel]!),
    )
    mkdirSync(join(dir, 'lists'))
    const file = join(dir, 'lists', 'evening.m3u8')
    const written = await service.export(service.get(created.id as number), file)
    expect(written).toMatchObject({ file, entries: 3, missing: 0 })
    const text = readFileSync(file, 'utf8')
    expect(text).toBe(
      [
        '#EXTM3U',
        '#PLAYLIST:Evening',
        '#EXTINF:61,Night',
        '../music/Beta/sub dir/04 Night.opus',
        '#EXTINF:61,Alpha - Dawn',
        '../music/Alpha/01 Dawn.mp3',
        '#EXTINF:61,Beta - Curve',
        '../music/Beta/Ünïcødé — 曲.ogg',
        '',
      ].join('\n'),
    )
    // A download (no file): absolute paths.
    const download = await service.export(service.get(created.id as number), null)
    expect(download.file).toBeNull()
    expect(download.text).toContain(`\n${join(music, 'Alpha', '01 Dawn.mp3')}\n`)

    const back = await service.import({ path: file })
    expect(back).toMatchObject({ matched: 3, missingCount: 0, playlist: { name: 'evening (2)' } })
    expect(service.get(back.playlist.id as number).entries.map((e) => e.track?.id)).toEqual(
      order.map((rel) => ids[rel]),
    )
  })

  it('writes only .m3u8 or .m3u files, into a folder that exists', async () => {
    const { dir, ids, service } = setup()
    const playlist = service.get(service.create('X', [ids['Alpha/01 Dawn.mp3']!]).id as number)
    await expect(service.export(playlist, join(dir, 'x.txt'))).rejects.toThrow(/\.m3u8/)
    await expect(service.export(playlist, join(dir, 'no', 'x.m3u8'))).rejects.toThrow(/no folder/)
    mkdirSync(join(dir, 'folder.m3u8'))
    await expect(service.export(playlist, join(dir, 'folder.m3u8'))).rejects.toThrow(
      /not an ordinary file/,
    )
  })
})
