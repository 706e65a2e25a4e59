import { realpath, stat as statAsync } from 'node:fs/promises'
import { basename, sep } from 'node:path'
import type { Database } from '../db/database'
import { watch, type FSWatcher } from 'chokidar'
import { isAudioCandidate } from './sniff'
import { LibraryWriter, pathIsGone } from './library-writer'
import { TrackStore } from './track-store'
import { insideAny } from './scanner'
import { errorCode, isFolder } from './library-folder'

export interface WatchOptions {
  /** Folders to watch; default: every library folder. */
  roots?: readonly string[]
  coversDir: string
  /** Called after each batch of changes has been written. */
  onChange?: (change: LibraryChange) => void
  /** Called when watching or applying a batch fails; the watcher keeps going. */
  onError?: (error: Error) => void
  /** Changes are gathered this long after the last one, then applied together (default 500 ms). */
  debounceMs?: number
  /** Poll the file system instead of using native events (network drives, some containers). */
  usePolling?: boolean
}

/** What one batch of file-system changes did to the library. */
export interface LibraryChange {
  added: number
  updated: number
  moved: number
  missing: number
  restored: number
  failed: { path: string; error: string }[]
  /** Paths looked at in this batch. */
  paths: string[]
}

export interface LibraryWatcher {
  /** Resolves once the initial listing is done and changes are being watched. */
  readonly ready: Promise<void>
  /** Applies pending changes now instead of waiting for the debounce (tests, shutdown). */
  flush(): Promise<void>
  close(): Promise<void>
}

/**
 * Keeps the library in step with its folders while the engine runs: added and changed files are read,
 * removed ones marked missing, and a remove + add of the same content (a move or rename) keeps the track.
 * Changes are debounced and applied in batches with the scanner's single-file logic.
 */
