// Albums and artists over the whole library (listAlbums, listArtists, listGroupTracks) and keyset
// paging of the track list (listTracks `after`), on real SQLite files filled by real scans.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Track } from '../../../src/shared/domain'
import { scanLibrary, TRACK_ORDERS, TrackStore } from '../../../src/main/library'
import { albumKey, VARIOUS_ARTISTS } from '../../../src/main/db/tracks'
import { copyFixture, FIXTURES, sandbox, type Sandbox } from './library-helpers'

const WESNOTH = albumKey('Wesnoth Project', 'The Battle for Wesnoth OST')

/** What the album list should hold, computed naively from every present track. */
function albumsByHand(tracks: Track[]): Map<string, { count: number; duration: number }> {
  const albums = new Map<string, { count: number; duration: number }>()
  for (const track of tracks) {
    if (track.album === null || track.missingSince !== null) continue
    const key = albumKey(track.albumArtist, track.album)
    const album = albums.get(key) ?? { count: 0, duration: 0 }
    album.count += 1
    album.duration += track.duration ?? 0
    albums.set(key, album)
  }
  return albums
}

describe('albums and artists of the scanned fixture library', () => {
  let box: Sandbox
  let store: TrackStore
  beforeAll(async () => {
    box = sandbox()
    await scanLibrary(box.db, {
      roots: [join(FIXTURES, 'music')],
      coversDir: box.coversDir,
    })
    store = new TrackStore(box.db)
  })
  afterAll(() => box.cleanup())

  it('lists every album once, with its track count and total duration', async () => {
    const expected = albumsByHand(store.listTracks())
    const { albums, total } = await store.listAlbums({ limit: 500 })
    expect(total).toBe(expected.size)
    expect(albums.map((a) => a.key).sort()).toEqual([...expected.keys()].sort())
    for (const album of albums) {
      expect(album.trackCount, album.title).toBe(expected.get(album.key)!.count)
      expect(album.duration, album.title).toBeCloseTo(expected.get(album.key)!.duration, 6)
    }
    const wesnoth = albums.find((a) => a.key === WESNOTH)
    expect(wesnoth).toMatchObject({
      title: 'The Battle for Wesnoth OST',
      artist: 'Wesnoth Project',
      trackCount: 12,
      year: 2010,
    })
    const drascula = albums.find((a) => a.title === 'Drascula: The Vampire Strikes Back')
    expect(drascula).toMatchObject({ artist: 'Alcachofa Soft', trackCount: 10 })
  })

  it('sorts albums by artist then title, case-insensitively, with untagged artists last', async () => {
    const { albums } = await store.listAlbums({ limit: 500 })
    const keys = albums.map((a) =>
      [a.artist === null ? 1 : 0, a.artist?.toLowerCase() ?? '', a.title.toLowerCase()].join(
        '\u0000',
      ),
    )
    expect(keys).toEqual([...keys].sort())
    const maxstack = albums.filter((a) => a.artist === 'Maxstack').map((a) => a.title)
    expect(maxstack).toEqual([
      'Endgame: Singularity (Advanced Research)',
      'Endgame: Singularity Original Soundtrack',
    ])
    expect(albums.indexOf(albums.find((a) => a.artist === 'Alcachofa Soft')!)).toBe(0)
  })

  it('pages through albums with a stable total', async () => {
    const all = (await store.listAlbums({ limit: 500 })).albums
    const pages = await Promise.all(
      [0, 2, 4].map((offset) => store.listAlbums({ offset, limit: 2 })),
    )
    expect(pages.flatMap((p) => p.albums)).toEqual(all.slice(0, 6))
    expect(pages.every((p) => p.total === all.length)).toBe(true)
    expect((await store.listAlbums({ offset: all.length, limit: 10 })).albums).toEqual([])
  })

  it('lists artists by album artist, else track artist, with their albums and tracks', async () => {
    const { artists, total } = await store.listArtists({ limit: 500 })
    expect(total).toBe(artists.length)
    const byName = new Map(artists.map((a) => [a.name, a]))
    expect(byName.get('Maxstack')).toMatchObject({ albumCount: 2, trackCount: 7 })
    expect(byName.get('Wesnoth Project')).toMatchObject({ albumCount: 1, trackCount: 12 })
    expect(byName.get('Alcachofa Soft')).toMatchObject({ albumCount: 1, trackCount: 10 })
    // Track artists of an album with an album artist are found under the album artist.
    expect(byName.has('Stephen Rozanc')).toBe(false)
    const names = artists.map((a) => a.name.toLowerCase())
    expect(names).toEqual([...names].sort())
    expect((await store.listAlbums({ artist: 'Maxstack' })).albums.map((a) => a.title)).toEqual([
      'Endgame: Singularity (Advanced Research)',
      'Endgame: Singularity Original Soundtrack',
    ])
    expect(await store.listAlbums({ artist: 'Nobody at all' })).toEqual({ albums: [], total: 0 })
  })

  it('searches albums and artists through any of their tracks, as the table searches', async () => {
    const northerners = await store.listAlbums({ search: 'northern' })
    expect(northerners.albums.map((a) => a.key)).toEqual([WESNOTH])
    // The whole album, not only the matching track.
    expect(northerners.albums[0]!.trackCount).toBe(12)
    expect((await store.listArtists({ search: 'rozanc' })).artists.map((a) => a.name)).toEqual([
      'Wesnoth Project',
    ])
    expect((await store.listAlbums({ search: 'singularity' })).total).toBe(2)
    expect(
      (await store.listAlbums({ search: 'singularity', artist: 'Wesnoth Project' })).total,
    ).toBe(0)
    expect(await store.listAlbums({ search: 'zzzz nothing' })).toEqual({ albums: [], total: 0 })
    for (const hostile of ['"', 'NEAR(a b)', '-', '*', 'title:x'])
      await expect(store.listArtists({ search: hostile }), hostile).resolves.toBeDefined()
  })

  it('gives an album’s tracks in disc, track, then title order', () => {
    const { tracks: wesnoth, total } = store.listGroupTracks({ album: WESNOTH })
    expect(total).toBe(12)
    expect(wesnoth).toHaveLength(12)
    const positions = wesnoth.map((t) => [t.discNo, t.trackNo])
    expect(positions.slice(0, 3)).toEqual([
      [1, 2],
      [1, 5],
      [1, 6],
    ])
    expect(positions.slice(-3)).toEqual([
      [2, 5],
      [2, 12],
      [2, 13],
    ])
    // The soundtrack has no track numbers: by title.
    const soundtrack = store.listGroupTracks({
      album: albumKey(null, 'Endgame: Singularity Original Soundtrack'),
    }).tracks
    expect(soundtrack.map((t) => t.title)).toEqual([
      'Advanced Simulacra',
      'Awakening',
      'By-Product',
      'Coherence',
      'Deprecation',
    ])
    expect(store.listGroupTracks({ album: 'not a key' })).toEqual({ tracks: [], total: 0 })
    expect(store.listGroupTracks({ album: albumKey(null, 'No such album') })).toEqual({
      tracks: [],
      total: 0,
    })
  })

  it('gives an artist’s tracks album by album, each in play order', () => {
    const maxstack = store.listGroupTracks({ artist: 'Maxstack' }).tracks
    expect(maxstack.map((t) => t.album)).toEqual([
      ...Array<string>(2).fill('Endgame: Singularity (Advanced Research)'),
      ...Array<string>(5).fill('Endgame: Singularity Original Soundtrack'),
    ])
    expect(store.listGroupTracks({ artist: 'Wesnoth Project' })).toEqual(
      store.listGroupTracks({ album: WESNOTH }),
    )
  })
})

