import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  renameSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ScanProgress } from '../../../src/shared/domain'
import { openDatabase } from '../../../src/main/db/database'
import {
  scanLibrary,
  TrackStore,
  READ_ERRORS,
  type LibraryScanSummary,
} from '../../../src/main/library'
import {
  copyFixture,
  FIXTURES,
  rowByPath,
  sandbox,
  trackCount,
  type Sandbox,
} from './library-helpers'

const MUSIC_FILES = 40
const FORMAT_FILES = 16
const BROKEN_FILES = 10

describe('scanning the shared fixtures', () => {
  let box: Sandbox
  let summary: LibraryScanSummary
  const progress: ScanProgress[] = []

  beforeAll(async () => {
    box = sandbox()
    summary = await scanLibrary(box.db, {
      roots: [FIXTURES],
      coversDir: box.coversDir,
      workers: 0,
      onProgress: (p) => progress.push(p),
    })
  })
  afterAll(() => box.cleanup())

  const row = (relative: string) => rowByPath(box.db, join(FIXTURES, relative))

  it('finds every music, formats and broken file', () => {
    expect(summary.seen).toBe(MUSIC_FILES + FORMAT_FILES + BROKEN_FILES)
    expect(summary.added).toBe(summary.seen)
    expect(trackCount(box.db)).toBe(summary.seen)
    for (const folder of [
      'music/wesnoth',
      'music/nexuiz',
      'music/singularity',
      'music/drascula',
      'music/muldjord',
      'formats',
    ]) {
      for (const name of readdirSync(join(FIXTURES, folder))) {
        const track = row(`${folder}/${name}`)
        expect(track, `${folder}/${name}`).toBeDefined()
        expect(track?.error, `${folder}/${name}`).toBeNull()
        expect(track?.duration, `${folder}/${name}`).toBeGreaterThan(19)
      }
    }
  })

  it('reads the tags of an Ogg Vorbis track exactly', () => {
    const track = new TrackStore(box.db).getTrackByPath(
      join(FIXTURES, 'music/wesnoth/northerners.ogg'),
    )
    expect(track).toMatchObject({
      format: 'ogg',
      codec: 'Vorbis I',
      title: 'Northerners',
      artist: 'Stephen Rozanc',
      album: 'The Battle for Wesnoth OST',
      albumArtist: 'Wesnoth Project',
      genre: 'Romantic Classical',
      year: 2010,
      trackNo: 12,
      discNo: 2,
      sampleRate: 44100,
      channels: 2,
      lossless: false,
    })
    expect(track?.duration).toBeCloseTo(30, 1)
  })

  it('reads tags and stream properties of every container', () => {
    expect(row('music/drascula/track3.m4a')).toMatchObject({
      format: 'm4a',
      title: 'Track 3',
      artist: 'Alcachofa Soft',
      album: 'Drascula: The Vampire Strikes Back',
      track_no: 3,
    })
    expect(row('music/singularity/Awakening.opus')).toMatchObject({
      format: 'opus',
      title: 'Awakening',
      artist: 'Maxstack',
      year: 2012,
    })
    expect(row('music/singularity/Awakening.opus')?.duration).toBeCloseTo(30, 0)
    expect(row('music/nexuiz/infight.mp3')).toMatchObject({
      format: 'mp3',
      album: 'Nexuiz Soundtrack',
      lossless: 0,
    })
    expect(row('formats/hires-24-96k.flac')).toMatchObject({
      format: 'flac',
      sample_rate: 96000,
      bits_per_sample: 24,
      lossless: 1,
    })
    expect(row('formats/alac.m4a')).toMatchObject({ format: 'm4a', codec: 'ALAC', lossless: 1 })
    expect(row('formats/aac.m4a')).toMatchObject({
      format: 'm4a',
      codec: 'MPEG-4/AAC',
      lossless: 0,
    })
    expect(row('formats/mono-8k.wav')).toMatchObject({
      format: 'wav',
      sample_rate: 8000,
      channels: 1,
    })
    expect(row('formats/s16.aiff')).toMatchObject({ format: 'aiff', bits_per_sample: 16 })
    expect(row('formats/opus-in-ogg.ogg')).toMatchObject({ format: 'opus' })
    expect(row('formats/cbr320-cover.mp3')?.bitrate).toBe(320000)
    expect(row('formats/mono-22k.mp3')).toMatchObject({ sample_rate: 22050, channels: 1 })
  })

  it('gives the unreadable broken files a row with a reason in plain words', () => {
    expect(row('broken/zero-bytes.mp3')?.error).toBe(READ_ERRORS.empty)
    expect(row('broken/text.mp3')?.error).toBe(READ_ERRORS.text)
    expect(row('broken/random-bytes.ogg')?.error).toBe(READ_ERRORS.unknown)
    const failedPaths = summary.failed.map((f) => f.path)
    expect(failedPaths).toContain(join(FIXTURES, 'broken/text.mp3'))
  })

  it('reads the valid odd files normally, Vorbis named .mp3 included', () => {
    for (const name of [
      'huge-tag.mp3',
      'silence.wav',
      'half-second.ogg',
      'really-vorbis.mp3',
      'Ünïcødé — 曲 (live) ♫.mp3',
    ]) {
      expect(row(`broken/${name}`)?.error, name).toBeNull()
    }
    expect(row('broken/really-vorbis.mp3')).toMatchObject({ format: 'ogg', title: 'Northerners' })
    expect(row('broken/half-second.ogg')?.duration).toBeCloseTo(0.5, 1)
    expect(row('broken/silence.wav')?.duration).toBeCloseTo(10, 1)
    expect(row('broken/Ünïcødé — 曲 (live) ♫.mp3')).toMatchObject({
      title: 'Ünïcødé — 曲 (live) ♫',
      artist: 'Sigur Rós',
    })
  })

  it('gives truncated files a row, short or with an error, without stopping the scan', () => {
    for (const name of ['truncated.flac', 'truncated.mp3']) {
      const track = row(`broken/${name}`)
      expect(track, name).toBeDefined()
      expect(track?.error !== null || (track?.duration ?? 0) > 0, name).toBe(true)
    }
  })

  it('counts an identical copy under another path as a track of its own', () => {
    const copy = row('broken/really-vorbis.mp3')
    const original = row('formats/vorbis.ogg')
    expect(copy?.fingerprint).toBe(original?.fingerprint)
    expect(copy?.id).not.toBe(original?.id)
  })

  it('stores the embedded cover art of cbr320-cover.mp3 as an image file', () => {
    const coverId = row('formats/cbr320-cover.mp3')?.cover_id
    expect(coverId).toMatch(/^[0-9a-f]{40}$/)
    const cover = box.db.prepare('SELECT * FROM covers WHERE id = ?').get(coverId) as {
      file: string
      mime: string
    }
    expect(cover.mime).toBe('image/jpeg')
    expect(existsSync(join(box.coversDir, cover.file))).toBe(true)
  })

  it('reports progress, ending with a final event where every file is done', () => {
    const last = progress[progress.length - 1]
    expect(last).toMatchObject({
      phase: 'done',
      seen: summary.seen,
      done: summary.seen,
      etaSeconds: 0,
    })
    expect(progress.some((p) => p.phase === 'reading')).toBe(true)
  })

  it('reads the same rows when tags are parsed in worker threads', async () => {
    const other = sandbox()
    try {
      await scanLibrary(other.db, { roots: [FIXTURES], coversDir: other.coversDir, workers: 2 })
      const columns =
        'path, fingerprint, format, codec, duration, title, artist, album, track_no, error, cover_id'
      const rows = (db: typeof box.db) =>
        db.prepare(`SELECT ${columns} FROM tracks ORDER BY path`).all()
      expect(rows(other.db)).toEqual(rows(box.db))
    } finally {
      other.cleanup()
    }
  })

  it('re-reads nothing when rescanning the unchanged library: a stat per file only', async () => {
    const before = box.db.prepare('SELECT id, scanned_at FROM tracks ORDER BY id').all()
    const again = await scanLibrary(box.db, { roots: [FIXTURES], coversDir: box.coversDir })
    expect(again.read).toBe(0)
    expect(again.unchanged).toBe(summary.seen)
    expect(again.added + again.updated + again.moved + again.missing).toBe(0)
    expect(box.db.prepare('SELECT id, scanned_at FROM tracks ORDER BY id').all()).toEqual(before)
  })
})

