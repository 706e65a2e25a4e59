import { realpath, stat as statAsync, readdir } from 'node:fs/promises'
import { readdirSync, statSync, type Stats } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, sep } from 'node:path'
import type { Database } from '../db/database'
import { TrackWriteRepository } from '../db/track-writes'
import type { ScanPhase, ScanProgress, ScanSummary } from '../../shared/domain'
import { BlockingIoGuard } from './file-reader'
import { isAudioCandidate } from './sniff'
import { ReadPool } from './read-pool'
import {
  LibraryWriter,
  pathIsGone,
  type KnownTrack,
  type MoveSource,
  type MoveSourceFinder,
} from './library-writer'
import { pathRangeUnder } from '../db/tracks'
import { TrackStore } from './track-store'
import { errorCode } from './library-folder'

export interface ScanOptions {
  /** Folders to scan; each is added as a library folder if it is not one yet. Default: every library folder. */
  roots?: readonly string[]
  /** Where cover images are stored (see coversDirFor in src/main/paths.ts). */
  coversDir: string
  onProgress?: (progress: ScanProgress) => void
  signal?: AbortSignal
  /** Files read at once (default 16): enough to keep the disk and the thread pool busy. */
  concurrency?: number
  /**
   * Worker threads that read files and parse tags (0: everything in the calling thread). By default one
   * per core beyond the first two, started only when many files are new. On 2 shared cores a worker costs
   * more CPU (start-up, messages, its own module loading) than it saves: with the tag fast path and
   * blocking reads this thread scans ~2,000 files per CPU-second, a worker setup ~1,600 (bench/scan.ts).
   */
  workers?: number
  /**
   * Read the tags of FLAC, Ogg and MP4 files with the fast path (default true). false reads every file with
   * music-metadata, as before the fast path existed (bench/scan.ts compares the two).
   */
  fastTags?: boolean
  /**
   * Stat and read files with blocking calls while they are fast (default true; see BlockingIoGuard):
   * ~30 µs of CPU per file instead of ~150 µs through the promise API. false: always the promise API.
   */
  blockingReads?: boolean
}

/** Below this many new files a scan reads them itself. */
const FILES_WORTH_WORKERS = 256

export interface LibraryScanSummary extends ScanSummary {
  /** Files actually opened and read (new or changed); unchanged files cost only a stat. */
  read: number
  /** Missing tracks whose file was found again. */
  restored: number
  /** The scan was stopped through its AbortSignal before it finished. */
  cancelled: boolean
}

const PROGRESS_INTERVAL_MS = 100

function folderError(error: unknown): string {
  switch (errorCode(error)) {
    case 'EACCES':
    case 'EPERM':
      return 'Attune is not allowed to open this folder (permission denied); the music inside was skipped.'
    case 'ELOOP':
      return 'This folder loops through symbolic links; it was skipped.'
    case 'ENAMETOOLONG':
      return 'The path of this folder is too long for the system; it was skipped.'
    default:
      return `Attune could not open this folder (${errorCode(error) ?? 'unknown error'}); the music inside was skipped.`
  }
}

interface Candidate {
  path: string
  rootId: number
}

interface WalkResult {
  candidates: Candidate[]
  /** Folders that could not be listed: tracks under them are not marked missing. */
  unreadable: string[]
}

/**
 * Lists the audio candidates under the roots. Symlinked folders are followed, each real folder (by device
 * and inode) at most once, so symlink loops end; unreadable folders are reported and skipped.
 */
