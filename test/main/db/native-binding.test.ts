import { describe, expect, it } from 'vitest'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { electronSqliteBinding, sqliteBindingPath } from '../../../src/main/db/native-binding'
import { electronNativeBindingPath } from '../../../scripts/ensure-electron-native.mjs'
import { tempDir } from '../../helpers/temp'

const runtime = { electron: '39.2.4', platform: 'linux', arch: 'x64' }

describe('the better-sqlite3 binary for Electron', () => {
  it('lives in a cache folder named for better-sqlite3, Electron, platform and architecture', () => {
    expect(sqliteBindingPath('/app', '12.4.1', runtime)).toBe(
      '/app/.cache/electron-native/better-sqlite3-12.4.1-electron-39.2.4-linux-x64/better_sqlite3.node',
    )
  })

  it('is looked for where scripts/ensure-electron-native.mjs builds it', () => {
    const root = process.cwd()
    const built = electronNativeBindingPath(root)
    expect(
      sqliteBindingPath(root, built.sqliteVersion, {
        electron: built.electronVersion,
        platform: process.platform,
        arch: process.arch,
      }),
    ).toBe(built.file)
  })

  it('is used only once it has been built', () => {
    const temp = tempDir()
    try {
      // An app folder whose better-sqlite3 is the one installed here.
      writeFileSync(join(temp.dir, 'package.json'), '{}')
      mkdirSync(join(temp.dir, 'node_modules'))
      const version = electronNativeBindingPath(process.cwd()).sqliteVersion
      mkdirSync(join(temp.dir, 'node_modules/better-sqlite3'))
      writeFileSync(
        join(temp.dir, 'node_modules/better-sqlite3/package.json'),
        JSON.stringify({ name: 'better-sqlite3', version }),
      )
      expect(electronSqliteBinding(temp.dir, runtime)).toBeUndefined()
      const file = sqliteBindingPath(temp.dir, version, runtime)
      mkdirSync(join(file, '..'), { recursive: true })
      writeFileSync(file, '')
      expect(electronSqliteBinding(temp.dir, runtime)).toBe(file)
    } finally {
      temp.cleanup()
    }
  })
})