export function watchLibrary(db: Database, options: WatchOptions): LibraryWatcher {
  const store = new TrackStore(db)
  // Folders already in the library are taken as they are (a folder added before the refused-folder
  // rules keeps working); new ones go through addRoot's checks. A folder that is not there now (an
  // unplugged drive) is not watched: its tracks stay, and a later scan finds it again.
  const roots = (options.roots ?? store.listRoots().map((r) => r.path))
    .map((path) => store.getRootByPath(path) ?? store.addRoot(path))
    .filter((root) => isFolder(root.path))
  const rootPaths = roots.map((root) => root.path)
  const writer = new LibraryWriter(db, options.coversDir)
  const debounceMs = options.debounceMs ?? 500
  const reportError = (error: unknown): void => {
    const wrapped = error instanceof Error ? error : new Error(String(error))
    if (options.onError) options.onError(wrapped)
    else console.warn('Attune: library watcher:', wrapped.message)
  }

  let changed = new Set<string>()
  let removed = new Set<string>()
  let removedDirs = new Set<string>()
  let timer: NodeJS.Timeout | null = null
  let running: Promise<void> = Promise.resolve()
  let closed = false

  const rootFor = (path: string): number | null => {
    let best: { id: number; length: number } | null = null
    for (const root of roots) {
      const prefix = root.path.endsWith(sep) ? root.path : root.path + sep
      if (path.startsWith(prefix) && (!best || prefix.length > best.length))
        best = { id: root.id, length: prefix.length }
    }
    return best?.id ?? null
  }

  const applyBatch = async (): Promise<void> => {
    const batchChanged = changed
    const batchRemoved = removed
    const batchRemovedDirs = removedDirs
    changed = new Set()
    removed = new Set()
    removedDirs = new Set()
    if (batchChanged.size === 0 && batchRemoved.size === 0 && batchRemovedDirs.size === 0) return

    writer.beginSession()
    const change: LibraryChange = {
      added: 0,
      updated: 0,
      moved: 0,
      missing: 0,
      restored: 0,
      failed: [],
      paths: [],
    }
    // Paths removed in this batch, plus the tracks under removed folders: candidates to become missing.
    const gone = new Set<string>()
    for (const path of batchRemoved) if (!batchChanged.has(path) && pathIsGone(path)) gone.add(path)
    for (const dir of batchRemovedDirs) {
      for (const path of store.pathsUnder(dir))
        if (!batchChanged.has(path) && pathIsGone(path)) gone.add(path)
    }
    const findMoveSources = writer.moveSourcesFromDatabase(
      (oldPath) => gone.has(oldPath) || pathIsGone(oldPath),
    )

    for (const path of batchChanged) {
      change.paths.push(path)
      try {
        const stat = await statAsync(path)
        if (!stat.isFile()) continue
        // As in the scanner: a file reached through a link leading outside the library is not
        // indexed (the media route would refuse it).
        if (!insideAny(rootPaths, await realpath(path))) continue
        const outcome = await writer.processFile(
          path,
          stat,
          rootFor(path),
          writer.knownTrack(path),
          findMoveSources,
        )
        switch (outcome.kind) {
          case 'gone':
            gone.add(path)
            break
          case 'restored':
            change.restored++
            break
          case 'added':
            change.added++
            break
          case 'updated':
            change.updated++
            break
          case 'moved':
            change.moved++
            if (outcome.movedFrom !== undefined) gone.delete(outcome.movedFrom)
            break
          case 'unchanged':
            break
        }
        if (outcome.kind !== 'gone' && outcome.error !== null)
          change.failed.push({ path, error: outcome.error })
      } catch (error) {
        if (errorCode(error) === 'ENOENT') gone.add(path)
        else
          change.failed.push({
            path,
            error: error instanceof Error ? error.message : String(error),
          })
      }
    }
    const now = Date.now()
    for (const path of gone) {
      change.paths.push(path)
      const track = writer.knownTrack(path)
      if (!track || track.missingSince !== null || writer.isClaimed(track.id)) continue
      writer.markMissing(track.id, now)
      change.missing++
    }
    writer.shareAlbumArt()
    writer.flush()
    options.onChange?.(change)
  }

  const runBatch = (): Promise<void> => {
    if (timer) {
      clearTimeout(timer)
      timer = null
    }
    running = running.then(applyBatch).catch(reportError)
    return running
  }

  const schedule = (): void => {
    if (closed) return
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => void runBatch(), debounceMs)
  }

  const watcher: FSWatcher = watch(rootPaths, {
    ignoreInitial: true,
    // chokidar has no loop guard: two symlink loops grew the host by ~40 MB/s. Linked folders are
    // still scanned (the scanner visits each real folder once); the watcher sees real files only.
    followSymlinks: false,
    usePolling: options.usePolling ?? false,
    interval: 200,
    // Wait until a file stops growing (a copy in progress) before reading it.
    awaitWriteFinish: {
      stabilityThreshold: Math.min(400, Math.max(50, debounceMs / 2)),
      pollInterval: 50,
    },
    ignored: (path, stats) => {
      const name = basename(path)
      if (name.startsWith('.')) return true
      return stats?.isFile() === true && !isAudioCandidate(name)
    },
  })
  const onPath =
    (handler: (path: string) => void) =>
    (path: string | Error): void => {
      if (typeof path === 'string') handler(path)
    }
  const onFileChanged = onPath((path) => {
    if (!isAudioCandidate(path)) return
    changed.add(path)
    schedule()
  })
  watcher.on('add', onFileChanged)
  watcher.on('change', onFileChanged)
  watcher.on(
    'unlink',
    onPath((path) => {
      if (!isAudioCandidate(path)) return
      removed.add(path)
      changed.delete(path)
      schedule()
    }),
  )
  watcher.on(
    'unlinkDir',
    onPath((path) => {
      removedDirs.add(path)
      schedule()
    }),
  )
  watcher.on('error', reportError)

  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()))

  return {
    ready,
    flush: runBatch,
    async close() {
      closed = true
      if (timer) clearTimeout(timer)
      timer = null
      await watcher.close()
      await running
    },
  }
}
