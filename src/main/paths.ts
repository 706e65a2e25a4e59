import { homedir } from 'node:os'
import { join } from 'node:path'
import { existsSync } from 'node:fs'

export const APP_NAME = 'Attune'

/**
 * The per-user app data folder, the same one Electron's `app.getPath('userData')` gives for an app
 * whose productName is Attune, so the CLI, the browser host and the desktop app share one library.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ATTUNE_DATA_DIR) return env.ATTUNE_DATA_DIR
  switch (process.platform) {
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME)
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', APP_NAME)
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME)
  }
}

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultDataDir(env), 'library.db')
}

/** Cover images live beside the database: `library.db` keeps them in `library-covers/`. */
export function coversDirFor(dbPath: string): string {
  return dbPath.replace(/\.(db|sqlite3?)$/i, '') + '-covers'
}

/** The OS Music folder, when it exists: the default library root. */
export function defaultMusicDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env.XDG_MUSIC_DIR, join(homedir(), 'Music')].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  )
  return candidates.find((p) => existsSync(p)) ?? null
}
