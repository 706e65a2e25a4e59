import type { Database } from '../db/database'
import { createReadStream } from 'node:fs'
import { open, readdir, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import { UserError } from '../../shared/errors'
import { checkUserFile, MAX_BACKUP_FILE_BYTES } from '../files'
import { exportEvents, importEvents, type ImportOptions, type ImportResult } from './jsonl'

/**
 * Writes the log to `target` so that a crash, a kill or a full disk never leaves a cut backup in
 * its place: the events go to a temp file beside it, which is flushed to disk (fsync) and then
 * renamed over the target in one step; the old backup stays whole until that rename.
 */
export async function exportEventsToFile(
  db: Database,
  target: string,
): Promise<{ file: string; events: number }> {
  const existing = await stat(target).catch(() => null)
  if (existing?.isDirectory()) {
    throw new UserError(
      `'${target}' is a folder. Give a file name for the backup, e.g. ${join(target, 'attune-events.jsonl')}`,
    )
  }
  if (existing && !existing.isFile()) {
    throw new UserError(`'${target}' is not an ordinary file; give a file name for the backup.`)
  }
  const folder = dirname(target)
  const folderInfo = await stat(folder).catch(() => null)
  if (!folderInfo?.isDirectory()) {
    throw new UserError(`There is no folder '${folder}' to write the backup into.`, 'file-missing')
  }
  await removeAbandonedTempFiles(folder, basename(target))
  const temp = join(
    folder,
    `.${basename(target)}.${process.pid}-${randomBytes(6).toString('hex')}.partial`,
  )
  let handle
  try {
    handle = await open(temp, 'wx', 0o600)
  } catch (error) {
    throw new UserError(
      `Attune cannot write into '${folder}' (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
    )
  }
  try {
    const fileHandle = handle
    const sink = new Writable({
      highWaterMark: 1 << 20,
      write(chunk: Buffer, _encoding, done) {
        fileHandle.write(chunk).then(
          () => done(),
          (error: Error) => done(error),
        )
      },
    })
    const events = await exportEvents(db, sink)
    await new Promise<void>((ok, fail) =>
      sink.end((error?: Error | null) => (error ? fail(error) : ok())),
    )
    await handle.sync()
    await handle.close()
    handle = null
    await rename(temp, target)
    await syncFolder(folder)
    return { file: target, events }
  } catch (error) {
    await handle?.close().catch(() => undefined)
    await rm(temp, { force: true })
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOSPC') throw new UserError('The disk is full: the backup was not written.')
    throw error
  }
}

/** A temp file this old is abandoned even if a process with its pid runs (pids are reused). */
const ABANDONED_AFTER_MS = 86_400_000

/**
 * Removes the temp files that killed exports of this backup left beside it: those whose process
 * is gone, or that are a day old. A temp file of an export still running is left alone.
 */
async function removeAbandonedTempFiles(folder: string, name: string): Promise<void> {
  const prefix = `.${name}.`
  const names = await readdir(folder).catch(() => [] as string[])
  for (const entry of names) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.partial')) continue
    const pid = Number(/^(\d+)-/.exec(entry.slice(prefix.length))?.[1] ?? Number.NaN)
    const path = join(folder, entry)
    const info = await stat(path).catch(() => null)
    if (!info?.isFile()) continue
    const old = Date.now() - info.mtimeMs > ABANDONED_AFTER_MS
    const writerGone = !Number.isInteger(pid) || (pid !== process.pid && !processRuns(pid))
    if (old || writerGone) await rm(path, { force: true })
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Reads a backup file after checking it is an ordinary file of a sane size. */
export async function importEventsFromFile(
  db: Database,
  file: string,
  options: ImportOptions = {},
): Promise<ImportResult> {
  await checkUserFile(file, 'the backup', MAX_BACKUP_FILE_BYTES)
  return importEvents(db, createReadStream(file), options)
}

/** The rename is durable only once the folder's entry is on disk too (not possible on Windows). */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return
  const dir = await open(folder, 'r').catch(() => null)
  if (!dir) return
  try {
    await dir.sync().catch(() => undefined)
  } finally {
    await dir.close()
  }
}
