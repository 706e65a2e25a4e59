// Fuzzing every import format (issue 15): random bytes, truncations and byte flips of events
// backups, label lists (M3U, CSV) and embedding files (CSV, JSONL, NPY), with fixed seeds. Each
// input is imported or refused in words (a UserError or the format's own error); a refused import
// writes nothing, and the database stays whole. The counts are in docs/reliability.md.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { exportEventsToFile, importEventsFromFile } from '../../../src/main/events'
import { importLabels } from '../../../src/main/taste/label-import'
import {
  EmbeddingImportError,
  importEmbeddings,
} from '../../../src/main/analysis/import-embeddings'
import { UserError } from '../../../src/shared/errors'
import { seededRandom } from '../../../src/shared/random'
import { tempDir } from '../../helpers/temp'

/** Inputs per format: truncations, byte flips and random files. */
export const TRUNCATIONS = 40
export const FLIPS = 40
export const RANDOM_FILES = 20

let dir: string
let cleanup: () => void
let source: Database
let target: Database

const count = (db: Database, table: string): number =>
  db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number

beforeAll(async () => {
  const t = tempDir('attune-import-fuzz-')
  dir = t.dir
  cleanup = t.cleanup
  source = openDatabase(join(dir, 'source.db'))
  target = openDatabase(join(dir, 'target.db'))
  const insertTrack = source.prepare(
    'INSERT INTO tracks (path, title, artist, album, duration, added_at) VALUES (?, ?, ?, ?, 100, 1)',
  )
  const insertEvent = source.prepare(
    `INSERT INTO events (ts, kind, track_id, mark, source, data) VALUES (?, 'mark', ?, ?, 'ui', ?)`,
  )
  source.transaction(() => {
    for (let i = 1; i <= 20; i++) {
      insertTrack.run(
        `/music/album ${i % 4}/song ${i}.mp3`,
        `Song ${i}`,
        'Artist',
        `Album ${i % 4}`,
      )
      target
        .prepare('INSERT INTO tracks (path, duration, added_at) VALUES (?, 100, 1)')
        .run(`/music/album ${i % 4}/song ${i}.mp3`)
    }
    const marks = ['like', 'love', 'near_miss', 'not_for_me', 'none']
    for (let i = 0; i < 200; i++)
      insertEvent.run(1000 + i, (i % 20) + 1, marks[i % 5], JSON.stringify({ n: i, note: 'é"\\' }))
  })()
  await exportEventsToFile(source, join(dir, 'events.jsonl'))
  writeFileSync(
    join(dir, 'labels.csv'),
    'path,label\n' +
      Array.from({ length: 20 }, (_, i) => `"/music/album ${i % 4}/song ${i + 1}.mp3",like`).join(
        '\n',
      ),
  )
  writeFileSync(
    join(dir, 'labels.m3u'),
    '#EXTM3U\n' +
      Array.from({ length: 20 }, (_, i) => `/music/album ${i % 4}/song ${i + 1}.mp3`).join('\n'),
  )
  writeFileSync(
    join(dir, 'vectors.csv'),
    Array.from(
      { length: 20 },
      (_, i) => `/music/album ${i % 4}/song ${i + 1}.mp3,${i},${i / 2},1`,
    ).join('\n'),
  )
  writeFileSync(
    join(dir, 'vectors.jsonl'),
    Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({ path: `/music/album ${i % 4}/song ${i + 1}.mp3`, vector: [i, i / 2, 1] }),
    ).join('\n'),
  )
})

afterAll(() => {
  source?.close()
  target?.close()
  cleanup()
})

/** The fuzzed variants of a valid file: cut at random bytes, bytes flipped, and pure noise. */
function variants(valid: Buffer, seed: number): Buffer[] {
  const random = seededRandom(seed)
  const out: Buffer[] = []
  for (let i = 0; i < TRUNCATIONS; i++)
    out.push(valid.subarray(0, Math.floor(random() * valid.length)))
  for (let i = 0; i < FLIPS; i++) {
    const copy = Buffer.from(valid)
    for (let j = 0; j < 1 + Math.floor(random() * 4); j++)
      copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256)
    out.push(copy)
  }
  for (let i = 0; i < RANDOM_FILES; i++)
    out.push(
      Buffer.from(
        Array.from({ length: Math.floor(random() * 2000) }, () => Math.floor(random() * 256)),
      ),
    )
  return out
}

