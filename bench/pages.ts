// Measures the library's page queries on a generated 100,000-track database: listTracks by offset
// against keyset paging (`after`) for every order, and the album/artist summaries.
// Run: node bin/run-ts.js bench/pages.ts [--rounds 5] [--albums-of 10]
//        [--groups-only] [--baseline /path/to/old-track-store.mts]
// (--albums-of N: tracks per album, for a library shaped like a real one; default: the scale
// test's library, where almost every track is an album of its own. --baseline: a module exporting
// another TrackStore, e.g. an older track-store.ts copied out of the tree with its imports made
// absolute; it is timed side by side with this one on the same database, and its summaries must
// be identical.)
import os from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../src/main/db/database'
import { TRACK_ORDERS, TrackStore } from '../src/main/library'
import { tempDir } from '../test/helpers/temp'
import { fillBigLibrary } from '../test/main/library/big-library'

const N = 100_000
const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name)
  return at >= 0 ? Number(process.argv[at + 1]) : fallback
}
const rounds = argument('--rounds', 5)
const albumsOf = argument('--albums-of', 0)
const groupsOnly = process.argv.includes('--groups-only')
const baselineAt = process.argv.indexOf('--baseline')
const baselinePath = baselineAt >= 0 ? process.argv[baselineAt + 1] : undefined