describe('incremental scans of a changing library', () => {
  let box: Sandbox
  afterEach(() => box.cleanup())

  const scan = (extra: Partial<Parameters<typeof scanLibrary>[1]> = {}) =>
    scanLibrary(box.db, { roots: [box.music], coversDir: box.coversDir, ...extra })

  it('re-reads a touched file and only that one', async () => {
    box = sandbox()
    const a = copyFixture('formats/vbr.mp3', join(box.music, 'a.mp3'))
    copyFixture('formats/cd.flac', join(box.music, 'b.flac'))
    await scan()
    const before = rowByPath(box.db, a)
    const later = new Date(Date.now() + 60_000)
    utimesSync(a, later, later)
    const again = await scan()
    expect(again).toMatchObject({ read: 1, updated: 1, unchanged: 1, added: 0 })
    const after = rowByPath(box.db, a)
    expect(after?.id).toBe(before?.id)
    expect(Math.abs((after?.mtime_ms ?? 0) - later.getTime())).toBeLessThanOrEqual(1)
  })

  it('marks a deleted file missing, keeps its row, and clears the mark when it comes back', async () => {
    box = sandbox()
    const a = copyFixture('formats/vbr.mp3', join(box.music, 'a.mp3'))
    await scan()
    const id = rowByPath(box.db, a)?.id
    unlinkSync(a)
    const gone = await scan()
    expect(gone.missing).toBe(1)
    expect(rowByPath(box.db, a)).toMatchObject({ id })
    expect(rowByPath(box.db, a)?.missing_since).toBeGreaterThan(0)
    expect(new TrackStore(box.db).listTracks()).toHaveLength(0)
    expect(new TrackStore(box.db).listTracks({ includeMissing: true })).toHaveLength(1)

    copyFixture('formats/vbr.mp3', a)
    await scan()
    expect(rowByPath(box.db, a)).toMatchObject({ id, missing_since: null })
  })

  it('keeps the id (and the events) of a moved and renamed file', async () => {
    box = sandbox()
    const old = copyFixture('formats/vbr.mp3', join(box.music, 'inbox', 'track.mp3'))
    await scan()
    const id = rowByPath(box.db, old)?.id as number
    box.db
      .prepare(`INSERT INTO events (ts, kind, track_id, mark) VALUES (?, 'mark', ?, 'like')`)
      .run(Date.now(), id)
    const moved = join(box.music, 'Artist', 'Album', '01 Renamed.mp3')
    mkdirSync(join(box.music, 'Artist', 'Album'), { recursive: true })
    renameSync(old, moved)
    const again = await scan()
    expect(again).toMatchObject({ moved: 1, added: 0, missing: 0 })
    expect(rowByPath(box.db, moved)?.id).toBe(id)
    expect(rowByPath(box.db, old)).toBeUndefined()
    expect(box.db.prepare('SELECT track_id FROM events').pluck().get()).toBe(id)
  })

  it('recognises a move into the library of a track that was already missing', async () => {
    box = sandbox()
    const old = copyFixture('formats/cd.flac', join(box.music, 'a.flac'))
    await scan()
    const id = rowByPath(box.db, old)?.id
    const parked = join(box.dir, 'parked.flac')
    renameSync(old, parked)
    await scan()
    expect(rowByPath(box.db, old)?.missing_since).not.toBeNull()
    renameSync(parked, join(box.music, 'back.flac'))
    const again = await scan()
    expect(again.moved).toBe(1)
    expect(rowByPath(box.db, join(box.music, 'back.flac'))).toMatchObject({
      id,
      missing_since: null,
    })
  })

  it('adds a copy under a new path as a new track while the original still exists', async () => {
    box = sandbox()
    const original = copyFixture('formats/vbr.mp3', join(box.music, 'a.mp3'))
    await scan()
    copyFixture('formats/vbr.mp3', join(box.music, 'copy of a.mp3'))
    const again = await scan()
    expect(again).toMatchObject({ added: 1, moved: 0 })
    expect(rowByPath(box.db, original)).toBeDefined()
    expect(trackCount(box.db)).toBe(2)
  })

  it('fills in the row an imported event log created for a not yet scanned path, without a duplicate', async () => {
    box = sandbox()
    const path = copyFixture('formats/vorbis.ogg', join(box.music, 'x.ogg'))
    const stub = box.db
      .prepare('INSERT INTO tracks (path, added_at) VALUES (?, ?)')
      .run(path, 1).lastInsertRowid
    box.db
      .prepare(`INSERT INTO events (ts, kind, track_id, mark) VALUES (1, 'mark', ?, 'love')`)
      .run(stub)
    await scan()
    expect(trackCount(box.db)).toBe(1)
    expect(rowByPath(box.db, path)).toMatchObject({
      id: Number(stub),
      title: 'Northerners',
      format: 'ogg',
    })
    expect(rowByPath(box.db, path)?.scanned_at).not.toBeNull()
  })

  it('stores embedded art once per album, and uses cover.jpg beside files without art', async () => {
    box = sandbox()
    for (const n of [1, 2, 3])
      copyFixture('formats/cbr320-cover.mp3', join(box.music, 'With Art', `${n}.mp3`))
    copyFixture('formats/vorbis.ogg', join(box.music, 'Folder Art', 'a.ogg'))
    writeFileSync(
      join(box.music, 'Folder Art', 'Cover.JPG'),
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]),
    )
    await scan()
    const covers = box.db.prepare('SELECT * FROM covers ORDER BY mime').all() as {
      id: string
      file: string
    }[]
    expect(covers).toHaveLength(2)
    expect(readdirSync(box.coversDir).sort()).toEqual(covers.map((c) => c.file).sort())
    const withArt = box.db
      .prepare('SELECT DISTINCT cover_id FROM tracks WHERE path LIKE ?')
      .pluck()
      .all(`${join(box.music, 'With Art')}%`)
    expect(withArt).toHaveLength(1)
    expect(rowByPath(box.db, join(box.music, 'Folder Art', 'a.ogg'))?.cover_id).toMatch(
      /^[0-9a-f]{40}$/,
    )
  })

  it('survives a symlink loop and reads each file once', async () => {
    box = sandbox()
    copyFixture('formats/vbr.mp3', join(box.music, 'album', 'a.mp3'))
    symlinkSync(box.music, join(box.music, 'album', 'loop'))
    symlinkSync(join(box.music, 'album'), join(box.music, 'album', 'self'))
    const summary = await scan()
    expect(summary.seen).toBe(1)
    expect(trackCount(box.db)).toBe(1)
  })

  it('does not follow links leading outside the library: the player could not play what they reach', async () => {
    box = sandbox()
    const outside = join(box.dir, 'elsewhere')
    copyFixture('formats/vorbis.ogg', join(outside, 'b.ogg'))
    symlinkSync(outside, join(box.music, 'linked'))
    symlinkSync(join(outside, 'b.ogg'), join(box.music, 'b-link.ogg'))
    const summary = await scan()
    expect(summary.seen).toBe(0)
    expect(rowByPath(box.db, join(box.music, 'linked', 'b.ogg'))).toBeUndefined()
    expect(rowByPath(box.db, join(box.music, 'b-link.ogg'))).toBeUndefined()
  })

  it('follows a link into another library folder whether or not both are scanned together', async () => {
    box = sandbox()
    const other = join(box.dir, 'other-folder')
    copyFixture('formats/vorbis.ogg', join(other, 'b.ogg'))
    symlinkSync(join(other, 'b.ogg'), join(box.music, 'b-link.ogg'))
    // Not a library folder yet: the link is refused.
    expect((await scan()).seen).toBe(0)
    new TrackStore(box.db).addRoot(other)
    // Now it is one: scanning only the first folder follows the link into it.
    const summary = await scan({ roots: [box.music] })
    expect(summary.seen).toBe(1)
    expect(rowByPath(box.db, join(box.music, 'b-link.ogg'))).toBeDefined()
  })

  it('follows a linked folder inside the library once', async () => {
    box = sandbox()
    const inside = join(box.music, 'real')
    copyFixture('formats/vorbis.ogg', join(inside, 'b.ogg'))
    symlinkSync(inside, join(box.music, 'linked'))
    symlinkSync(inside, join(box.music, 'linked again'))
    const summary = await scan()
    expect(summary.seen).toBe(1)
  })

  it('reads Unicode and very long file names', async () => {
    box = sandbox()
    const longSegment = 'ÿ'.repeat(100) // 200 bytes in UTF-8, under the 255-byte name limit
    const deep = join(box.music, longSegment, longSegment, longSegment, longSegment, longSegment)
    const file = copyFixture(
      'broken/Ünïcødé — 曲 (live) ♫.mp3',
      join(deep, `${'曲'.repeat(60)} — ♫.mp3`),
    )
    expect(Buffer.byteLength(file)).toBeGreaterThan(1000)
    const summary = await scan()
    expect(summary.failed).toEqual([])
    expect(rowByPath(box.db, file)).toMatchObject({ artist: 'Sigur Rós' })
  })

  it('goes on when a file vanishes mid-scan', async () => {
    box = sandbox()
    const first = copyFixture('formats/vbr.mp3', join(box.music, 'a.mp3'))
    const doomed = copyFixture('formats/cd.flac', join(box.music, 'z.flac'))
    let deleted = false
    const summary = await scan({
      concurrency: 1,
      onProgress: (p) => {
        // The walk has listed both files; remove one before it is read.
        if (p.phase === 'reading' && !deleted) {
          unlinkSync(doomed)
          deleted = true
        }
      },
    })
    expect(deleted).toBe(true)
    expect(summary.seen).toBe(2)
    expect(summary.added).toBe(1)
    expect(rowByPath(box.db, first)).toBeDefined()
    expect(rowByPath(box.db, doomed)).toBeUndefined()
  })

  it('stops when cancelled and keeps what it stored', async () => {
    box = sandbox()
    const first = copyFixture('formats/vbr.mp3', join(box.music, '0.mp3'))
    for (let n = 1; n < 400; n++) linkSync(first, join(box.music, `${n}.mp3`))
    const controller = new AbortController()
    const summary = await scan({
      concurrency: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'reading' && p.done >= 1) controller.abort()
      },
    })
    // The first file read is always reported, so the cancel lands after exactly one file (one
    // reader): this used to wait for the 100 ms progress interval, which a fast scan of 400
    // files could finish before.
    expect(summary.cancelled).toBe(true)
    expect(summary.added).toBe(1)
    expect(trackCount(box.db)).toBe(1)
  })
})

