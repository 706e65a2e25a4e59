// "Never play": the listener's hard exclusions. A rule names an artist, an album, a folder or a
// genre; songs it matches never enter the auto-queue, Discover or Rediscover (they stay playable
// by hand). Rules are stored as events (kind `exclusion`), so they export and import with the log.
import { z } from 'zod'

export const exclusionRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('artist'), artist: z.string().trim().min(1).max(500) }).strict(),
  z
    .object({
      kind: z.literal('album'),
      album: z.string().trim().min(1).max(500),
      /** The album's artist (album artist, else track artist), or null when the tags name none. */
      artist: z.string().trim().min(1).max(500).nullable(),
    })
    .strict(),
  z.object({ kind: z.literal('folder'), path: z.string().min(1).max(5000) }).strict(),
  z.object({ kind: z.literal('genre'), genre: z.string().trim().min(1).max(200) }).strict(),
])

export type ExclusionRule = z.infer<typeof exclusionRuleSchema>

/** What an `exclusion` event carries: a rule added, or one taken back. */
export const exclusionEventSchema = z
  .object({ action: z.enum(['add', 'remove']), rule: exclusionRuleSchema })
  .strict()
export type ExclusionEventData = z.infer<typeof exclusionEventSchema>

/** A rule in force, with when it was set. */
export interface Exclusion {
  rule: ExclusionRule
  since: number
}

const fold = (text: string): string => text.trim().toLocaleLowerCase()

/** One key per rule: the same artist in another case is the same rule. */
export function exclusionKey(rule: ExclusionRule): string {
  switch (rule.kind) {
    case 'artist':
      return `artist:${fold(rule.artist)}`
    case 'album':
      return `album:${fold(rule.album)}\u0000${rule.artist === null ? '' : fold(rule.artist)}`
    case 'folder':
      return `folder:${rule.path.replace(/[\\/]+$/, '')}`
    case 'genre':
      return `genre:${fold(rule.genre)}`
  }
}

/** The rules in force after a log of add/remove events, oldest first; the newest word counts. */
export function activeExclusions(
  events: readonly { ts: number; data: ExclusionEventData }[],
): Exclusion[] {
  const active = new Map<string, Exclusion>()
  for (const { ts, data } of events) {
    const key = exclusionKey(data.rule)
    if (data.action === 'add') {
      if (!active.has(key)) active.set(key, { rule: data.rule, since: ts })
    } else {
      active.delete(key)
    }
  }
  return [...active.values()]
}

/** The rule in words: "Songs by Wesnoth", "The album Battle by Wesnoth", … */
export function exclusionWords(rule: ExclusionRule): string {
  switch (rule.kind) {
    case 'artist':
      return `Songs by ${rule.artist}`
    case 'album':
      return rule.artist ? `The album ${rule.album} by ${rule.artist}` : `The album ${rule.album}`
    case 'folder':
      return `Songs in the folder ${rule.path}`
    case 'genre':
      return `Songs of the genre ${rule.genre}`
  }
}

/** The tags and path a rule is matched against (what the library shows, derived or not). */
export interface ExclusionSubject {
  path: string
  artist: string | null
  albumArtist: string | null
  album: string | null
  genre: string | null
}

/** True when the rule covers this song. Names compare without case; genres by each listed one. */
export function excludes(rule: ExclusionRule, song: ExclusionSubject): boolean {
  switch (rule.kind) {
    case 'artist': {
      const artist = fold(rule.artist)
      return (
        (song.artist !== null && fold(song.artist) === artist) ||
        (song.albumArtist !== null && fold(song.albumArtist) === artist)
      )
    }
    case 'album': {
      if (song.album === null || fold(song.album) !== fold(rule.album)) return false
      if (rule.artist === null) return true
      const artist = song.albumArtist ?? song.artist
      return artist !== null && fold(artist) === fold(rule.artist)
    }
    case 'folder': {
      const folder = rule.path.replace(/[\\/]+$/, '')
      return song.path.startsWith(`${folder}/`) || song.path.startsWith(`${folder}\\`)
    }
    case 'genre': {
      if (song.genre === null) return false
      const wanted = fold(rule.genre)
      return (
        fold(song.genre) === wanted ||
        song.genre.split(/[;,/]/).some((part) => fold(part) === wanted)
      )
    }
  }
}