async function walkRoots(
  roots: readonly { id: number; path: string }[],
  libraryFolders: readonly string[],
  failed: ScanSummary['failed'],
  onCandidate: () => void,
  signal: AbortSignal | undefined,
  ioGuard: BlockingIoGuard | null,
): Promise<WalkResult> {
  const visited = new Set<string>()
  const candidates: Candidate[] = []
  const unreadable: string[] = []
  const seenPaths = new Set<string>()
  const realRoots: string[] = []
  // Links may lead into any library folder, not only the ones this scan walks (a link in one folder
  // to an album in another is followed whether the two are scanned together or not).
  for (const path of new Set([...roots.map((root) => root.path), ...libraryFolders])) {
    realRoots.push(await realpath(path).catch(() => path))
  }
  for (const root of roots) {
    const stack: string[] = [root.path]
    try {
      const rootStat = await statAsync(root.path)
      visited.add(`${rootStat.dev}:${rootStat.ino}`)
    } catch (error) {
      if (errorCode(error) === 'ENOENT') {
        // The folder is not there (an unplugged drive): its songs are kept, marked missing until
        // it is back (a later scan restores them with their history).
        failed.push({
          path: root.path,
          error:
            'This folder is not there now (an unplugged drive?): its songs are kept and shown as missing until it is back.',
        })
        continue
      }
      failed.push({ path: root.path, error: folderError(error) })
      unreadable.push(root.path)
      continue
    }
    while (stack.length > 0) {
      if (signal?.aborted) return { candidates, unreadable }
      const dir = stack.pop() as string
      let entries
      try {
        entries = ioGuard?.allowed
          ? ioGuard.time(() => readdirSync(dir, { withFileTypes: true }))
          : await readdir(dir, { withFileTypes: true })
      } catch (error) {
        if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') continue // vanished meanwhile
        failed.push({ path: dir, error: folderError(error) })
        unreadable.push(dir)
        continue
      }
      // Sorted, so albums are read in order and results are reproducible.
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      const subfolders: string[] = []
      for (const entry of entries) {
        // Hidden entries: .Trash, .git, macOS "._x.mp3" resource forks; never music.
        if (entry.name.startsWith('.')) continue
        const path = join(dir, entry.name)
        let isDir = entry.isDirectory()
        let isFile = entry.isFile()
        if (isDir || entry.isSymbolicLink()) {
          let target: Stats
          try {
            target = await statAsync(path)
            // A link leading outside every library folder is not followed: the media route would
            // refuse to play what it reaches, and it may lead anywhere on the disk.
            if (entry.isSymbolicLink() && !insideAny(realRoots, await realpath(path))) continue
          } catch {
            continue // a dangling link, or a folder that vanished
          }
          isDir = target.isDirectory()
          isFile = target.isFile()
          if (isDir) {
            const key = `${target.dev}:${target.ino}`
            if (visited.has(key)) continue
            visited.add(key)
            subfolders.push(path)
            continue
          }
        }
        if (isFile && isAudioCandidate(entry.name) && !seenPaths.has(path)) {
          seenPaths.add(path)
          candidates.push({ path, rootId: root.id })
          onCandidate()
        }
      }
      for (let i = subfolders.length - 1; i >= 0; i--) stack.push(subfolders[i] as string)
    }
  }
  return { candidates, unreadable }
}

/**
 * Where the scan looks for the old row of a file that appears under a new path. A track may have moved
 * only if its old path is gone: already missing, or (inside the scanned folders) not found by this walk,
 * or (outside them) no longer there. These are indexed by fingerprint once, in memory, so a library full
 * of identical copies (which all share a fingerprint and are all present) costs nothing per new file.
 */
