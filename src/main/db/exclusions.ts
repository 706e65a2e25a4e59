import type { Database } from './database'
import { Statements } from './statements'
import {
  activeExclusions,
  excludes,
  type Exclusion,
  type ExclusionSubject,
} from '../../shared/exclusions'
import { EventLog } from './events'

/**
 * The "never play" rules in force (folded from the event log) and the songs they cover. The
 * covered set is worked out once per change of the rules or the library (library_version: songs
 * added, removed or found missing, re-tagged artist, album, genre, or moved), not on every pick.
 */
export class ExclusionRepository {
  private readonly statements: Statements
  private cached: { key: string; ids: ReadonlySet<number> } | null = null

  constructor(
    db: Database,
    private readonly events = new EventLog(db),
  ) {
    this.statements = new Statements(db)
  }

  /** The rules in force, oldest first. */
  active(): Exclusion[] {
    return activeExclusions(this.events.exclusionEvents())
  }

  /** Ids of the songs some rule in force covers. */
  excludedTrackIds(): ReadonlySet<number> {
    // Called on every pick: one indexed look at the newest rule and the library's version decides
    // whether anything changed; the rules are read and parsed only when something did.
    const stamp = this.statements
      .get<[], { lastRule: number; version: number | null }>(
        `SELECT (SELECT coalesce(max(id), 0) FROM events WHERE kind = 'exclusion') AS lastRule,
                (SELECT version FROM library_version WHERE id = 1) AS version`,
      )
      .get()
    const key = `${stamp?.lastRule ?? 0}:${stamp?.version ?? 0}`
    if (this.cached?.key === key) return this.cached.ids
    const events = this.events.exclusionEvents()
    const rules = activeExclusions(events).map((e) => e.rule)
    const ids = new Set<number>()
    if (rules.length > 0) {
      const songs = this.statements
        .get<[], ExclusionSubject & { id: number }>(
          `SELECT id, path, artist, album_artist AS albumArtist, album, genre FROM tracks`,
        )
        .iterate()
      for (const song of songs) if (rules.some((rule) => excludes(rule, song))) ids.add(song.id)
    }
    this.cached = { key, ids }
    return ids
  }
}
