// The CLI, the browser host and the workers ship as the JavaScript built into out/main (the test
// run's global setup builds it). These check the build itself: what start-up loads, and that every
// worker the engine starts is there.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../../src/main/db/database'
import { BUILD_DIR, WORKER_NAMES, workerEntry } from '../../../src/main/workers/entries'
import { tempDir } from '../../helpers/temp'

/** Bare module names imported statically (not through `import()`) from a built file, followed through its chunks. */
function staticImports(file: string, seen = new Set<string>()): Set<string> {
  const modules = new Set<string>()
  if (seen.has(file)) return modules
  seen.add(file)
  const code = readFileSync(join(BUILD_DIR, file), 'utf8')
  for (const match of code.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/gm)) {
    const specifier = match[1] ?? ''
    if (specifier.startsWith('./'))
      for (const m of staticImports(specifier.slice(2), seen)) modules.add(m)
    else modules.add(specifier)
  }
  return modules
}

describe('the built CLI', () => {
  it('loads only Node built-ins before a command asks for more', () => {
    const loaded = [...staticImports('cli.js')].filter((m) => !m.startsWith('node:'))
    expect(loaded).toEqual([])
  })

  it('builds the Engine with only SQLite and zod: its heavy parts load when first used', () => {
    const engine = readdirSync(BUILD_DIR).filter(
      (f) =>
        /^engine-.*\.js$/.test(f) &&
        /\b(class Engine|Engine = class)\b/.test(readFileSync(join(BUILD_DIR, f), 'utf8')),
    )
    expect(engine).toHaveLength(1)
    const loaded = [...staticImports(engine[0] ?? '')].filter((m) => !m.startsWith('node:'))
    expect(loaded.sort()).toEqual(['better-sqlite3', 'zod'])
  })

  it('imports tsx nowhere: the shipped code runs as built', () => {
    for (const file of readdirSync(BUILD_DIR).filter((f) => f.endsWith('.js')))
      expect(readFileSync(join(BUILD_DIR, file), 'utf8')).not.toMatch(/["']tsx(\/[^"']*)?["']/)
  })

  it('has every worker the engine starts, beside the CLI and the app', () => {
    for (const name of WORKER_NAMES) expect(existsSync(workerEntry(name))).toBe(true)
    expect(workerEntry('taste')).toBe(join(BUILD_DIR, 'taste-worker.js'))
    expect(existsSync(join(BUILD_DIR, 'cli.js'))).toBe(true)
    expect(existsSync(join(BUILD_DIR, 'index.js'))).toBe(true)
  })

  it('answers `attune stats --json` through bin/attune.js', () => {
    const { dir, cleanup } = tempDir('attune-cli-built-')
    try {
      const db = join(dir, 'library.db')
      openDatabase(db).close()
      const run = spawnSync(process.execPath, ['bin/attune.js', 'stats', '--json', '--db', db], {
        encoding: 'utf8',
      })
      expect(run.status).toBe(0)
      expect(JSON.parse(run.stdout)).toMatchObject({ database: db, tracks: 0 })
    } finally {
      cleanup()
    }
  })
})
