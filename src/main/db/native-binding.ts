import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

/** The runtime a better-sqlite3 binary is built for. */
export interface NativeRuntime {
  electron: string
  platform: string
  arch: string
}

/**
 * Where scripts/ensure-electron-native.mjs puts better-sqlite3 `sqliteVersion` built for
 * `runtime` under the app folder `appRoot` (the key must match the script's).
 */
export function sqliteBindingPath(
  appRoot: string,
  sqliteVersion: string,
  runtime: NativeRuntime,
): string {
  const key = `better-sqlite3-${sqliteVersion}-electron-${runtime.electron}-${runtime.platform}-${runtime.arch}`
  return join(appRoot, '.cache/electron-native', key, 'better_sqlite3.node')
}

/**
 * The better-sqlite3 binary built for this Electron's ABI, or undefined when there is none. Node
 * keeps its own build in node_modules, so the CLI and tests never see this one, and neither build
 * overwrites the other.
 */
export function electronSqliteBinding(appRoot: string, runtime: NativeRuntime): string | undefined {
  const require = createRequire(join(appRoot, 'package.json'))
  const sqliteVersion = (require('better-sqlite3/package.json') as { version: string }).version
  const file = sqliteBindingPath(appRoot, sqliteVersion, runtime)
  return existsSync(file) ? file : undefined
}
