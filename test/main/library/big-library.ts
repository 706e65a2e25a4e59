// A generated library of synthetic tracks (no audio files) for the 100,000-track tests and probes.
import type { Database } from '../../../src/main/db/database'

const WORDS = [
  'night',
  'river',
  'iron',
  'golden',
  'echo',
  'storm',
  'velvet',
  'north',
  'glass',
  'ember',
  'lunar',
  'drift',
]

/**
 * Fills an empty, migrated database with `count` tracks under one root `/music`: random two-word
 * titles, artists and albums from a fixed seed (so every run gets the same library), 5,000 artist
 * numbers, 10,000 album numbers and track numbers 1–12.
 */
export function fillBigLibrary(db: Database, count: number): void {
  db.prepare(`INSERT INTO roots (path, added_at) VALUES ('/music', 1)`).run()
  const insert = db.prepare(
    `INSERT INTO tracks (root_id, path, size, mtime_ms, format, duration, title, artist, album, album_artist,
       genre, year, track_no, disc_no, added_at, scanned_at)
     VALUES (1, ?, 1000, 1, 'mp3', 200, ?, ?, ?, ?, ?, 2000, ?, 1, 1, 1)`,
  )
  let seed = 42
  const pick = () =>
    WORDS[Math.floor((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 65536) % WORDS.length]!
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const artist = `${pick()} ${pick()} band ${i % 5000}`
      const album = `${pick()} ${pick()} ${i % 10000}`
      insert.run(
        `/music/${artist}/${album}/${i}.mp3`,
        `${pick()} ${pick()} song ${i}`,
        artist,
        album,
        artist,
        'rock',
        (i % 12) + 1,
      )
    }
  })()
}

/** Searches that match words of the generated library (whole words, prefixes, several words). */
export const BIG_LIBRARY_SEARCHES: readonly string[] = [
  'night',
  'riv',
  'golden echo',
  'song 4242',
  'band 17',
  'velvet storm',
  'ember',
  'lun',
  'glass north 9',
  'iron',
]
