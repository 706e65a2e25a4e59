/** Where the better-sqlite3 build for this project's Electron goes, and the versions it is for. */
export function electronNativeBindingPath(projectRoot?: string): {
  electronVersion: string
  sqliteVersion: string
  file: string
}
