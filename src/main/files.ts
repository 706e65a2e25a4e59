import { open, stat } from 'node:fs/promises'
import { UserError } from '../shared/errors'

/** Label lists and playlists: a few thousand lines, far below this. */
export const MAX_LIST_FILE_BYTES = 16 * 1024 * 1024
/** A backup of the listening log: ~70 bytes an event, so millions of events fit. */
export const MAX_BACKUP_FILE_BYTES = 1024 * 1024 * 1024

/**
 * Checks that `path` names a regular file no bigger than `maxBytes` before anything reads it, so a
 * folder, a device (/dev/zero), a pipe or a huge file gets words instead of a frozen app.
 * `what` names the file for the listener ("the playlist", "the backup").
 */
export async function checkUserFile(path: string, what: string, maxBytes: number): Promise<number> {
  let info
  try {
    info = await stat(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new UserError(`There is no file '${path}'.`, 'file-missing')
    if (code === 'EACCES' || code === 'EPERM')
      throw new UserError(`Attune may not read '${path}' (permission denied).`, 'unreadable')
    throw new UserError(`'${path}' cannot be read (${code ?? 'unknown error'}).`, 'unreadable')
  }
  if (info.isDirectory()) throw new UserError(`'${path}' is a folder; give ${what} file itself.`)
  if (!info.isFile()) {
    throw new UserError(
      `'${path}' is not an ordinary file (a device or a pipe); give ${what} file.`,
    )
  }
  if (info.size > maxBytes) {
    throw new UserError(
      `'${path}' is ${formatBytes(info.size)}, too big for ${what} (at most ${formatBytes(maxBytes)}).`,
    )
  }
  return info.size
}

/**
 * Reads a small user file whole, asynchronously, after `checkUserFile`; reads at most `maxBytes`
 * even if the file grows in between.
 */
export async function readUserFile(path: string, what: string, maxBytes: number): Promise<Buffer> {
  await checkUserFile(path, what, maxBytes)
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(maxBytes + 1)
    let length = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null)
      if (bytesRead === 0) break
      length += bytesRead
      if (length > maxBytes) {
        throw new UserError(`'${path}' grew past ${formatBytes(maxBytes)} while being read.`)
      }
    }
    return buffer.subarray(0, length)
  } finally {
    await handle.close()
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${bytes} bytes`
}