/** Runs `attempt`; an error must be one written for the listener. */
async function wordsOrSuccess(attempt: () => Promise<unknown>, accepted: (e: unknown) => boolean) {
  try {
    await attempt()
    return 'ok' as const
  } catch (error) {
    if (!accepted(error)) throw error
    expect((error as Error).message.length).toBeGreaterThan(10)
    return 'refused' as const
  }
}

describe('every import format, fuzzed', () => {
  it('events backups: a cut file is always refused and nothing is written; flips and noise are refused or imported whole', async () => {
    const valid = readFileSync(join(dir, 'events.jsonl'))
    const file = join(dir, 'fuzzed.jsonl')
    let refusedCuts = 0
    let cuts = 0
    for (const [i, bytes] of variants(valid, 7).entries()) {
      writeFileSync(file, bytes)
      const before = count(target, 'events')
      const outcome = await wordsOrSuccess(
        () => importEventsFromFile(target, file),
        (e) => e instanceof UserError,
      )
      if (outcome === 'refused') expect(count(target, 'events')).toBe(before)
      const isCut = i < TRUNCATIONS
      // A cut that only lost the final newline lost no event.
      if (isCut && bytes.length < valid.length - 1) {
        cuts++
        if (outcome === 'refused') refusedCuts++
      }
    }
    expect(refusedCuts).toBe(cuts)
    expect(target.pragma('integrity_check', { simple: true })).toBe('ok')
  })

  it('label lists (M3U and CSV): imported or refused in words, never anything else', async () => {
    for (const [seed, name] of [
      [11, 'labels.m3u'],
      [12, 'labels.csv'],
    ] as const) {
      const valid = readFileSync(join(dir, name))
      const file = join(dir, `fuzzed-${name}`)
      for (const bytes of variants(valid, seed)) {
        writeFileSync(file, bytes)
        const before = count(target, 'events')
        const outcome = await wordsOrSuccess(
          () => importLabels(target, { file, as: 'like' }),
          (e) => e instanceof UserError,
        )
        if (outcome === 'refused') expect(count(target, 'events')).toBe(before)
      }
    }
    expect(target.pragma('integrity_check', { simple: true })).toBe('ok')
  })

  it('embedding files (CSV, JSONL, NPY): imported or refused in words, never anything else', async () => {
    const npy = join(dir, 'vectors.npy')
    const paths = join(dir, 'paths.txt')
    // A valid NPY: magic, version 1.0, header, 20×3 little-endian float32.
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (20, 3), }"
    const padded = header.padEnd(64 - 10 - 1, ' ') + '\n'
    const data = Buffer.alloc(20 * 3 * 4)
    for (let i = 0; i < 60; i++) data.writeFloatLE(i / 7, i * 4)
    writeFileSync(
      npy,
      Buffer.concat([
        Buffer.from([0x93]),
        Buffer.from('NUMPY'),
        Buffer.from([1, 0, padded.length, 0]),
        Buffer.from(padded),
        data,
      ]),
    )
    writeFileSync(
      paths,
      Array.from({ length: 20 }, (_, i) => `/music/album ${i % 4}/song ${i + 1}.mp3`).join('\n'),
    )
    for (const [seed, name, format] of [
      [21, 'vectors.csv', 'csv'],
      [22, 'vectors.jsonl', 'jsonl'],
      [23, 'vectors.npy', 'npy'],
    ] as const) {
      const valid = readFileSync(join(dir, name))
      const file = join(dir, `fuzzed-${name}`)
      for (const bytes of variants(valid, seed)) {
        writeFileSync(file, bytes)
        await wordsOrSuccess(
          () =>
            importEmbeddings(target, {
              file,
              space: 'fuzz',
              format,
              ...(format === 'npy' ? { pathsFile: paths } : {}),
            }),
          (e) => e instanceof EmbeddingImportError || e instanceof UserError,
        )
      }
    }
    expect(target.pragma('integrity_check', { simple: true })).toBe('ok')
  })
})
