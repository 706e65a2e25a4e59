import { realpathSync } from 'node:fs'
import { basename, dirname, resolve, sep } from 'node:path'
import type { FolderListing, FolderSummary } from '../../shared/contract'
import type { Root, Track } from '../../shared/domain'
import type { Database } from '../db/database'
import { RootRepository } from '../db/roots'
import { MAX_GROUP_TRACKS, pathRangeUnder, TrackRepository } from '../db/tracks'
import { isFolder, LibraryFolderError, resolveLibraryFolder } from './library-folder'

/**
 * The library's folders and tracks: the tracks repository, plus the rules for library folders
 * (which folders may be one, which are offline) and the folder tree built on the path index.
 */
export class TrackStore extends TrackRepository {
  readonly roots: RootRepository

  constructor(db: Database) {
    super(db)
    this.roots = new RootRepository(db)
  }

  /** The library folders, by path; one that is not there now (an unplugged disk) is `offline`. */
  listRoots(): Root[] {
    return this.roots
      .list()
      .map((root) => (isFolder(root.path) ? root : { ...root, offline: true }))
  }

  getRootByPath(path: string): Root | null {
    return this.roots.byPath(path)
  }

  /**
   * Adds a library folder (stored by its real path) and returns it; adding it again returns the same root.
   * Throws LibraryFolderError, in plain words, when the path is not a folder Attune can read or
   * may watch (see `refusedLibraryFolder`; `confirmHome` allows the whole home folder).
   */
  addRoot(path: string, options: { confirmHome?: boolean } = {}): Root {
    const real = resolveLibraryFolder(path, options.confirmHome ?? false)
    const root = this.roots.add(real, Date.now())
    if (!root) throw new LibraryFolderError(`Attune could not remember the folder ${real}.`)
    return root
  }

  /**
   * Removes a library folder. Its tracks are kept (their events must survive) but marked missing and
   * detached from the root. Returns false when the folder was not a library folder.
   */
  removeRoot(path: string): boolean {
    const absolute = resolve(path)
    let root = this.roots.byPath(absolute)
    if (!root) {
      try {
        root = this.roots.byPath(realpathSync(absolute))
      } catch {
        root = null
      }
    }
    if (!root) return false
    this.roots.remove(root.id, Date.now())
    return true
  }

  /** The library folder `path` is in (or is), or null when it is in none. */
  private rootOf(path: string): Root | null {
    const absolute = resolve(path)
    return (
      this.listRoots().find(
        (root) => absolute === root.path || absolute.startsWith(pathRangeUnder(root.path)[0]),
      ) ?? null
    )
  }

  private folderOrThrow(path: string): { folder: string; root: Root } {
    const folder = resolve(path)
    const root = this.rootOf(folder)
    if (!root) throw new LibraryFolderError(`${folder} is not in one of your library folders.`)
    return { folder, root }
  }

  /**
   * One level of the folder tree: the library folders (no path), or a folder's sub-folders with
   * their track counts and the tracks right in it. Walks the path index by skips: one seek per
   * sub-folder and per track shown, never a read of the whole folder's tracks.
   */
  listFolder(path: string | null): FolderListing {
    if (path === null) {
      return {
        path: null,
        trail: [],
        folders: this.listRoots().map((root) => ({
          path: root.path,
          name: root.path,
          trackCount: this.countPresentUnder(root.path),
        })),
        tracks: [],
      }
    }
    const { folder, root } = this.folderOrThrow(path)
    const trail: { path: string; name: string }[] = []
    for (let at = folder; ; at = dirname(at)) {
      trail.unshift({ path: at, name: at === root.path ? root.path : basename(at) })
      if (at === root.path || dirname(at) === at) break
    }
    const [prefix, high] = pathRangeUnder(folder)
    const folders: FolderSummary[] = []
    const tracks: Track[] = []
    let low = prefix
    while (folders.length + tracks.length < 2 * MAX_GROUP_TRACKS) {
      const track = this.firstPresentBetween(low, high)
      if (!track) break
      const rest = track.path.slice(prefix.length)
      const cut = rest.indexOf(sep)
      if (cut < 0) {
        if (tracks.length < MAX_GROUP_TRACKS) tracks.push(track)
        // The smallest path after this one.
        low = `${track.path}\u0000`
      } else {
        const sub = prefix + rest.slice(0, cut)
        folders.push({
          path: sub,
          name: rest.slice(0, cut),
          trackCount: this.countPresentUnder(sub),
        })
        low = pathRangeUnder(sub)[1]
      }
    }
    return { path: folder, trail, folders, tracks }
  }

  /** Every present track in a folder and its sub-folders, in path order (the first MAX_GROUP_TRACKS). */
  listFolderTracks(path: string): { tracks: Track[]; total: number } {
    const { folder } = this.folderOrThrow(path)
    const tracks = this.presentUnder(folder, MAX_GROUP_TRACKS)
    const total = tracks.length < MAX_GROUP_TRACKS ? tracks.length : this.countPresentUnder(folder)
    return { tracks, total }
  }
}