function moveSourceFinder(
  tracks: TrackWriteRepository,
  known: ReadonlyMap<string, KnownTrack>,
  notFound: (path: string) => boolean,
  roots: readonly { id: number }[],
  scannedPrefixes: readonly string[],
): MoveSourceFinder {
  const gone = new Map<string, MoveSource[]>()
  const add = (fingerprint: string | null, source: MoveSource): void => {
    if (!fingerprint) return
    const list = gone.get(fingerprint)
    if (list) list.push(source)
    else gone.set(fingerprint, [source])
  }
  const indexed = new Set<number>()
  for (const track of known.values()) {
    if (track.missingSince !== null || notFound(track.path)) {
      add(track.fingerprint, { id: track.id, path: track.path })
      indexed.add(track.id)
    }
  }
  for (const row of tracks.missingWithFingerprint())
    if (!indexed.has(row.id)) add(row.fingerprint, { id: row.id, path: row.path })

  // Present (not missing) tracks of other folders: moved into these ones if their file is gone. Loaded once:
  // a query per new file would cost O(copies) each in a library of identical copies.
  const rootIds = new Set(roots.map((r) => r.id))
  const underScannedRoot = (path: string): boolean =>
    scannedPrefixes.some((prefix) => path.startsWith(prefix))
  const elsewhere = new Map<string, MoveSource[]>()
  for (const row of tracks.presentWithFingerprint()) {
    if ((row.rootId !== null && rootIds.has(row.rootId)) || underScannedRoot(row.path)) continue
    const list = elsewhere.get(row.fingerprint)
    if (list) list.push({ id: row.id, path: row.path })
    else elsewhere.set(row.fingerprint, [{ id: row.id, path: row.path }])
  }
  return (fingerprint) => {
    const outside = elsewhere.get(fingerprint)?.filter((row) => pathIsGone(row.path)) ?? []
    const inside = gone.get(fingerprint) ?? []
    return outside.length ? [...inside, ...outside] : inside
  }
}

/**
 * Scans the library folders into the database: new files are read, changed ones re-read, unchanged ones
 * only stat'ed; files that are gone are marked missing (their rows and events are kept), moved files keep
 * their track id. One broken or vanished file never stops the scan.
 */