/**
 * A folder the scanner may not open. Tests run as root here, and chmod never stops root, so the scan runs in a
 * child process as the unprivileged user `nobody` (uid 65534); without root, chmod alone does it.
 */
describe('an unreadable folder', () => {
  let box: Sandbox
  afterEach(() => {
    chmodSync(join(box.music, 'locked'), 0o755)
    box.cleanup()
  })

  it('is reported in plain words and the scan goes on', async () => {
    box = sandbox()
    copyFixture('formats/vbr.mp3', join(box.music, 'open', 'a.mp3'))
    copyFixture('formats/cd.flac', join(box.music, 'locked', 'b.flac'))
    chmodSync(join(box.music, 'locked'), 0o000)
    let summary: LibraryScanSummary
    if (process.getuid?.() === 0) {
      box.db.close()
      summary = scanAsNobody(box)
    } else {
      summary = await scanLibrary(box.db, { roots: [box.music], coversDir: box.coversDir })
    }
    expect(summary.added).toBe(1)
    expect(summary.failed).toEqual([
      {
        path: join(box.music, 'locked'),
        error: expect.stringContaining('permission denied') as unknown,
      },
    ])
  })
})

function scanAsNobody(box: Sandbox): LibraryScanSummary {
  for (const path of [
    box.dir,
    box.music,
    join(box.music, 'open'),
    join(box.music, 'open', 'a.mp3'),
  ]) {
    chmodSync(path, 0o777)
  }
  for (const name of readdirSync(box.dir)) {
    if (name.startsWith('library.db')) chmodSync(join(box.dir, name), 0o666)
  }
  const child = runScanScript(box, '', { uid: 65534, gid: 65534 })
  if (child.status !== 0) throw new Error(`the scan as nobody failed: ${child.stderr}`)
  return JSON.parse(child.stdout) as LibraryScanSummary
}

