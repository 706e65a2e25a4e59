import { accessSync, constants, readdirSync, realpathSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { resolve, sep, win32 } from 'node:path'
import { UserError } from '../../shared/errors'

// Which folders may be library folders, in words a listener understands when one is refused.

export class LibraryFolderError extends UserError {
  override name = 'LibraryFolderError'
}

/** Folders that hold the system, never music: refused with everything under them. */
const SYSTEM_TREES = [
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/boot',
  '/run',
  '/var/lib',
  '/var/log',
  '/var/cache',
  '/var/run',
  '/private/etc',
  '/System',
  '/Library',
]
/** Folders refused themselves (their subfolders may hold music: /mnt/usb, /var/music). */
const SYSTEM_FOLDERS = [
  '/',
  '/var',
  '/home',
  '/Users',
  '/private',
  '/mnt',
  '/media',
  '/opt',
  '/srv',
]
const WINDOWS_TREES = ['windows', 'program files', 'program files (x86)', 'programdata']

/**
 * Why `real` (a real path) may not be a library folder, or null. The root of a disk, system
 * folders (scanning /proc or /dev never ends), and the whole home folder or a folder holding it
 * unless `confirmHome`: watching all of it costs memory and CPU for files that are not music.
 */
export function refusedLibraryFolder(real: string, confirmHome = false): string | null {
  const under = (path: string, tree: string): boolean =>
    path === tree || path.startsWith(tree.endsWith(sep) ? tree : tree + sep)
  if (/^[a-zA-Z]:[\\/]?$/.test(real) || real === sep) {
    return `${real} is the whole disk. Choose the folder that holds your music.`
  }
  if (/^[a-zA-Z]:[\\/]/.test(real)) {
    const top = win32.normalize(real).split('\\')[1]?.toLowerCase()
    if (top && WINDOWS_TREES.includes(top)) {
      return `${real} is a Windows system folder. Choose the folder that holds your music.`
    }
  } else if (SYSTEM_FOLDERS.includes(real) || SYSTEM_TREES.some((tree) => under(real, tree))) {
    return `${real} is a system folder, not a music folder. Choose the folder that holds your music.`
  }
  if (!confirmHome) {
    let home: string | null = null
    try {
      home = realpathSync(homedir())
    } catch {
      home = null
    }
    if (home && under(home, real)) {
      return `${real} holds your whole home folder: Attune would watch every file in it. Choose your music folder, or confirm that you want all of it.`
    }
  }
  return null
}

/** True when `path` is a folder that is there now. */
export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** The `code` of a Node file-system error (ENOENT, EACCES, …), if it has one. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String(error.code)
    : undefined
}

/**
 * Checks that `path` is a folder Attune can list and may watch (not a system folder, not the whole
 * home unless `confirmHome`), and returns its real path (symlinks resolved).
 */
export function resolveLibraryFolder(path: string, confirmHome = false): string {
  const absolute = resolve(path)
  let real: string
  try {
    real = realpathSync(absolute)
  } catch (error) {
    if (errorCode(error) === 'ENOENT')
      throw new LibraryFolderError(`The folder ${absolute} does not exist.`, 'file-missing')
    throw new LibraryFolderError(`Attune cannot open ${absolute}: ${describeAccess(error)}`)
  }
  if (!statSync(real).isDirectory())
    throw new LibraryFolderError(`${absolute} is a file, not a folder.`)
  const refused = refusedLibraryFolder(real, confirmHome)
  if (refused) throw new LibraryFolderError(refused)
  try {
    accessSync(real, constants.R_OK | constants.X_OK)
    readdirSync(real)
  } catch (error) {
    throw new LibraryFolderError(
      `Attune cannot read the folder ${absolute}: ${describeAccess(error)}`,
    )
  }
  return real
}

function describeAccess(error: unknown): string {
  switch (errorCode(error)) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied.'
    case 'ENOTDIR':
      return 'part of the path is not a folder.'
    case 'ELOOP':
      return 'the path loops through symbolic links.'
    default:
      return error instanceof Error ? error.message : String(error)
  }
}
