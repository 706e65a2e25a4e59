import { existsSync, type Stats } from 'node:fs'
import { dirname } from 'node:path'
import type { Database } from '../db/database'
import { RootRepository } from '../db/roots'
import { TrackWriteRepository, type KnownTrack } from '../db/track-writes'
import { shownTags } from '../../shared/folder-tags'
import { CoverStore } from './covers'
import type { FileReader } from './read-pool'
import {
  FileGoneError,
  readAudioFile,
  type AudioFileInfo,
  type BlockingIoGuard,
  type ReadResult,
} from './file-reader'

export type { KnownTrack }

export type FileOutcome =
  | { kind: 'unchanged' | 'restored'; trackId: number; error: string | null }
  | { kind: 'added' | 'updated' | 'moved'; error: string | null; movedFrom?: string }
  | { kind: 'gone' }

/** Decides, for a track whose content reappears under a new path, whether its old path is really gone. */
export type OldPathGone = (oldPath: string) => boolean

/** A track that may have moved: its content matches and its old path is gone. */
export interface MoveSource {
  id: number
  path: string
}

/** Lists the tracks with this fingerprint whose file is gone (missing, or not found at its old path). */
export type MoveSourceFinder = (fingerprint: string, newPath: string) => MoveSource[]

/** mtime is compared at millisecond precision; sub-millisecond digits vary between stat calls on some file systems. */
export function mtimeOf(stat: Stats): number {
  return Math.floor(stat.mtimeMs)
}

const EMPTY_INFO: AudioFileInfo = {
  format: 'mp3',
  codec: null,
  sampleRate: null,
  channels: null,
  bitsPerSample: null,
  bitrate: null,
  lossless: null,
  duration: null,
  title: null,
  artist: null,
  album: null,
  albumArtist: null,
  genre: null,
  year: null,
  trackNo: null,
  trackTotal: null,
  discNo: null,
  discTotal: null,
  rgTrackGain: null,
  rgTrackPeak: null,
  rgAlbumGain: null,
  rgAlbumPeak: null,
}

function albumKeyOf(info: AudioFileInfo, path: string): string {
  if (info.album) return `album\0${info.albumArtist ?? info.artist ?? ''}\0${info.album}`
  return `folder\0${dirname(path)}`
}

/**
 * The single-file logic shared by the full scan and the watcher: decide whether a file must be re-read,
 * read it, recognise moves, store covers, and queue the row writes, which are committed in batched
 * transactions (so a crash mid-scan loses at most the last batch, and nothing already committed).
 */
export class LibraryWriter {
  readonly covers: CoverStore
  private readonly tracks: TrackWriteRepository
  private readonly roots: RootRepository
  /** Library folder paths by id, for the artist and album of files without tags. */
  private readonly rootPaths = new Map<number, string | null>()
  private pending: (() => void)[] = []
  private lastFlush = Date.now()
  /** Track ids whose row was given a new path in this session: they can be claimed only once. */
  private readonly claimed = new Set<number>()
  /** Album → cover id of art embedded in one of its files. */
  private readonly albumCovers = new Map<string, string>()
  /** Folders where a file already gave embedded art: their other files are read without pictures. */
  private readonly foldersWithArt = new Set<string>()
  /** Tracks stored without embedded art, to get their album's art once a sibling yields it. */
  private readonly withoutArt: { path: string; albumKey: string }[] = []
  readsDone = 0
  /** How files are read: in this thread by default; the scanner may hand reads to a worker pool. */
  reader: FileReader = readAudioFile
  /** Tags of the common containers through the fast path (fast-tags.ts); false: music-metadata for all. */
  fastPath = true
  /**
   * When set, files are read with blocking calls while the guard allows (see ReadOptions.syncIo): on cached
   * or local files they cost a fraction of the CPU of the promise API. The full scan sets one; the guard
   * turns blocking off after a few slow operations (a spinning disk, a network share).
   */
  ioGuard: BlockingIoGuard | null = null

  constructor(
    db: Database,
    coversDir: string,
    private readonly batchSize = 500,
    private readonly batchMs = 250,
  ) {
    this.covers = new CoverStore(db, coversDir)
    this.tracks = new TrackWriteRepository(db)
    this.roots = new RootRepository(db)
  }

  /** Every row under `prefixRange` (see pathRangeUnder) or attached to one of `rootIds`. */
  knownTracks(ranges: [string, string][], rootIds: number[]): Map<string, KnownTrack> {
    return this.tracks.knownTracks(ranges, rootIds)
  }

  knownTrack(path: string): KnownTrack | null {
    return this.tracks.knownTrack(path)
  }

  /** Starts a new unit of work (a watcher batch): moves may claim rows again, folders are looked at afresh. */
  beginSession(): void {
    this.claimed.clear()
    this.foldersWithArt.clear()
    this.albumCovers.clear()
    this.withoutArt.length = 0
    this.covers.forgetFolders()
  }

  isClaimed(trackId: number): boolean {
    return this.claimed.has(trackId)
  }

