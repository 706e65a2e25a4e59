import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Where scripts/ensure-electron-native.mjs put better-sqlite3 built for this Electron's ABI
 * (the key must match the script's). Node keeps its own build in node_modules, so the CLI and
 * tests never see this one, and neither build overwrites the other.
 */
export function electronSqliteBinding(appRoot: string): string | undefined {
  const require = createRequire(join(appRoot, 'package.json'))
  const sqliteVersion = (require('better-sqlite3/package.json') as { version: string }).version
  const key = `better-sqlite3-${sqliteVersion}-electron-${process.versions.electron}-${process.platform}-${process.arch}`
  const file = join(appRoot, '.cache/electron-native', key, 'better_sqlite3.node')
  return existsSync(file) ? file : undefined
}
