// kill -9 at random points (issue 15): export, import, scan and feedback run in a child process
// that is killed after a seeded random delay. After each kill the database passes SQLite's
// integrity check and nothing is lost: the old backup is whole, an import is all or nothing, a
// rescan finds every file once, and no play is left started without its end.
import { spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { exportEventsToFile, importEventsFromFile } from '../../../src/main/events'
import { scanLibrary } from '../../../src/main/library'
import { seededRandom } from '../../../src/shared/random'
import { FIXTURES, tempDir } from '../../helpers/temp'

/** Kills per operation; with four operations, the faults injected. */
export const KILLS_PER_OPERATION = 3
const EVENTS = 60_000
const FILES = 40

let dir: string
let cleanup: () => void
let script: string
const random = seededRandom(15)
/** Kills that landed while the child was still at work, per operation. */
const landedKills: Record<string, number> = {}
const note = (operation: string, landed: boolean): void => {
  landedKills[operation] = (landedKills[operation] ?? 0) + (landed ? 1 : 0)
}

beforeAll(() => {
  const t = tempDir('attune-kill-')
  dir = t.dir
  cleanup = t.cleanup
  script = join(dir, 'cli.mts')
  writeFileSync(
    script,
    `import { main } from ${JSON.stringify(join(process.cwd(), 'src/main/cli/main.ts'))}
     const args = process.argv.slice(2)
     const times = Number(process.env.ATTUNE_REPEAT ?? 1)
     process.stdout.write('started\\n')
     for (let i = 0; i < times; i++) {
       const code = await main(args.map((a) => a.replace('{i}', String(i))))
       if (code !== 0) { process.exitCode = code; break }
     }`,
  )
})

afterAll(() => {
  cleanup()
  process.stdout.write(`kill -9 faults that landed mid-run: ${JSON.stringify(landedKills)}\n`)
})

/**
 * Runs the CLI in a child and kills it (SIGKILL) `delay` ms after it has started; returns whether
 * the kill landed while it was still running.
 */
async function killedRun(args: string[], delay: number, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((done) => child.on('exit', () => done()))
  await new Promise<void>((started) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('started')) started()
    })
    child.on('exit', () => started())
  })
  await new Promise((wait) => setTimeout(wait, delay))
  const landed = child.exitCode === null && child.kill('SIGKILL')
  await exited
  return landed
}

function fillMarks(db: Database, n: number): void {
  db.prepare('INSERT OR IGNORE INTO tracks (path, duration, added_at) VALUES (?, 100, 1)').run(
    '/m/a.mp3',
  )
  const insert = db.prepare(
    `INSERT INTO events (ts, kind, track_id, mark, source) VALUES (?, 'mark', 1, 'like', 'ui')`,
  )
  db.transaction(() => {
    for (let i = 0; i < n; i++) insert.run(i)
  })()
}

const intact = (path: string): string => {
  const db = openDatabase(path)
  try {
    return db.pragma('integrity_check', { simple: true }) as string
  } finally {
    db.close()
  }
}

const delay = (low: number, high: number): number => Math.floor(low + random() * (high - low))

describe('kill -9 at random points', () => {
  it('of an export: the old backup stays whole (or the new one is complete)', async () => {
    const dbPath = join(dir, 'export.db')
    const db = openDatabase(dbPath)
    fillMarks(db, 10)
    const file = join(dir, 'backup.jsonl')
    await exportEventsToFile(db, file)
    const old = readFileSync(file)
    fillMarks(db, EVENTS)
    db.close()
    for (let k = 0; k < KILLS_PER_OPERATION; k++) {
      note('export', await killedRun(['export', file, '--db', dbPath], delay(0, 600)))
      const now = readFileSync(file)
      const check = openDatabase(join(dir, `export-check-${k}.db`))
      const result = await importEventsFromFile(check, file)
      check.close()
      if (now.equals(old)) expect(result.imported).toBe(10)
      else expect(result.imported).toBe(EVENTS + 10)
      expect(intact(dbPath)).toBe('ok')
    }
  })

  it('of an import: all the events or none', async () => {
    const sourcePath = join(dir, 'import-source.db')
    const source = openDatabase(sourcePath)
    fillMarks(source, EVENTS)
    const file = join(dir, 'import.jsonl')
    await exportEventsToFile(source, file)
    source.close()
    for (let k = 0; k < KILLS_PER_OPERATION; k++) {
      const dbPath = join(dir, `import-${k}.db`)
      openDatabase(dbPath).close()
      note('import', await killedRun(['import', file, '--db', dbPath], delay(0, 1500)))
      expect(intact(dbPath)).toBe('ok')
      const db = openDatabase(dbPath)
      const events = db.prepare('SELECT count(*) FROM events').pluck().get()
      db.close()
      expect([0, EVENTS]).toContain(events)
    }
  })

  it('of a scan: the next scan finds every file exactly once', async () => {
    const music = join(dir, 'music')
    for (let i = 0; i < FILES; i++) {
      const album = join(music, `album ${i % 5}`)
      mkdirSync(album, { recursive: true })
      copyFileSync(join(FIXTURES, 'formats/vbr.mp3'), join(album, `${i}.mp3`))
    }
    for (let k = 0; k < KILLS_PER_OPERATION; k++) {
      const dbPath = join(dir, `scan-${k}.db`)
      note('scan', await killedRun(['scan', music, '--db', dbPath], delay(0, 400)))
      expect(intact(dbPath)).toBe('ok')
      const db = openDatabase(dbPath)
      await scanLibrary(db, { roots: [music], coversDir: join(dir, `covers-${k}`) })
      const paths = db.prepare('SELECT path FROM tracks WHERE missing_since IS NULL').pluck().all()
      db.close()
      expect(paths).toHaveLength(FILES)
      expect(new Set(paths).size).toBe(FILES)
    }
  })

  it('of feedback: every play that started has its end', async () => {
    const dbPath = join(dir, 'feedback.db')
    const db = openDatabase(dbPath)
    db.prepare('INSERT INTO tracks (path, duration, added_at) VALUES (?, 100, 1)').run('/m/a.mp3')
    db.close()
    for (let k = 0; k < KILLS_PER_OPERATION; k++) {
      note(
        'feedback',
        await killedRun(['feedback', '1', 'skip@{i}', '--db', dbPath], delay(200, 1500), {
          ATTUNE_REPEAT: '60',
        }),
      )
      expect(intact(dbPath)).toBe('ok')
      const check = openDatabase(dbPath)
      const starts = check
        .prepare(`SELECT count(*) FROM events WHERE kind = 'play_start'`)
        .pluck()
        .get()
      const ends = check
        .prepare(`SELECT count(*) FROM events WHERE kind = 'play_end'`)
        .pluck()
        .get()
      check.close()
      expect(starts).toBe(ends)
    }
  })
})