  /**
   * Brings one file's row up to date. `known` is its current row (by path), if any. A file whose size and
   * mtime match a scanned row is not opened. Throws nothing for a broken file; returns `gone` when the file
   * vanished before or while it was read.
   */
  async processFile(
    path: string,
    stat: Stats,
    rootId: number | null,
    known: KnownTrack | null,
    findMoveSources: MoveSourceFinder,
  ): Promise<FileOutcome> {
    const mtimeMs = mtimeOf(stat)
    if (
      known &&
      known.scannedAt !== null &&
      known.size === stat.size &&
      known.mtimeMs === mtimeMs
    ) {
      if (known.missingSince !== null || known.rootId !== rootId) {
        const id = known.id
        this.queue(() => this.tracks.restore(id, rootId))
        return { kind: 'restored', trackId: id, error: known.error }
      }
      return { kind: 'unchanged', trackId: known.id, error: known.error }
    }

    const folder = dirname(path)
    let result: ReadResult
    try {
      result = await this.reader(path, {
        wantCover: !this.foldersWithArt.has(folder),
        size: stat.size,
        fastPath: this.fastPath,
        syncIo: this.ioGuard?.allowed ?? false,
        ...(this.ioGuard ? { ioGuard: this.ioGuard } : {}),
      })
    } catch (error) {
      if (error instanceof FileGoneError) return { kind: 'gone' }
      throw error
    }
    this.readsDone++
    const scannedAt = Date.now()
    const info = result.ok ? result.info : { ...EMPTY_INFO, format: result.format }
    let coverId: string | null = null
    if (result.ok) {
      const albumKey = albumKeyOf(result.info, path)
      if (result.picture) {
        coverId = this.covers.store(result.picture.data, result.picture.mime)
        this.foldersWithArt.add(folder)
        if (!this.albumCovers.has(albumKey)) this.albumCovers.set(albumKey, coverId)
      } else {
        coverId = this.albumCovers.get(albumKey) ?? null
        if (!coverId) {
          this.withoutArt.push({ path, albumKey })
          coverId = this.covers.folderCover(folder)
        }
      }
    }
    // A file without tags shows what its name and folders say (stored with derived_tags).
    const shown = shownTags(info, path, this.rootPathOf(rootId))
    const values = {
      rootId,
      path,
      size: stat.size,
      mtimeMs,
      fingerprint: result.fingerprint,
      ...info,
      title: shown.title,
      artist: shown.artist,
      album: shown.album,
      derivedTags: shown.derived,
      lossless: info.lossless === null ? null : info.lossless ? 1 : 0,
      coverId,
      scannedAt,
      error: result.ok ? null : result.error,
    }
    const error = values.error

    // A row already holds this path: a changed file, or one an imported event log named before it was scanned.
    if (known) {
      this.queue(() => this.tracks.update(known.id, values))
      return { kind: 'updated', error }
    }
    // Same content as a track whose file is gone: the file was moved or renamed; its row (and events) follow.
    if (result.fingerprint) {
      const moved = findMoveSources(result.fingerprint, path).find(
        (c) => c.path !== path && !this.claimed.has(c.id),
      )
      if (moved) {
        this.claimed.add(moved.id)
        this.queue(() => this.tracks.update(moved.id, values))
        return { kind: 'moved', error, movedFrom: moved.path }
      }
    }
    this.queue(() => this.tracks.insert(values))
    return { kind: 'added', error }
  }

  private rootPathOf(rootId: number | null): string | null {
    if (rootId === null) return null
    let path = this.rootPaths.get(rootId)
    if (path === undefined) {
      path = this.roots.pathOf(rootId)
      this.rootPaths.set(rootId, path)
    }
    return path
  }

  /** The move sources found by a database query: fine for a few files (the watcher), not for a whole scan. */
  moveSourcesFromDatabase(oldPathGone: OldPathGone): MoveSourceFinder {
    return (fingerprint) =>
      this.tracks
        .withFingerprint(fingerprint)
        .filter((c) => c.missingSince !== null || oldPathGone(c.path))
  }

  markMissing(trackId: number, since: number): void {
    this.queue(() => this.tracks.markMissing(trackId, since))
  }

  /** Gives tracks read without art the art embedded in a sibling of the same album, found later in the scan. */
  shareAlbumArt(): void {
    for (const { path, albumKey } of this.withoutArt) {
      const coverId = this.albumCovers.get(albumKey)
      if (coverId) this.queue(() => this.tracks.setCoverIfNone(path, coverId))
    }
    this.withoutArt.length = 0
  }

  private queue(write: () => void): void {
    this.pending.push(write)
    if (this.pending.length >= this.batchSize || Date.now() - this.lastFlush >= this.batchMs)
      this.flush()
  }

  /** Commits the queued writes in one transaction. A failing write is skipped; the others still land. */
  flush(): void {
    this.lastFlush = Date.now()
    if (this.pending.length === 0) return
    const writes = this.pending
    this.pending = []
    this.tracks.inTransaction(() => {
      for (const write of writes) {
        try {
          write()
        } catch (error) {
          // Another writer holding the database is no bad row: the whole batch fails (and is
          // reported), rather than every write of it being skipped in silence.
          const code = (error as { code?: unknown }).code
          if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)) throw error
          // One bad row (say, a path another process inserted meanwhile) must not lose the batch.
          console.warn('Attune: a library write failed and was skipped:', error)
        }
      }
    })
  }
}

/** True when a path no longer exists (used to confirm a move when the old path lies outside the scanned folders). */
export function pathIsGone(path: string): boolean {
  return !existsSync(path)
}