export async function scanLibrary(db: Database, options: ScanOptions): Promise<LibraryScanSummary> {
  const started = Date.now()
  const store = new TrackStore(db)
  const failed: ScanSummary['failed'] = []
  const roots: { id: number; path: string }[] = []
  const rootPaths = options.roots ?? store.listRoots().map((r) => r.path)
  for (const path of rootPaths) {
    try {
      // A known folder is scanned as it is, even when it is not there now (an unplugged drive:
      // the walk marks its songs missing) or was added before the refused-folder rules.
      const root = store.getRootByPath(path) ?? store.addRoot(path)
      if (!roots.some((r) => r.id === root.id)) roots.push(root)
    } catch (error) {
      failed.push({ path, error: error instanceof Error ? error.message : String(error) })
    }
  }

  const writer = new LibraryWriter(db, options.coversDir)
  writer.fastPath = options.fastTags ?? true
  if (options.blockingReads !== false) writer.ioGuard = new BlockingIoGuard()
  const ioGuard = writer.ioGuard
  const summary: LibraryScanSummary = {
    roots: roots.map((r) => r.path),
    seen: 0,
    added: 0,
    updated: 0,
    unchanged: 0,
    moved: 0,
    missing: 0,
    failed,
    elapsedMs: 0,
    read: 0,
    restored: 0,
    cancelled: false,
  }

  let phase: ScanPhase = 'walking'
  let done = 0
  let currentPath: string | null = null
  let readingStarted = 0
  let lastProgress = 0
  const progress = (force = false): void => {
    if (!options.onProgress) return
    const now = Date.now()
    if (!force && now - lastProgress < PROGRESS_INTERVAL_MS) return
    lastProgress = now
    let etaSeconds: number | null = null
    if (phase === 'reading' && done > 0) {
      etaSeconds = (((now - readingStarted) / done) * (summary.seen - done)) / 1000
    } else if (phase === 'finishing' || phase === 'done') {
      etaSeconds = 0
    }
    options.onProgress({
      phase,
      seen: summary.seen,
      done,
      failed: failed.length,
      etaSeconds,
      currentPath,
    })
  }

  const known = writer.knownTracks(
    roots.map((r) => pathRangeUnder(r.path)),
    roots.map((r) => r.id),
  )
  const walk = await walkRoots(
    roots,
    store.listRoots().map((root) => root.path),
    failed,
    () => {
      summary.seen++
      progress()
    },
    options.signal,
    ioGuard,
  )
  const walkComplete = !options.signal?.aborted
  const found = new Set(walk.candidates.map((c) => c.path))
  const scannedPrefixes = roots.map((r) => pathRangeUnder(r.path)[0])
  const insideUnreadable = (path: string): boolean =>
    walk.unreadable.some(
      (dir) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep),
    )
  const notFound = (path: string): boolean =>
    walkComplete && !found.has(path) && !insideUnreadable(path)
  // Built on the first file that may have moved (a new file): a rescan of an unchanged library never
  // needs it, and building it reads every track row.
  let moveSources: MoveSourceFinder | null = null
  const findMoveSources: MoveSourceFinder = (fingerprint, newPath) => {
    moveSources ??= moveSourceFinder(
      new TrackWriteRepository(db),
      known,
      notFound,
      roots,
      scannedPrefixes,
    )
    return moveSources(fingerprint, newPath)
  }

  const manyNewFiles = walk.candidates.length - known.size >= FILES_WORTH_WORKERS
  const cores = availableParallelism()
  const workers = options.workers ?? (manyNewFiles && cores > 2 ? cores - 1 : 0)
  const pool = workers > 0 && walk.candidates.length > 0 ? new ReadPool(workers) : null
  if (pool) writer.reader = pool.read

  phase = 'reading'
  readingStarted = Date.now()
  progress(true)
  const movedAway = new Set<number>()
  let next = 0
  const concurrency = Math.max(1, options.concurrency ?? 16)
  const readNext = async (): Promise<void> => {
    while (next < walk.candidates.length && !options.signal?.aborted) {
      const candidate = walk.candidates[next++] as Candidate
      currentPath = candidate.path
      try {
        await processCandidate(candidate)
      } catch (error) {
        failed.push({
          path: candidate.path,
          error: `Attune could not read this file: ${error instanceof Error ? error.message : String(error)}`,
        })
      }
      done++
      // The first file read is always reported (not held back by the interval): the listener sees
      // the reading start and its first estimate at once, and a cancel there stops after one file.
      progress(done === 1)
    }
  }
  const processCandidate = async ({ path, rootId }: Candidate): Promise<void> => {
    let stat: Stats
    try {
      // A blocking stat while reads block (cached metadata: microseconds); otherwise the promise API.
      stat = ioGuard?.allowed ? ioGuard.time(() => statSync(path)) : await statAsync(path)
    } catch (error) {
      if (errorCode(error) === 'ENOENT') {
        found.delete(path) // vanished since the walk: treated as not found
        return
      }
      throw error
    }
    if (!stat.isFile()) return
    const outcome = await writer.processFile(
      path,
      stat,
      rootId,
      known.get(path) ?? null,
      findMoveSources,
    )
    switch (outcome.kind) {
      case 'gone':
        found.delete(path)
        return
      case 'unchanged':
        summary.unchanged++
        break
      case 'restored':
        summary.restored++
        summary.unchanged++
        break
      case 'added':
        summary.added++
        break
      case 'updated':
        summary.updated++
        break
      case 'moved':
        summary.moved++
        if (outcome.movedFrom !== undefined) {
          const from = known.get(outcome.movedFrom)
          if (from) movedAway.add(from.id)
        }
        break
    }
    if (outcome.error !== null) failed.push({ path, error: outcome.error })
  }
  try {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, Math.max(1, walk.candidates.length)) }, readNext),
    )
  } finally {
    await pool?.close()
  }

  phase = 'finishing'
  currentPath = null
  progress(true)
  writer.shareAlbumArt()
  summary.cancelled = options.signal?.aborted === true
  if (walkComplete) {
    const now = Date.now()
    for (const track of known.values()) {
      if (found.has(track.path) || movedAway.has(track.id) || writer.isClaimed(track.id)) continue
      if (track.missingSince !== null || insideUnreadable(track.path)) continue
      writer.markMissing(track.id, now)
      summary.missing++
    }
  }
  writer.flush()
  summary.read = writer.readsDone
  summary.elapsedMs = Date.now() - started
  phase = 'done'
  progress(true)
  return summary
}

/** True when real path `path` is one of `roots` or lies inside one (all resolved by realpath). */
export function insideAny(roots: readonly string[], path: string): boolean {
  return roots.some(
    (root) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep),
  )
}
