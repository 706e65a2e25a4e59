import { electronSqliteBinding as bindingFor } from '../engine'

/** The SQLite binding built for this Electron (see db/native-binding.ts), if there is one. */
export function electronSqliteBinding(appRoot: string): string | undefined {
  const electron = process.versions.electron
  if (electron === undefined) return undefined
  return bindingFor(appRoot, { electron, platform: process.platform, arch: process.arch })
}