function median(run: () => unknown): number {
  const times: number[] = []
  for (let i = 0; i < rounds; i++) {
    const started = performance.now()
    run()
    times.push(performance.now() - started)
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!
}

const temp = tempDir()
const db = openDatabase(join(temp.dir, 'big.db'))
fillBigLibrary(db, N)
if (albumsOf > 0) {
  // Real libraries: ~N / albumsOf albums, each by one album artist (one in 20 a compilation).
  db.prepare(
    `UPDATE tracks SET album = 'Album ' || ((id - 1) / ${albumsOf}),
       album_artist = CASE WHEN (id - 1) / ${albumsOf} % 20 = 0 THEN NULL
                      ELSE 'Artist ' || ((id - 1) / ${albumsOf} / 4) END,
       track_no = (id - 1) % ${albumsOf} + 1`,
  ).run()
}
const store = new TrackStore(db)

// The old store answered synchronously, the new one with a promise: both are awaited.
interface Pages {
  listAlbums(query: Parameters<TrackStore['listAlbums']>[0]): unknown
  listArtists(query: Parameters<TrackStore['listArtists']>[0]): unknown
}
const stores: [string, Pages][] = [['new', store]]
if (baselinePath) {
  const baseline = (await import(baselinePath)) as { TrackStore: new (db: unknown) => Pages }
  stores.unshift(['old', new baseline.TrackStore(db)])
}
const load = () => os.loadavg()[0]!.toFixed(2)

/** How long `call` takes, and the longest the event loop was blocked meanwhile (ms). */
async function timedBlocking(call: () => unknown): Promise<{ took: number; blocked: number }> {
  let blocked = 0
  let last = performance.now()
  let running = true
  // A heartbeat on the event loop: the longest gap between two beats is the longest block.
  const beat = () => {
    const now = performance.now()
    blocked = Math.max(blocked, now - last)
    last = now
    if (running) setImmediate(beat)
  }
  setImmediate(beat)
  const started = performance.now()
  await call()
  const took = performance.now() - started
  running = false
  blocked = Math.max(blocked, performance.now() - last)
  return { took, blocked }
}

// After each library change (one track's year), the first page of albums, then of artists: how
// long the listener waits, and the longest the engine is blocked meanwhile.
{
  const changeAt = db.prepare(`UPDATE tracks SET year = ? WHERE id = 1`)
  let year = 1900
  type Times = { took: number[]; blocked: number[] }
  const timesOf = new Map<string, { albums: Times; artists: Times }>(
    stores.map(([name]) => [
      name,
      { albums: { took: [], blocked: [] }, artists: { took: [], blocked: [] } },
    ]),
  )
  console.log(`load average (1 min) before: ${load()}`)
  for (let round = 0; round < rounds; round++) {
    for (const [name, pages] of stores) {
      const times = timesOf.get(name)!
      for (const kind of ['albums', 'artists'] as const) {
        changeAt.run(year++)
        const { took, blocked } = await timedBlocking(() =>
          kind === 'albums' ? pages.listAlbums({ limit: 200 }) : pages.listArtists({ limit: 200 }),
        )
        times[kind].took.push(took)
        times[kind].blocked.push(blocked)
      }
    }
  }
  const mid = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  const show = (t: Times) =>
    `${mid(t.took).toFixed(0)} ms (max ${Math.max(...t.took).toFixed(0)}), ` +
    `engine blocked ${mid(t.blocked).toFixed(0)} ms (max ${Math.max(...t.blocked).toFixed(0)})`
  for (const [name, times] of timesOf)
    console.log(
      `${name}, first page after a change, median of ${rounds}: albums ${show(times.albums)}; artists ${show(times.artists)}`,
    )
  console.log(`load average (1 min) after: ${load()}`)
  if (stores.length === 2) {
    // Every page of both, and a search and an artist's albums: identical, or say where not.
    type AlbumPage = Awaited<ReturnType<TrackStore['listAlbums']>>
    type ArtistPage = Awaited<ReturnType<TrackStore['listArtists']>>
    const everything = async (pages: Pages) => {
      const all: unknown[] = []
      for (let offset = 0; ; offset += 500) {
        const albums = (await pages.listAlbums({ offset, limit: 500 })) as AlbumPage
        const artists = (await pages.listArtists({ offset, limit: 500 })) as ArtistPage
        all.push(albums, artists)
        if (albums.albums.length < 500 && artists.artists.length < 500) break
      }
      const firstArtist =
        ((await pages.listArtists({ limit: 1 })) as ArtistPage).artists[0]?.name ?? ''
      all.push(await pages.listAlbums({ search: 'night', limit: 500 }))
      all.push(await pages.listArtists({ search: 'golden echo', offset: 100, limit: 500 }))
      all.push(await pages.listAlbums({ artist: firstArtist, limit: 500 }))
      return JSON.stringify(all)
    }
    const old = await everything(stores[0]![1])
    const now = await everything(stores[1]![1])
    console.log(old === now ? 'old and new summaries: identical' : 'old and new summaries DIFFER')
  }
}
if (groupsOnly) {
  db.close()
  temp.cleanup()
  process.exit(0)
}

let started = performance.now()
const albums = await store.listAlbums({ limit: 200 })
const build = performance.now() - started
started = performance.now()
const artists = await store.listArtists({ limit: 200 })
console.log(
  `${N} tracks, ${albums.total} albums, ${artists.total} artists: summaries built in ${build.toFixed(0)} ms` +
    ` (first artists page after that ${(performance.now() - started).toFixed(1)} ms)`,
)
const deep = (total: number) => Math.max(0, total - 200)
async function medianAsync(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < rounds; i++) {
    const started = performance.now()
    await run()
    times.push(performance.now() - started)
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!
}
const firstAlbums = await medianAsync(() => store.listAlbums({ limit: 200 }))
const lastAlbums = await medianAsync(() =>
  store.listAlbums({ offset: deep(albums.total), limit: 200 }),
)
const searched = await medianAsync(() => store.listAlbums({ search: 'night', limit: 200 }))
const lastArtists = await medianAsync(() =>
  store.listArtists({ offset: deep(artists.total), limit: 200 }),
)
console.log(
  `album page: first ${firstAlbums.toFixed(2)} ms, last ${lastAlbums.toFixed(2)} ms;` +
    ` searched ("night") ${searched.toFixed(1)} ms; artist page, last ${lastArtists.toFixed(2)} ms`,
)
console.log(
  `count of all tracks (each listTracks answer carries it): ${median(() => store.countTracks()).toFixed(1)} ms`,
)

console.log('\nlistTracks, 200 rows, median ms: by offset / after the previous row')
console.log('order        | 0     | 10k             | 50k             | 99k')
for (const orderBy of TRACK_ORDERS) {
  for (const descending of [false, true]) {
    const cells: string[] = []
    for (const offset of [0, 10_000, 50_000, 99_000]) {
      const byOffset = median(() => store.listTracks({ orderBy, descending, offset, limit: 200 }))
      if (offset === 0) {
        cells.push(byOffset.toFixed(1))
        continue
      }
      const previous = store.listTracks({ orderBy, descending, offset: offset - 1, limit: 1 })[0]!
      const byCursor = median(() =>
        store.listTracks({ orderBy, descending, after: previous.id, limit: 200 }),
      )
      cells.push(`${byOffset.toFixed(1)} / ${byCursor.toFixed(1)}`)
    }
    console.log(`${`${orderBy}${descending ? ' desc' : ''}`.padEnd(12)} | ${cells.join(' | ')}`)
  }
}
db.close()
temp.cleanup()