/** Runs a scan of `box.music` in a child process (real process boundaries: another user, a kill). */
function runScanScript(
  box: Sandbox,
  onProgressBody: string,
  options: { uid?: number; gid?: number } = {},
) {
  const script = join(box.dir, 'scan-in-child.mts')
  const database = pathToFileURL(join(process.cwd(), 'src/main/db/database.ts')).href
  const library = pathToFileURL(join(process.cwd(), 'src/main/library/index.ts')).href
  writeFileSync(
    script,
    `import { openDatabase } from ${JSON.stringify(database)}
     import { scanLibrary } from ${JSON.stringify(library)}
     const db = openDatabase(${JSON.stringify(join(box.dir, 'library.db'))})
     const summary = await scanLibrary(db, {
       roots: [${JSON.stringify(box.music)}],
       coversDir: ${JSON.stringify(box.coversDir)},
       concurrency: 1,
       workers: 0,
       onProgress: (p) => { ${onProgressBody} },
     })
     db.close()
     process.stdout.write(JSON.stringify(summary))`,
  )
  chmodSync(script, 0o644)
  return spawnSync(process.execPath, ['--import', 'tsx', script], {
    cwd: process.cwd(),
    encoding: 'utf8',
    env: { ...process.env, HOME: box.dir, TMPDIR: box.dir },
    ...options,
  })
}

