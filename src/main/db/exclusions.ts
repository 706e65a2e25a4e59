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
 * covered set is worked out once per change of the rules or the library (library_version:
 * songs added, removed or found missing), not on every pick.
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
    const events = this.events.exclusionEvents()
    const version =
      this.statements
        .get<[], { version: number }>(`SELECT version FROM library_version WHERE id = 1`)
        .get()?.version ?? 0
    const key = `${events.at(-1)?.id ?? 0}:${version}`
    if (this.cached?.key === key) return this.cached.ids
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