describe('album covers and missing tracks', () => {
  let box: Sandbox
  afterEach(() => box.cleanup())

  it('shows the folder cover, or the embedded art, and leaves out tracks whose file is gone', async () => {
    box = sandbox()
    const folder = join(box.music, 'Drascula')
    for (const n of [1, 2, 3]) copyFixture(`music/drascula/track${n}.m4a`, join(folder, `${n}.m4a`))
    writeFileSync(join(folder, 'cover.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9, 8, 7, 6]))
    copyFixture('music/wesnoth/northerners.ogg', join(box.music, 'Wesnoth', 'northerners.ogg'))
    const scan = () => scanLibrary(box.db, { roots: [box.music], coversDir: box.coversDir })
    await scan()
    const store = new TrackStore(box.db)
    const drascula = (await store.listAlbums()).albums.find((a) => a.artist === 'Alcachofa Soft')!
    expect(drascula.trackCount).toBe(3)
    const folderCover = store.listGroupTracks({ album: drascula.key }).tracks[0]!.coverId
    expect(folderCover).toMatch(/^[0-9a-f]{40}$/)
    expect(drascula.coverId).toBe(folderCover)
    expect(
      (await store.listArtists()).artists.find((a) => a.name === 'Alcachofa Soft')?.coverId,
    ).toBe(folderCover)
    expect((await store.listAlbums()).albums.find((a) => a.key === WESNOTH)?.coverId).toBeNull()

    rmSync(join(folder, '2.m4a'))
    rmSync(join(box.music, 'Wesnoth', 'northerners.ogg'))
    await scan()
    const after = await store.listAlbums()
    expect(after.total).toBe(1)
    expect(after.albums[0]).toMatchObject({ key: drascula.key, trackCount: 2 })
    expect(store.listGroupTracks({ album: drascula.key }).tracks.map((t) => t.trackNo)).toEqual([
      1, 3,
    ])
    expect(store.listGroupTracks({ album: WESNOTH })).toEqual({ tracks: [], total: 0 })
    expect((await store.listArtists()).artists.map((a) => a.name)).toEqual(['Alcachofa Soft'])
    // The table's count (total rows less the missing ones) agrees with its rows.
    expect(store.countTracks()).toBe(2)
    expect(store.listTracks()).toHaveLength(2)
    expect(store.countTracks({ includeMissing: true })).toBe(4)
  })
})

describe('albums whose tracks name different artists', () => {
  let box: Sandbox
  let store: TrackStore
  beforeAll(() => {
    box = sandbox()
    const insert = box.db.prepare(
      `INSERT INTO tracks (path, title, artist, album, album_artist, track_no, duration, year, added_at)
       VALUES (?, ?, ?, ?, ?, ?, 100, ?, 1)`,
    )
    const rows: [string, string, string | null, string | null, number, number][] = [
      // title, artist, album, album artist, track, year
      ['One', 'ann', 'Hits', null, 2, 1999],
      ['Two', 'Bob', 'Hits', null, 1, 2001],
      ['Three', 'Bob', 'Solo', null, 1, 2000],
      ['Four', 'zed', 'Hits', 'DJ Mix', 1, 2002],
      ['Five', 'Ann', 'alpha', null, 1, 2003],
      ['Six', 'Ann', 'Beta', null, 1, 2003],
    ]
    rows.forEach(([title, artist, album, albumArtist, trackNo, year], i) =>
      insert.run(`/m/${i}.mp3`, title, artist, album, albumArtist, trackNo, year),
    )
    store = new TrackStore(box.db)
  })
  afterAll(() => box.cleanup())

  it('calls an album without album artist "Various artists" when its tracks disagree', async () => {
    const { albums } = await store.listAlbums()
    expect(albums.map((a) => [a.artist, a.title, a.trackCount])).toEqual([
      ['Ann', 'alpha', 1],
      ['Ann', 'Beta', 1],
      ['Bob', 'Solo', 1],
      ['DJ Mix', 'Hits', 1],
      [VARIOUS_ARTISTS, 'Hits', 2],
    ])
    const various = albums.find((a) => a.artist === VARIOUS_ARTISTS)!
    expect(various.year).toBe(2001)
    expect(store.listGroupTracks({ album: various.key }).tracks.map((t) => t.title)).toEqual([
      'Two',
      'One',
    ])
  })

  it('lists each track artist of a various-artists album as an artist of it', async () => {
    expect(
      (await store.listArtists()).artists.map((a) => [a.name, a.albumCount, a.trackCount]),
    ).toEqual([
      // Names equal but for case sort together, capitals first.
      ['Ann', 2, 2],
      ['ann', 1, 1],
      ['Bob', 2, 2],
      ['DJ Mix', 1, 1],
    ])
    expect(
      (await store.listAlbums({ artist: 'Bob' })).albums.map((a) => [a.artist, a.title]),
    ).toEqual([
      ['Bob', 'Solo'],
      [VARIOUS_ARTISTS, 'Hits'],
    ])
  })

  it('sees a tag change at once (the summaries follow the library version)', async () => {
    box.db
      .prepare(
        `UPDATE tracks SET album_artist = 'Label' WHERE album = 'Hits' AND album_artist IS NULL`,
      )
      .run()
    expect(
      (await store.listAlbums({ artist: 'Label' })).albums.map((a) => [a.artist, a.trackCount]),
    ).toEqual([['Label', 2]])
    box.db.prepare(`UPDATE tracks SET album_artist = NULL WHERE album_artist = 'Label'`).run()
    expect((await store.listAlbums({ artist: 'Label' })).total).toBe(0)
  })
})

describe('summaries of a library larger than one aggregate query (1,000 groups)', () => {
  let box: Sandbox
  afterEach(() => box.cleanup())

  it('match a by-hand grouping of every track, across NULL album artists and albums', async () => {
    box = sandbox()
    box.db
      .prepare(`INSERT INTO covers (id, mime, file, bytes) VALUES ('k', 'image/png', 'k', 1)`)
      .run()
    const insert = box.db.prepare(
      `INSERT INTO tracks (path, title, artist, album, album_artist, year, duration, disc_no, track_no,
         cover_id, missing_since, added_at) VALUES (?, 't', ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    )
    // 4,000 tracks in ~2,600 groups: a third without album artist (some albums by several
    // artists), some without album or artist, some missing, covers on some later tracks.
    type Row = [
      string | null,
      string | null,
      string | null,
      number,
      number,
      number,
      number,
      string | null,
      number | null,
    ]
    const rows: Row[] = []
    box.db.transaction(() => {
      for (let i = 0; i < 4000; i++) {
        const row: Row = [
          i % 11 === 0 ? null : `Artist ${i % 37}${i % 2 ? '' : 'é'}`,
          i % 13 === 0 ? null : `Album ${i % 1300}`,
          i % 3 === 0 ? null : i % 5 === 0 ? `album artist ${i % 300}` : `Album artist ${i % 300}`,
          1990 + (i % 17),
          100 + (i % 7),
          i % 4 === 0 ? 2 : 1,
          i % 9,
          i % 6 === 5 ? 'k' : null,
          i % 29 === 0 ? 5 : null,
        ]
        rows.push(row)
        insert.run(`/m/${i}.mp3`, ...row)
      }
    })()
    const store = new TrackStore(box.db)
    const allOf = async <T>(page: (offset: number) => Promise<{ items: T[]; total: number }>) => {
      const items: T[] = []
      for (;;) {
        const { items: more, total } = await page(items.length)
        items.push(...more)
        if (more.length === 0 || items.length >= total) return items
      }
    }
    const albums = await allOf((offset) =>
      store.listAlbums({ offset, limit: 500 }).then((p) => ({ items: p.albums, total: p.total })),
    )
    const artists = await allOf((offset) =>
      store.listArtists({ offset, limit: 500 }).then((p) => ({ items: p.artists, total: p.total })),
    )

    const present = rows.filter((r) => r[8] === null)
    const albumsExpected = new Map<string, { count: number; artists: Set<string>; year: number }>()
    const artistsExpected = new Map<string, { count: number; albums: Set<string> }>()
    for (const [artist, album, albumArtist, year] of present) {
      const name = albumArtist ?? artist
      const key = album === null ? null : albumKey(albumArtist, album)
      if (key !== null) {
        const a = albumsExpected.get(key) ?? { count: 0, artists: new Set(), year: 0 }
        a.count += 1
        if (artist !== null) a.artists.add(artist)
        a.year = Math.max(a.year, year)
        albumsExpected.set(key, a)
      }
      if (name !== null) {
        const a = artistsExpected.get(name) ?? { count: 0, albums: new Set() }
        a.count += 1
        if (key !== null) a.albums.add(key)
        artistsExpected.set(name, a)
      }
    }
    expect(albums.length).toBeGreaterThan(1000)
    expect(albums.map((a) => a.key).sort()).toEqual([...albumsExpected.keys()].sort())
    for (const album of albums) {
      const expected = albumsExpected.get(album.key)!
      const [albumArtist] = JSON.parse(album.key) as [string | null, string]
      expect(album.trackCount, album.key).toBe(expected.count)
      expect(album.year, album.key).toBe(expected.year)
      expect(album.artist, album.key).toBe(
        albumArtist ??
          (expected.artists.size > 1 ? VARIOUS_ARTISTS : ([...expected.artists][0] ?? null)),
      )
    }
    expect(artists.map((a) => [a.name, a.trackCount, a.albumCount]).sort()).toEqual(
      [...artistsExpected].map(([name, a]) => [name, a.count, a.albums.size]).sort(),
    )
    // Display order: artist (untagged last), then title, case-insensitive; names likewise.
    const albumOrder = (a: (typeof albums)[number]) =>
      [
        a.artist === null ? '1' : '0',
        a.artist?.toLowerCase() ?? '',
        a.artist ?? '',
        a.title.toLowerCase(),
        a.title,
        a.key,
      ].join('\u0000')
    const orders = albums.map(albumOrder)
    expect(orders).toEqual([...orders].sort())
    const names = artists.map((a) => `${a.name.toLowerCase()}\u0000${a.name}`)
    expect(names).toEqual([...names].sort())
    // A wide search (over 2,000 matches: its track ids are looked up, not grouped in SQL) and a
    // narrow one keep the groups with a matching track, as by hand.
    // Every word must start a word of the track's text (title, artist, album, album artist, path).
    const words = (text: string) => text.toLowerCase().split(/[^\p{L}\p{N}]+/u)
    const matcher = (search: string) => (r: Row) => {
      const text = words(`t ${r[0]} ${r[1]} ${r[2]} /m/${rows.indexOf(r)}.mp3`)
      return words(search).every((w) => text.some((t) => t.startsWith(w)))
    }
    for (const [search, matches] of [
      ['album', matcher('album')],
      ['album 12', matcher('album 12')],
    ] as const) {
      const hits = present.filter(matches)
      expect(store.countTracks({ search }) > 2000, search).toBe(search === 'album')
      const found = await store.listArtists({ search, limit: 500 })
      const names = new Set(hits.map((r) => r[2] ?? r[0]).filter((n) => n !== null))
      expect(found.total, search).toBe(names.size)
      const foundAlbums = await store.listAlbums({ search, limit: 500 })
      const keys = new Set(hits.filter((r) => r[1] !== null).map((r) => albumKey(r[2], r[1]!)))
      expect(foundAlbums.total, search).toBe(keys.size)
      if (keys.size <= 500)
        expect(foundAlbums.albums.map((a) => a.key).sort()).toEqual([...keys].sort())
    }
    // The cover is the first track in play order (disc, track, id) that has one.
    for (const album of albums.slice(0, 300)) {
      const { tracks } = store.listGroupTracks({ album: album.key })
      const inPlayOrder = [...tracks].sort(
        (a, b) =>
          (a.discNo ?? -1) - (b.discNo ?? -1) ||
          (a.trackNo ?? -1) - (b.trackNo ?? -1) ||
          a.id - b.id,
      )
      expect(album.coverId, album.key).toBe(
        inPlayOrder.find((t) => t.coverId !== null)?.coverId ?? null,
      )
    }
  })

  it('answers callers that arrive during a build from that one build', async () => {
    box = sandbox()
    const insert = box.db.prepare(
      `INSERT INTO tracks (path, artist, album, added_at) VALUES (?, ?, ?, 1)`,
    )
    box.db.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run(`/m/${i}.mp3`, `Artist ${i % 50}`, `Album ${i}`)
    })()
    const store = new TrackStore(box.db)
    const [albums, artists, again] = await Promise.all([
      store.listAlbums({ limit: 10 }),
      store.listArtists({ limit: 10 }),
      store.listAlbums({ offset: 2990, limit: 10 }),
    ])
    expect(albums.total).toBe(3000)
    expect(artists.total).toBe(50)
    expect(again.albums).toHaveLength(10)
    // A change while nothing builds: the next answer has it.
    box.db.prepare(`UPDATE tracks SET album = 'Album 1' WHERE album = 'Album 2'`).run()
    expect((await store.listAlbums({ limit: 10 })).total).toBe(2999)
  })
})

describe('keyset paging of the track list', () => {
  let box: Sandbox
  let store: TrackStore
  beforeAll(async () => {
    box = sandbox()
    // Untagged files, failed files and equal sort keys (the same Northerners in many formats)
    // exercise the NULL and tie cases of every order.
    await scanLibrary(box.db, {
      roots: [join(FIXTURES, 'music'), join(FIXTURES, 'broken'), join(FIXTURES, 'formats')],
      coversDir: box.coversDir,
    })
    store = new TrackStore(box.db)
  })
  afterAll(() => box.cleanup())

  it('gives, after any row, exactly the page that starts at the next offset, in every order', () => {
    for (const orderBy of TRACK_ORDERS) {
      for (const descending of [false, true]) {
        const all = store.listTracks({ orderBy, descending })
        expect(all.length).toBeGreaterThan(60)
        for (let i = 0; i < all.length; i++) {
          const page = store.listTracks({ orderBy, descending, after: all[i]!.id, limit: 7 })
          expect(
            page.map((t) => t.id),
            `${orderBy} ${descending} after #${i}`,
          ).toEqual(all.slice(i + 1, i + 8).map((t) => t.id))
        }
      }
    }
  })

  it('keeps the search when paging after a row, and falls back to the offset for an unknown row', () => {
    const matches = store.listTracks({ search: 'wesnoth' })
    expect(matches.length).toBeGreaterThan(5)
    expect(store.listTracks({ search: 'wesnoth', after: matches[2]!.id, limit: 3 })).toEqual(
      matches.slice(3, 6),
    )
    expect(store.listTracks({ after: 999_999, offset: 2, limit: 3 })).toEqual(
      store.listTracks().slice(2, 5),
    )
  })
})