describe('a scan killed half-way', () => {
  let box: Sandbox
  afterEach(() => box.cleanup())

  it('keeps every batch it committed, and the next scan completes without duplicates', async () => {
    box = sandbox()
    const first = copyFixture('formats/vbr.mp3', join(box.music, 'album', '0000.mp3'))
    // Batches commit every 500 rows (or 250 ms): killed after 1,200 files, at least one batch is
    // in, however fast the scan runs (with 300 files a fast scan committed nothing before the kill).
    // The kill comes while files are still being read (progress during 'finishing' also says
    // done >= 1,200, after the last batch is in), and 1,200 files are left to read, so even a fast
    // scan reports progress (every 100 ms) at least once in that stretch.
    const files = 2400
    for (let n = 1; n < files; n++)
      linkSync(first, join(box.music, 'album', `${String(n).padStart(4, '0')}.mp3`))
    box.db.close()
    const child = runScanScript(
      box,
      `if (p.phase === 'reading' && p.done >= 1200) process.kill(process.pid, 'SIGKILL')`,
    )
    expect(child.signal).toBe('SIGKILL')

    box.db = openDatabase(join(box.dir, 'library.db'))
    expect(box.db.pragma('integrity_check', { simple: true })).toBe('ok')
    const kept = trackCount(box.db)
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(files)
    const summary = await scanLibrary(box.db, {
      roots: [box.music],
      coversDir: box.coversDir,
      workers: 0,
    })
    expect(summary).toMatchObject({ added: files - kept, unchanged: kept, read: files - kept })
    expect(trackCount(box.db)).toBe(files)
  })
})

describe('library folders', () => {
  let box: Sandbox
  afterEach(() => box.cleanup())

  it('scans only real folders, and says so in plain words for one that is not', async () => {
    box = sandbox()
    const summary = await scanLibrary(box.db, {
      roots: [join(box.dir, 'nowhere')],
      coversDir: box.coversDir,
    })
    expect(summary.failed[0]?.error).toMatch(/does not exist/)
    expect(summary.seen).toBe(0)
  })
})
