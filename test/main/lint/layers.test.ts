import { join } from 'node:path'
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'

// The engine's layers in eslint.config.js, run through ESLint's Node API on snippets placed (by
// path) where they would live; nothing is written to disk, so type-checked rules are off.
const root = join(import.meta.dirname, '..', '..', '..')
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked })

async function problems(imports: string[], file: string): Promise<string[]> {
  const code =
    imports.map((from, i) => `import * as m${i} from '${from}'\n`).join('') +
    `export const all = [${imports.map((_, i) => `m${i}`).join(', ')}]\n`
  const [result] = await eslint.lintText(code, { filePath: join(root, file) })
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`)
}

describe("lint: the engine's layers (no import runs upward)", () => {
  it('db imports nothing of the engine', async () => {
    expect(await problems(['../library/scanner'], 'src/main/db/new-thing.ts')).toEqual([
      expect.stringMatching(/no-restricted-imports: .*db may import only src\/shared, not library/),
    ])
    expect(await problems(['../../shared/domain', './tracks'], 'src/main/db/new-thing.ts')).toEqual(
      [],
    )
  })

  it('a domain imports the layers below it, not above or beside it', async () => {
    expect(
      await problems(
        ['../db/tracks', '../media-formats', '../workers/rpc', '../files'],
        'src/main/library/new-thing.ts',
      ),
    ).toEqual([])
    expect(await problems(['../taste/service'], 'src/main/analysis/new-thing.ts')).toHaveLength(1)
    expect(await problems(['../analysis/pool'], 'src/main/library/new-thing.ts')).toHaveLength(1)
    expect(
      await problems(
        ['../../db/tracks', '../../queue/rerank'],
        'src/main/library/tag-readers/new-thing.ts',
      ),
    ).toEqual([expect.stringContaining('library may import only')])
  })

  it('taste imports the domains under it; queue and insights import taste; nothing imports the engine', async () => {
    expect(
      await problems(
        ['../analysis/feature-names', '../library/sniff', '../db/events', './insights'],
        'src/main/taste/new-thing.ts',
      ),
    ).toEqual([])
    expect(await problems(['../queue/auto-queue'], 'src/main/taste/new-thing.ts')).toHaveLength(1)
    expect(await problems(['../insights/evaluation'], 'src/main/taste/new-thing.ts')).toHaveLength(
      1,
    )
    expect(
      await problems(['../taste/linucb', '../insights/evaluation'], 'src/main/queue/new-thing.ts'),
    ).toEqual([])
    expect(await problems(['../taste/preprocess'], 'src/main/insights/new-thing.ts')).toEqual([])
    expect(await problems(['../engine'], 'src/main/queue/new-thing.ts')).toHaveLength(1)
    expect(await problems(['../workers/taste.worker'], 'src/main/taste/new-thing.ts')).toHaveLength(
      1,
    )
  })

  it('playlists read the library and list files; only the engine imports them', async () => {
    expect(
      await problems(
        ['../db/playlists', '../library/sniff', '../taste/label-files', '../files'],
        'src/main/playlists/new-thing.ts',
      ),
    ).toEqual([])
    expect(await problems(['../queue/radio'], 'src/main/playlists/new-thing.ts')).toHaveLength(1)
    expect(await problems(['../playlists/service'], 'src/main/queue/new-thing.ts')).toHaveLength(1)
    expect(await problems(['./playlists/service'], 'src/main/engine.ts')).toEqual([])
  })

  it('the front ends import the engine, the media route and src/shared only', async () => {
    expect(
      await problems(
        [
          '../../engine',
          '../../engine-defaults',
          '../output',
          '../../../shared/contract',
          '../../http/server',
        ],
        'src/main/cli/commands/new-thing.ts',
      ),
    ).toEqual([])
    expect(
      await problems(['../../taste/service'], 'src/main/cli/commands/new-thing.ts'),
    ).toHaveLength(1)
    // The command line reaches even the media route and the plumbing only through the engine.
    for (const inside of [
      '../../media',
      '../../paths',
      '../../workers/entries',
      '../../db/database',
    ]) {
      expect(await problems([inside], 'src/main/cli/commands/new-thing.ts')).toEqual([
        expect.stringContaining('command line may import only src/shared, engine, browser host'),
      ])
    }
    expect(await problems(['../db/database'], 'src/main/cli/main.ts')).toHaveLength(1)
    expect(await problems(['../db/database'], 'src/main/http/new-thing.ts')).toHaveLength(1)
    expect(
      await problems(
        ['../engine', '../media/app-files', 'electron'],
        'src/main/electron/new-thing.ts',
      ),
    ).toEqual([])
    expect(await problems(['../library/scanner'], 'src/main/electron/new-thing.ts')).toHaveLength(1)
  })

  it('the engine root imports every layer but no front end', async () => {
    expect(
      await problems(
        ['./db/tracks', './queue/rerank', './taste/service', './media'],
        'src/main/engine.ts',
      ),
    ).toEqual([])
    expect(await problems(['./cli/output'], 'src/main/engine.ts')).toHaveLength(1)
  })

  it('the layers keep the electron rule and the SQL rule alongside', async () => {
    const found = await problems(
      ['electron', 'better-sqlite3', '../insights/evaluation'],
      'src/main/taste/new-thing.ts',
    )
    expect(found).toEqual([
      expect.stringContaining("no-restricted-imports: 'electron'"),
      expect.stringContaining('@typescript-eslint/no-restricted-imports'),
      expect.stringContaining('taste may import only'),
    ])
  })

  it('refuses an upward import() as it refuses a static one', async () => {
    const code = `export const load = () => import('../../taste/service')\n`
    const [result] = await eslint.lintText(code, {
      filePath: join(root, 'src/main/cli/commands/new-thing.ts'),
    })
    expect(result?.messages.map((m) => `${m.ruleId}: ${m.message}`)).toEqual([
      expect.stringContaining(
        "no-restricted-syntax: The engine's layers (CONTRIBUTING.md): command line may import only",
      ),
    ])
    const allowed = `export const load = () => import('../../engine')\n`
    const [ok] = await eslint.lintText(allowed, {
      filePath: join(root, 'src/main/cli/commands/new-thing.ts'),
    })
    expect(ok?.messages).toEqual([])
  })
})
