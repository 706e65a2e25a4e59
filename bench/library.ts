// A generated 100,000-track library (test/main/library/big-library.ts, the database tracks-scale.test.ts
// checks for behaviour): how fast a search, a page of albums or artists and the page after a row
// answer, and how long the engine is blocked while the album and artist summaries are rebuilt
// after a change. DESIGN.md: search < 50 ms median (a user-facing absolute, measured here rather
// than asserted in a test).
// Run: node bin/run-ts.js bench/library.ts [--rounds 5] [--tracks 100000]
import { performance } from 'node:perf_hooks'
import { join } from 'node:path'
import { loadavg } from 'node:os'
import { openDatabase } from '../src/main/db/database'
import { TrackStore } from '../src/main/library'
import { BIG_LIBRARY_SEARCHES, fillBigLibrary } from '../test/main/library/big-library'
import { tempDir } from '../test/helpers/temp'
import { listFlag, median, report } from './report'

const N = listFlag('--tracks', [100_000])[0] as number
const ROUNDS = listFlag('--rounds', [5])[0] as number
const SEARCHES = BIG_LIBRARY_SEARCHES

const temp = tempDir('attune-bench-library-')
const db = openDatabase(join(temp.dir, 'big.db'))
try {
  let started = performance.now()
  fillBigLibrary(db, N)
  console.error(`${N} tracks generated in ${(performance.now() - started).toFixed(0)} ms`)
  const store = new TrackStore(db)
  const time = async (run: () => unknown): Promise<number> => {
    const at = performance.now()
    await run()
    return performance.now() - at
  }

  // Search: a page of 200 results plus the total count, as the library view asks.
  const searches: number[] = []
  for (let round = 0; round < ROUNDS; round++)
    for (const search of SEARCHES)
      searches.push(
        await time(() => {
          store.listTracks({ search, limit: 200 })
          store.countTracks({ search })
        }),
      )

  // The summaries after a change: how long the first page takes, and the longest block of the
  // event loop meanwhile (a heartbeat of setImmediate; the longest gap between beats).
  const rebuilds: number[] = []
  const blocks: number[] = []
  const change = db.prepare(`UPDATE tracks SET year = ? WHERE id = 1`)
  for (let round = 0; round < ROUNDS; round++) {
    change.run(1900 + round)
    let longest = 0
    let last = performance.now()
    let running = true
    const beat = (): void => {
      const now = performance.now()
      longest = Math.max(longest, now - last)
      last = now
      if (running) setImmediate(beat)
    }
    setImmediate(beat)
    rebuilds.push(await time(() => store.listAlbums({ limit: 200 })))
    running = false
    blocks.push(Math.max(longest, performance.now() - last))
  }

  // Pages of albums and artists from the built summaries, at several depths.
  const albums = await store.listAlbums({ limit: 200 })
  const artists = await store.listArtists({ limit: 200 })
  const pages: number[] = []
  for (let round = 0; round < ROUNDS; round++)
    for (const depth of [0, 0.1, 0.5, 1]) {
      pages.push(
        await time(() =>
          store.listAlbums({ offset: Math.floor(depth * (albums.total - 200)), limit: 200 }),
        ),
      )
      pages.push(
        await time(() =>
          store.listArtists({ offset: Math.floor(depth * (artists.total - 200)), limit: 200 }),
        ),
      )
    }

  // The page after a row (keyset paging, the table's scrolling) against the same page by offset.
  const byCursor: number[] = []
  const byOffset: number[] = []
  for (const offset of [10_000, 50_000, 99_000].filter((o) => o < N)) {
    const previous = store.listTracks({ offset: offset - 1, limit: 1 })[0]
    if (!previous) continue
    for (let round = 0; round < ROUNDS; round++) {
      byOffset.push(await time(() => store.listTracks({ offset, limit: 200 })))
      byCursor.push(await time(() => store.listTracks({ after: previous.id, limit: 200 })))
    }
  }

  const f = (value: number): string => value.toFixed(1)
  started = performance.now()
  console.log(
    `Library of ${N.toLocaleString('en')} generated tracks (${albums.total.toLocaleString('en')} albums, ` +
      `${artists.total.toLocaleString('en')} artists), ${ROUNDS} rounds, load average ${loadavg()[0]?.toFixed(1)}; ms\n`,
  )
  console.log('| what | median | max |')
  console.log('|---|---|---|')
  console.log(
    `| search: a page of 200 + the count (${SEARCHES.length} searches × ${ROUNDS}) | ${f(median(searches))} | ${f(Math.max(...searches))} |`,
  )
  console.log(
    `| albums, first page after a change (summaries rebuilt) | ${f(median(rebuilds))} | ${f(Math.max(...rebuilds))} |`,
  )
  console.log(
    `| longest engine block during that rebuild | ${f(median(blocks))} | ${f(Math.max(...blocks))} |`,
  )
  console.log(
    `| a page of albums or artists (built summaries, 4 depths) | ${f(median(pages))} | ${f(Math.max(...pages))} |`,
  )
  console.log(
    `| tracks in album order, the page after a row (10k / 50k / 99k) | ${f(median(byCursor))} | ${f(Math.max(...byCursor))} |`,
  )
  console.log(`| the same pages by offset | ${f(median(byOffset))} | ${f(Math.max(...byOffset))} |`)
  report('library.searchMedianMs', median(searches))
  report('library.pageMedianMs', median(pages))
  report('library.cursorPageMedianMs', median(byCursor))
  report('library.rebuildBlockMaxMs', Math.max(...blocks))
} finally {
  db.close()
  temp.cleanup()
}
