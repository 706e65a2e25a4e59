// What a library shows for a file without tags: a title from its file name, an artist and an
// album from the folders it sits in (relative to its library folder). Pure string work, so the
// scanner, the database migration that fills older libraries and the tests share it.

/** Which shown values were derived (bits of the `derived_tags` column). */
export const DERIVED_TITLE = 1
export const DERIVED_ARTIST = 2
export const DERIVED_ALBUM = 4

/** Shown as the artist of a track whose tags and folders name none. */
export const UNKNOWN_ARTIST = 'Unknown artist'

export interface ShownTags {
  title: string | null
  artist: string | null
  album: string | null
  /** DERIVED_* bits: which of the three came from the file name or the folders. */
  derived: number
}

/** Folders that hold one disc of an album ("CD1", "Disc 2"): the album is the folder above. */
const DISC_FOLDER = /^(cd|dis[ck])\s*[-_ ]?\s*\d{1,2}$/i

/** "1-03 ", "1.03 - ": a disc and track number before the title. */
const DISC_TRACK_PREFIX = /^\d{1,2}[-.]\d{1,3}(?:\s*[-._)\]]\s*|\s+)/
/** "03 - ", "3. ", "03_", "(03) ", "[03] ", "03) ": a track number and a separator. */
const TRACK_PREFIX = /^[([]?\d{1,3}[)\]]?(?:\s*[-._)]\s*|\s*[)\]]\s*)/
/** "03 Title": a zero-padded number and a space (a bare "99 Luftballons" keeps its number). */
const PADDED_TRACK_PREFIX = /^0\d{1,2}\s+/

/** Splits a path on either separator (a library made on Windows may be read elsewhere). */
function parts(path: string): string[] {
  return path.split(/[/\\]+/).filter((part) => part.length > 0)
}

/** "03 - My_Song.ogg" → "My Song": no extension, no track number, underscores as spaces. */
export function titleFromFileName(fileName: string): string {
  const dot = fileName.lastIndexOf('.')
  const stem = dot > 0 ? fileName.slice(0, dot) : fileName
  const spaced = stem.replace(/_+/g, ' ').replace(/\s+/g, ' ').trim()
  const tidy = spaced
    .replace(DISC_TRACK_PREFIX, '')
    .replace(TRACK_PREFIX, '')
    .replace(PADDED_TRACK_PREFIX, '')
    .trim()
  // A name that is only a number ("03.ogg") keeps it: a title should never be empty.
  return tidy.length > 0 ? tidy : spaced.length > 0 ? spaced : fileName
}

/** A folder name as shown: underscores as spaces, spaces tidied. */
function folderName(name: string): string {
  const tidy = name.replace(/_+/g, ' ').replace(/\s+/g, ' ').trim()
  return tidy.length > 0 ? tidy : name
}

/**
 * The artist and album the folders name, for a track at `path` inside the library folder
 * `root` (null: a track outside any library folder, which names none). Layouts, relative to the
 * library folder: Artist/Album/track (deeper trees use the two folders above the file),
 * Album/track, and a disc folder (Artist/Album/CD1/track) counts as part of its album. A track
 * right in the library folder gets the library folder's name as its album.
 */
export function folderArtistAlbum(
  path: string,
  root: string | null,
): { artist: string | null; album: string | null } {
  if (root === null) return { artist: null, album: null }
  const rootParts = parts(root)
  const pathParts = parts(path)
  const inside = pathParts.slice(0, rootParts.length).every((part, i) => part === rootParts[i])
  if (!inside || pathParts.length <= rootParts.length) return { artist: null, album: null }
  const folders = pathParts.slice(rootParts.length, -1)
  if (folders.length > 1 && DISC_FOLDER.test(folders[folders.length - 1]!)) folders.pop()
  const album = folders[folders.length - 1]
  const artist = folders[folders.length - 2]
  if (album === undefined) {
    const rootName = rootParts[rootParts.length - 1]
    return { artist: null, album: rootName === undefined ? null : folderName(rootName) }
  }
  return {
    artist: artist === undefined ? null : folderName(artist),
    album: folderName(album),
  }
}

/**
 * What the library shows for a track: its tags where it has them, otherwise the title from the
 * file name and the artist and album from the folders (an artist is only derived when neither
 * artist nor album artist is tagged). Every track gets an artist, so every track is in the
 * Artists view.
 */
export function shownTags(
  tags: {
    title: string | null
    artist: string | null
    album: string | null
    albumArtist: string | null
  },
  path: string,
  root: string | null,
): ShownTags {
  let derived = 0
  let { title, artist, album } = tags
  if (title === null || title.trim() === '') {
    const fileName = parts(path).pop()
    title = fileName === undefined ? null : titleFromFileName(fileName)
    if (title !== null) derived |= DERIVED_TITLE
  }
  const needsArtist = (artist === null || artist.trim() === '') && tags.albumArtist === null
  const needsAlbum = album === null || album.trim() === ''
  if (needsArtist || needsAlbum) {
    const folders = folderArtistAlbum(path, root)
    if (needsAlbum && folders.album !== null) {
      album = folders.album
      derived |= DERIVED_ALBUM
    }
    if (needsArtist && root !== null) {
      artist = folders.artist ?? UNKNOWN_ARTIST
      derived |= DERIVED_ARTIST
    }
  }
  return { title, artist, album, derived }
}
