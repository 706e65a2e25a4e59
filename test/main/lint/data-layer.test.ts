import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'

// The real eslint.config.js, run through ESLint's Node API on snippets placed (by path) in the
// folders they would live in. Nothing is written to disk, so the type-checked rules (which need the
// file in a tsconfig program) are switched off; the import and syntax rules under test need no types.
const root = join(import.meta.dirname, '..', '..', '..')
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked })

async function ruleIds(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) })
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`)
}

describe('lint: only src/main/db/ imports better-sqlite3 or runs SQL', () => {
  it('refuses a new engine file outside db/ that imports better-sqlite3', async () => {
    const code = `import Database from 'better-sqlite3'\nexport const open = (f: string) => new Database(f)\n`
    expect(await ruleIds(code, 'src/main/library/new-thing.ts')).toContain(
      '@typescript-eslint/no-restricted-imports',
    )
    expect(await ruleIds(code, 'src/main/db/new-thing.ts')).toEqual([])
  })

  it('refuses prepare, pragma, transaction and SQL exec outside db/', async () => {
    const code = [
      `import type { Db } from '../db/database'`,
      `export function count(db: Db): number {`,
      `  db.pragma('journal_mode = WAL')`,
      `  db.exec('CREATE TEMP TABLE t (x)')`,
      `  db.transaction(() => undefined)()`,
      `  return (db.prepare('SELECT count(*) AS n FROM tracks').get() as { n: number }).n`,
      `}`,
      ``,
    ].join('\n')
    const outside = await ruleIds(code, 'src/main/queue/new-thing.ts')
    expect(outside.filter((id) => id === 'no-restricted-syntax')).toHaveLength(4)
    expect(
      await ruleIds(code.replace('../db/database', './database'), 'src/main/db/new-thing.ts'),
    ).toEqual([])
  })

  it('leaves RegExp#exec alone', async () => {
    const code = [
      `const pattern = /^skip@(\\d+)$/`,
      `export const a = (s: string) => /^(\\d+)-/.exec(s)?.[1]`,
      `export const b = (s: string) => pattern.exec(s)?.[1]`,
      ``,
    ].join('\n')
    expect(await ruleIds(code, 'src/main/taste/new-thing.ts')).toEqual([])
  })

  it('keeps the electron rule where the SQL rule also applies', async () => {
    const code = `import Database from 'better-sqlite3'\nimport { app } from 'electron'\nexport const x = [Database, app]\n`
    const ids = await ruleIds(code, 'src/main/analysis/new-thing.ts')
    expect(ids).toContain('no-restricted-imports')
    expect(ids).toContain('@typescript-eslint/no-restricted-imports')
  })

  it('keeps the renderer and shared rules where the SQL rule also applies', async () => {
    const code = `import Database from 'better-sqlite3'\nimport { readFileSync } from 'node:fs'\nexport const x = [Database, readFileSync]\n`
    for (const file of ['src/renderer/src/new-thing.ts', 'src/shared/new-thing.ts']) {
      const ids = await ruleIds(code, file)
      expect(ids, file).toContain('no-restricted-imports')
      expect(ids, file).toContain('@typescript-eslint/no-restricted-imports')
    }
  })

  it('the allow-list names only files that still hold SQL (it shrinks to nothing as SQL moves to db/)', async () => {
    const config = pathToFileURL(join(root, 'eslint.config.js')).href
    const { sqlAllowList } = (await import(config)) as { sqlAllowList: string[] }
    const gone: string[] = []
    const clean: string[] = []
    for (const file of sqlAllowList) {
      if (!existsSync(join(root, file))) {
        gone.push(file)
        continue
      }
      // The same text under a name the allow-list does not cover must break the rule, or the file
      // no longer needs its place on the list.
      const probe = file.replace(/([^/]+)$/, 'probe-$1')
      const ids = await ruleIds(readFileSync(join(root, file), 'utf8'), probe)
      if (!ids.some((id) => id === 'no-restricted-syntax' || id.startsWith('@typescript'))) {
        clean.push(file)
      }
    }
    expect(gone, 'gone from the tree: take them off the allow-list').toEqual([])
    expect(clean, 'hold no SQL now: take them off the allow-list').toEqual([])
  })
})
