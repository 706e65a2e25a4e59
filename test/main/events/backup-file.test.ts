// Backups that survive a crash: an export killed half-way leaves the old backup whole, and a cut
// backup (mid-line or exactly at a line boundary) is refused with the counts, writing nothing.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs'
import { basename, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../../src/main/db/database'
import {
  EventImportError,
  exportEventsToFile,
  importEventsFromFile,
} from '../../../src/main/events'
import { EventLog } from '../../../src/main/db/events'
import { main } from '../../../src/main/cli/main'
import { memoryIo } from '../../helpers/io'
import { tempDir } from '../../helpers/temp'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

function box(): { dir: string; db: Database; dbPath: string } {
  const { dir, cleanup } = tempDir('attune-backup-')
  const dbPath = join(dir, 'library.db')
  const db = openDatabase(dbPath)
  cleanups.push(() => {
    db.close()
    cleanup()
  })
  return { dir, db, dbPath }
}

/** `n` marks over a few tracks, written straight into the log in one transaction. */
function fillMarks(db: Database, n: number): void {
  const tracks = [0, 1, 2, 3].map((i) =>
    Number(
      db
        .prepare('INSERT OR IGNORE INTO tracks (path, added_at) VALUES (?, ?)')
        .run(`/music/album/${i}.mp3`, 1) &&
        (
          db.prepare('SELECT id FROM tracks WHERE path = ?').get(`/music/album/${i}.mp3`) as {
            id: number
          }
        ).id,
    ),
  )
  const insert = db.prepare(
    `INSERT INTO events (ts, kind, track_id, mark, source) VALUES (?, 'mark', ?, ?, 'ui')`,
  )
  const marks = ['like', 'love', 'near_miss', 'not_for_me']
  db.transaction(() => {
    for (let i = 0; i < n; i++) insert.run(1_000 + i, tracks[i % 4], marks[i % 4])
  })()
}

const eventCount = (db: Database): number =>
  (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n

describe('a cut backup', () => {
  it('is refused when cut exactly at a line boundary, naming how many events were expected and found', async () => {
    const source = box()
    fillMarks(source.db, 170)
    const file = join(source.dir, 'events.jsonl')
    expect((await exportEventsToFile(source.db, file)).events).toBe(170)
    const lines = readFileSync(file, 'utf8').split('\n')
    writeFileSync(file, lines.slice(0, 100).join('\n') + '\n') // header + 99 events

    const target = box()
    const error = await importEventsFromFile(target.db, file).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EventImportError)
    expect((error as Error).message).toMatch(/cut short.*170 events.*only 99/)
    expect(eventCount(target.db)).toBe(0)
  })

  it('is refused when cut in the middle of a line, and nothing is imported', async () => {
    const source = box()
    fillMarks(source.db, 300)
    const file = join(source.dir, 'events.jsonl')
    await exportEventsToFile(source.db, file)
    const text = readFileSync(file)
    writeFileSync(file, text.subarray(0, Math.floor(text.length / 2)))

    const target = box()
    const { io, err } = memoryIo()
    const code = await main(['import', file, '--db', target.dbPath], io)
    expect(code).toBe(1)
    expect(err()).toMatch(/Nothing was imported.*cut short.*300 events, but only \d+ were found/)
    const check = openDatabase(target.dbPath)
    expect(eventCount(check)).toBe(0)
    check.close()
  })

  it('still imports a whole backup written by export', async () => {
    const source = box()
    fillMarks(source.db, 50)
    const file = join(source.dir, 'events.jsonl')
    await exportEventsToFile(source.db, file)
    const target = box()
    expect((await importEventsFromFile(target.db, file)).imported).toBe(50)
  })
})

describe('a backup naming tracks by relative paths', () => {
  it('is refused: ../../etc/passwd never becomes a placeholder track', async () => {
    const { dir, db } = box()
    const file = join(dir, 'events.jsonl')
    const header = JSON.stringify({ format: 'attune-events', version: 1, exportedAt: 0, events: 1 })
    const event = JSON.stringify({
      ts: 5,
      kind: 'mark',
      mark: 'like',
      source: 'ui',
      track: { path: '../../etc/passwd' },
    })
    writeFileSync(file, `${header}\n${event}\n`)
    await expect(importEventsFromFile(db, file)).rejects.toThrow(/line 2: .*not a full path/)
    expect(db.prepare('SELECT count(*) FROM tracks').pluck().get()).toBe(0)
  })
})

describe('export and import with bad paths give words, not a stack trace', () => {
  it('export to a folder says so and leaves the folder alone', async () => {
    const { dir, dbPath, db } = box()
    fillMarks(db, 3)
    const folder = join(dir, 'backups')
    mkdirSync(folder)
    const { io, err } = memoryIo()
    expect(await main(['export', folder, '--db', dbPath], io)).toBe(1)
    expect(err()).toMatch(/is a folder\. Give a file name for the backup/)
    expect(err()).not.toMatch(/\n\s+at /)
    expect(readdirSync(folder)).toEqual([])
  })

  it('import of a file with a gigantic line stops at the line cap instead of running out of memory', async () => {
    const { dir, dbPath } = box()
    const file = join(dir, 'huge.jsonl')
    const header = JSON.stringify({ format: 'attune-events', version: 1, exportedAt: 0, events: 1 })
    writeFileSync(file, header + '\n' + '"' + 'x'.repeat(6 * 1024 * 1024))
    const { io, err } = memoryIo()
    expect(await main(['import', file, '--db', dbPath], io)).toBe(1)
    expect(err()).toMatch(/line 2: This line is longer than 4 MB/)
  })

  it('import of a device or a folder is refused before reading', async () => {
    const { dir, dbPath } = box()
    for (const [path, words] of [
      ['/dev/zero', /not an ordinary file/],
      [dir, /is a folder/],
      [join(dir, 'nothing.jsonl'), /There is no file/],
    ] as const) {
      const { io, err } = memoryIo()
      expect(await main(['import', path, '--db', dbPath], io)).toBe(1)
      expect(err()).toMatch(words)
    }
  })
})

describe('an export killed half-way (kill -9)', () => {
  it('leaves the old backup byte for byte, and no cut file under its name', async () => {
    const { dir, db, dbPath } = box()
    fillMarks(db, 20)
    const file = join(dir, 'events.jsonl')
    await exportEventsToFile(db, file)
    const oldBackup = readFileSync(file)
    // Enough events that the export takes a while to write (~20 MB).
    fillMarks(db, 300_000)
    db.pragma('wal_checkpoint(TRUNCATE)')

    const script = join(dir, 'export.mts')
    writeFileSync(
      script,
      `import { main } from ${JSON.stringify(join(process.cwd(), 'src/main/cli/main.ts'))}
       process.exitCode = await main(['export', ${JSON.stringify(file)}, '--db', ${JSON.stringify(dbPath)}])`,
    )
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: process.cwd(),
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
    // Kill it once the new backup is being written: its temp file beside the target has data.
    let killedMidWrite = false
    for (;;) {
      const partial = readdirSync(dir).find((name) => name.endsWith('.partial'))
      const size = partial ? statSync(join(dir, partial), { throwIfNoEntry: false })?.size : 0
      if (partial && (size ?? 0) > 1024 * 1024) {
        killedMidWrite = child.kill('SIGKILL')
        break
      }
      if (child.exitCode !== null) break
      await new Promise((wait) => setTimeout(wait, 2))
    }
    const code = await exited
    expect({ killedMidWrite, code, stderr }).toEqual({
      killedMidWrite: true,
      code: null,
      stderr: '',
    })
    expect(readFileSync(file).equals(oldBackup)).toBe(true)
    const target = box()
    expect((await importEventsFromFile(target.db, file)).imported).toBe(20)
    expect(new EventLog(target.db).list({ limit: 100 })).toHaveLength(20)

    // The killed export's temp file is removed by the next export; a running export's is kept.
    const leftover = readdirSync(dir).filter((name) => name.endsWith('.partial'))
    expect(leftover).toHaveLength(1)
    const running = join(dir, `.events.jsonl.${process.ppid}-abc.partial`)
    writeFileSync(running, 'still being written')
    await exportEventsToFile(db, join(dir, 'events.jsonl'))
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([
      basename(running),
    ])
  })
})
