import { createHash } from 'node:crypto'
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  existsSync,
  renameSync,
} from 'node:fs'
import { join } from 'node:path'
import { CoverRepository } from '../db/covers'
import type { Database } from '../db/database'

/** Image files beside the music that serve as the album's cover when no file embeds one, in order of preference. */
const FOLDER_IMAGE_NAMES = ['cover', 'folder', 'front']
const FOLDER_IMAGE_EXTENSIONS: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
}

const EXTENSION_BY_MIME: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
}

/** The MIME type from the image's own first bytes; tags sometimes lie ("image/jpg", "JPG", empty). */
function imageMime(data: Uint8Array, claimed: string): string {
  if (data[0] === 0xff && data[1] === 0xd8) return 'image/jpeg'
  if (data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47)
    return 'image/png'
  if (data[0] === 0x47 && data[1] === 0x49 && data[2] === 0x46) return 'image/gif'
  if (data[8] === 0x57 && data[9] === 0x45 && data[10] === 0x42 && data[11] === 0x50)
    return 'image/webp'
  const lower = claimed.toLowerCase()
  return lower === 'image/jpg' ? 'image/jpeg' : lower || 'application/octet-stream'
}

/**
 * Stores cover images once, by the sha1 of their bytes, as `<coversDir>/<sha1>.<ext>` with a `covers` row.
 * Also finds cover.jpg / folder.jpg / front.jpg (any case, or .png) beside the music.
 */
export class CoverStore {
  private readonly covers: CoverRepository
  private readonly knownIds = new Set<string>()
  private readonly folderCovers = new Map<string, string | null>()
  private dirReady = false

  constructor(
    db: Database,
    readonly coversDir: string,
  ) {
    this.covers = new CoverRepository(db)
    for (const id of this.covers.ids()) this.knownIds.add(id)
  }

  /** Saves an image (if not already saved) and returns its cover id. */
  store(data: Uint8Array, claimedMime: string): string {
    const id = createHash('sha1').update(data).digest('hex')
    if (this.knownIds.has(id)) return id
    const mime = imageMime(data, claimedMime)
    const file = `${id}.${EXTENSION_BY_MIME[mime] ?? 'img'}`
    if (!this.dirReady) {
      mkdirSync(this.coversDir, { recursive: true })
      this.dirReady = true
    }
    const target = join(this.coversDir, file)
    if (!existsSync(target)) {
      // Write then rename, so a crash never leaves a half-written image under its final name.
      const partial = `${target}.${process.pid}.partial`
      writeFileSync(partial, data)
      renameSync(partial, target)
    }
    this.covers.add(id, mime, file, data.length)
    this.knownIds.add(id)
    return id
  }

  /** The cover id of an image file in `dir` named cover/folder/front (.jpg .jpeg .png, any case), or null. */
  folderCover(dir: string): string | null {
    const cached = this.folderCovers.get(dir)
    if (cached !== undefined) return cached
    let found: string | null = null
    try {
      const candidates = new Map<string, string>()
      for (const name of readdirSync(dir)) {
        const lower = name.toLowerCase()
        const dot = lower.lastIndexOf('.')
        if (dot < 0) continue
        const mime = FOLDER_IMAGE_EXTENSIONS[lower.slice(dot)]
        if (
          mime &&
          FOLDER_IMAGE_NAMES.includes(lower.slice(0, dot)) &&
          !candidates.has(lower.slice(0, dot))
        ) {
          candidates.set(lower.slice(0, dot), name)
        }
      }
      for (const base of FOLDER_IMAGE_NAMES) {
        const name = candidates.get(base)
        if (!name) continue
        try {
          const data = readFileSync(join(dir, name))
          if (data.length > 0) {
            found = this.store(
              data,
              FOLDER_IMAGE_EXTENSIONS[name.slice(name.lastIndexOf('.')).toLowerCase()] ?? '',
            )
            break
          }
        } catch {
          // an unreadable image is no reason to fail the track: try the next name
        }
      }
    } catch {
      found = null
    }
    this.folderCovers.set(dir, found)
    return found
  }

  /** Forget what was learnt about folders (the watcher calls this before each batch). */
  forgetFolders(): void {
    this.folderCovers.clear()
  }
}
