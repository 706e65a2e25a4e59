// Starting with missing pieces (issue 15): an unplugged library folder, a first run with no folder
// yet, a read-only database and a database another writer holds.
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine } from '../../src/main/engine'
import { openDatabase } from '../../src/main/db/database'
import { main } from '../../src/main/cli/main'
import { memoryIo } from '../helpers/io'
import { FIXTURES, tempDir } from '../helpers/temp'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function box(): string {
  const { dir, cleanup } = tempDir('attune-start-')
  cleanups.push(cleanup)
  return realpathSync(dir)
}

/** A library folder with two songs, scanned into `dbPath`. */
async function scannedLibrary(dir: string): Promise<{ music: string; dbPath: string }> {
  const music = join(dir, 'usb', 'music')
  mkdirSync(music, { recursive: true })
  copyFileSync(join(FIXTURES, 'formats/vorbis.ogg'), join(music, 'a.ogg'))
  copyFileSync(join(FIXTURES, 'formats/vbr.mp3'), join(music, 'b.mp3'))
  const dbPath = join(dir, 'library.db')
  const { io } = memoryIo()
  expect(await main(['scan', music, '--db', dbPath], io)).toBe(0)
  return { music, dbPath }
}

const waitFor = async (check: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 300; i++) {
    if (check()) return
    await new Promise((wait) => setTimeout(wait, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('an unplugged library folder', () => {
  it('does not stop the engine from starting; the folder shows offline and its songs are kept as missing', async () => {
    const dir = box()
    const { music, dbPath } = await scannedLibrary(dir)
    rmSync(join(dir, 'usb'), { recursive: true })

    const engine = new Engine({ dbPath, watch: true })
    cleanups.push(() => engine.close())
    const status = await engine.handlers.getStatus({})
    expect(status.roots).toEqual([expect.objectContaining({ path: music, offline: true })])
    const summary = await engine.scan()
    expect(summary.failed[0]?.error).toMatch(/not there now/)
    expect(engine.handlers.getStatus({})).toMatchObject({ tracks: 0, missing: 2 })
    expect(engine.tracks.getTrackByPath(join(music, 'a.ogg'))?.missingSince).not.toBeNull()
  })

  it('does not stop `attune serve`, even when named with --library', async () => {
    const dir = box()
    const { music, dbPath } = await scannedLibrary(dir)
    rmSync(join(dir, 'usb'), { recursive: true })
    const staticDir = join(dir, 'renderer')
    mkdirSync(staticDir)
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Attune</title>')
    const script = join(dir, 'serve.mts')
    writeFileSync(
      script,
      `import { main } from ${JSON.stringify(join(process.cwd(), 'src/main/cli/main.ts'))}
       process.exitCode = await main(${JSON.stringify(['serve', '--json', '--db', dbPath, '--static-dir', staticDir, '--library', music])})`,
    )
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: process.cwd() })
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
    cleanups.push(async () => {
      child.kill('SIGTERM')
      await exited
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    await waitFor(() => out.includes('"url"') || child.exitCode !== null, 'the host to start')
    expect(child.exitCode).toBe(null)
    expect(err).toMatch(/is not there now/)
    const { url, token } = JSON.parse(out) as { url: string; token: string }
    const response = await fetch(new URL('/api/getStatus', url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    })
    const { result } = (await response.json()) as {
      result: { tracks: number; missing: number; roots: unknown[] }
    }
    expect(result.tracks + result.missing).toBe(2)
    expect(result.roots).toEqual([expect.objectContaining({ path: music, offline: true })])
  })
})

describe('a first run', () => {
  it('starts watching with the first folder added, so new songs appear without a restart', async () => {
    const dir = box()
    const music = join(dir, 'music')
    mkdirSync(music)
    const engine = new Engine({ dbPath: join(dir, 'library.db'), watch: true })
    cleanups.push(() => engine.close())
    await engine.handlers.addRoot({ path: music })
    // The watcher needs a moment to list the (empty) folder before it reports new files.
    await new Promise((wait) => setTimeout(wait, 500))
    copyFileSync(join(FIXTURES, 'formats/vorbis.ogg'), join(music, 'new.ogg'))
    await waitFor(() => engine.tracks.stats().tracks === 1, 'the new song')
    expect(engine.tracks.getTrackByPath(join(music, 'new.ogg'))).not.toBeNull()
  })
})

describe('a database Attune cannot write', () => {
  const runAsNobody = process.getuid?.() === 0

  it('opens for reading with a clear note, and refuses writes in words', async () => {
    const dir = box()
    const { dbPath } = await scannedLibrary(dir)
    // The database's folder is read-only to the user running Attune (root: run as nobody).
    const script = join(dir, 'cli.mts')
    writeFileSync(
      script,
      `import { main } from ${JSON.stringify(join(process.cwd(), 'src/main/cli/main.ts'))}
       process.exitCode = await main(process.argv.slice(2))`,
    )
    chmodSync(script, 0o644)
    chmodSync(dir, 0o755)
    if (!runAsNobody) chmodSync(dir, 0o555)
    cleanups.push(() => chmodSync(dir, 0o755))
    const run = (...args: string[]) =>
      runAsNobody
        ? spawnSync(
            'setpriv',
            [
              '--reuid=65534',
              '--regid=65534',
              '--clear-groups',
              process.execPath,
              '--import',
              'tsx',
              script,
              ...args,
            ],
            { cwd: process.cwd(), encoding: 'utf8', env: { ...process.env, HOME: '/tmp' } },
          )
        : spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
            cwd: process.cwd(),
            encoding: 'utf8',
          })
    const stats = run('stats', '--json', '--db', dbPath)
    expect(stats.stderr).toMatch(/cannot be written.*opened it for reading only/)
    expect(stats.status).toBe(0)
    expect(JSON.parse(stats.stdout)).toMatchObject({ tracks: 2 })
    const feedback = run('feedback', '1', 'love', '--db', dbPath)
    expect(feedback.status).toBe(1)
    expect(feedback.stderr).toMatch(/open for reading only, so nothing was saved/)
  })
})

describe('a database another writer holds', () => {
  it('makes `scan` exit non-zero and say what to do', async () => {
    const dir = box()
    const { music, dbPath } = await scannedLibrary(dir)
    copyFileSync(join(FIXTURES, 'formats/cd.flac'), join(music, 'c.flac'))
    const holder = openDatabase(dbPath)
    holder.prepare('BEGIN IMMEDIATE').run()
    cleanups.push(() => {
      holder.prepare('ROLLBACK').run()
      holder.close()
    })
    const { io, err } = memoryIo()
    expect(await main(['scan', '--db', dbPath], io)).toBe(1)
    expect(err()).toMatch(/another Attune .* is writing to it\. Close it, or wait/)
  })
})
