// What the album's sound (src/main/taste/album-sound.ts, "Album sound" under Advanced) costs when
// the library changes, in process (TasteCore on a real SQLite file), with it off and on, side by
// side in one run: the first build (fit + replay of the marks), then an analysis batch of 1 % new
// songs in new albums, then one of 1 % new songs joining albums the model already has. Off, a
// batch extends the model (no re-fit, no replay). On, the standardisation and the albums' means
// are those of the PCA's last fit, kept until its re-fit at +10 %: a batch reads only the new
// vectors and their tags, mixes them with the frozen statistics and extends the model too.
// Synthetic vectors (160 dims, a low-rank mix plus noise; an album's songs share 0.8 of the mix,
// so the albums hold one sound each and are mixed), 10 songs per album, 50 marks, tags on as
// shipped, PCA dims 64.
//
//   node bin/run-ts.js bench/album-sound.ts [--sizes 10000,100000]
import { performance } from 'node:perf_hooks'
import { join } from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { openDatabase, type Database } from '../src/main/db/database'
import { EmbeddingStore } from '../src/main/db/embeddings'
import { EventLog } from '../src/main/db/events'
import { SettingsStore } from '../src/main/db/settings'
import { TasteCore } from '../src/main/taste/core'
import { seededRandom } from '../src/shared/random'
import { standardNormal } from '../src/main/insights/evaluation'
import { listFlag } from './report'

const SPACE = 'import:bench-album'
const DIMS = 160
const LATENT = 12
const PER_ALBUM = 10
const MARKS = 50

/** Songs 1…n + batch in albums of 10; the second batch's song j joins album j. */
function albumOf(trackId: number, n: number, batch: number): number {
  return trackId <= n + batch ? Math.floor((trackId - 1) / PER_ALBUM) : trackId - n - batch - 1
}

function storeVectors(db: Database, first: number, last: number, n: number, batch: number): void {
  const random = seededRandom(first)
  const mixing = Float64Array.from({ length: DIMS * LATENT }, () => random() * 2 - 1)
  const results = []
  const latent = new Float64Array(LATENT)
  for (let trackId = first; trackId <= last; trackId++) {
    // An album's songs share most of their sound (0.8 of the latent), so the albums are mixed.
    const albumRandom = seededRandom(1 + albumOf(trackId, n, batch))
    for (let c = 0; c < LATENT; c++)
      latent[c] = 0.8 * standardNormal(albumRandom) + 0.6 * standardNormal(random)
    const vector = new Float32Array(DIMS)
    for (let a = 0; a < DIMS; a++) {
      let sum = 0.3 * standardNormal(random)
      for (let c = 0; c < LATENT; c++) sum += mixing[a * LATENT + c]! * latent[c]!
      vector[a] = sum
    }
    results.push({
      job: { trackId, path: `/music/${trackId}.ogg`, size: 1, mtimeMs: 1, duration: 200 },
      vector,
    })
  }
  new EmbeddingStore(db).saveMany(SPACE, null, results)
}

function timed(run: () => unknown): number {
  const started = performance.now()
  run()
  return performance.now() - started
}

interface Row {
  n: number
  what: string
  off: number
  on: number
  offHow: string
  onHow: string
}

function measure(n: number, albumSound: number): { ms: number[]; how: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'attune-bench-album-'))
  const db = openDatabase(join(dir, 'attune.db'))
  try {
    const batch = Math.ceil(n / 100)
    const insert = db.prepare(
      `INSERT INTO tracks (path, duration, added_at, album, artist) VALUES (?, 200, 1, ?, ?)`,
    )
    // Songs 1…n and the first batch (new albums) in albums of 10; the second batch joins albums
    // 0…batch−1 (one song each).
    db.transaction(() => {
      for (let id = 1; id <= n + batch; id++) {
        const album = Math.floor((id - 1) / PER_ALBUM)
        insert.run(`/music/${id}.ogg`, `album ${album}`, `artist ${album % 97}`)
      }
      for (let j = 0; j < batch; j++)
        insert.run(`/music/${n + batch + j + 1}.ogg`, `album ${j}`, `artist ${j % 97}`)
    })()
    storeVectors(db, 1, n, n, batch)
    new SettingsStore(db).update('model', {
      space: SPACE,
      pcaDims: 64,
      forgettingWindow: null,
      albumSound,
    })
    const events = new EventLog(db)
    for (let id = 1; id <= MARKS; id++) events.mark(id, id % 2 ? 'like' : 'not_for_me', 'bench')
    const core = new TasteCore(db)
    const ms: number[] = []
    const how: string[] = []
    ms.push(timed(() => core.rebuild({ force: true })))
    how.push('replay')
    storeVectors(db, n + 1, n + batch, n, batch)
    ms.push(timed(() => how.push(String(core.update().libraryChange ?? 'replay'))))
    storeVectors(db, n + batch + 1, n + 2 * batch, n, batch)
    ms.push(timed(() => how.push(String(core.update().libraryChange ?? 'replay'))))
    return { ms, how }
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const sizes = listFlag('--sizes', [10_000, 100_000])
const rows: Row[] = []
for (const n of sizes) {
  const off = measure(n, 0)
  const on = measure(n, 0.75)
  const batch = Math.ceil(n / 100)
  const what = [
    `first build (fit + replay of ${MARKS} marks)`,
    `${batch} new songs in new albums`,
    `${batch} new songs joining ${batch} albums`,
  ]
  what.forEach((w, i) =>
    rows.push({
      n,
      what: w,
      off: off.ms[i]!,
      on: on.ms[i]!,
      offHow: off.how[i]!,
      onHow: on.how[i]!,
    }),
  )
}
console.log(
  `\nAlbum sound off and on (0.75), in process, one run each, ms (load ${loadavg()[0]!.toFixed(1)})\n`,
)
console.log('| songs | library change | off | on | on ÷ off | off: how | on: how |')
console.log('| ---: | --- | ---: | ---: | ---: | --- | --- |')
for (const r of rows)
  console.log(
    `| ${r.n} | ${r.what} | ${r.off.toFixed(0)} | ${r.on.toFixed(0)} | ${(r.on / r.off).toFixed(1)}× | ${r.offHow} | ${r.onHow} |`,
  )
