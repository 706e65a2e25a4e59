import type { Database, Statement } from 'better-sqlite3'
import { randomUUID } from 'node:crypto'
import {
  EVENT_KINDS,
  MARKS,
  isSkip,
  type EndReason,
  type EventKind,
  type Mark,
  type MarkOrNone,
  type TrackLabel,
} from '../../shared/domain'
import {
  InvalidEventError,
  validTrackId,
  validateEventColumns,
  type EventColumns,
  type NewEvent,
} from './event-columns'
import { Statements } from './statements'
import { exclusionEventSchema, type ExclusionEventData } from '../../shared/exclusions'
import type { DeclineReason } from '../../shared/live-queue'

/**
 * SQL: the pick_declined event `d` sets aside the auto_pick event `a` (it names the pick by its
 * song and time, see EventLog.pickDeclined). Every reader of the pick log matches declines by it.
 */
export const DECLINE_NAMES_PICK = `d.kind = 'pick_declined' AND d.track_id = a.track_id
  AND json_extract(d.data, '$.pickTs') = a.ts`

/** One row of the log, as read back. */
export interface LoggedEvent {
  id: number
  ts: number
  kind: EventKind
  trackId: number | null
  playId: string | null
  position: number | null
  duration: number | null
  reason: EndReason | null
  mark: MarkOrNone | null
  source: string | null
  /** The parsed JSON data, or null. */
  data: unknown
}

export interface ListEventsQuery {
  /** Only events with an id above this one (for polling and paging). */
  sinceId?: number
  trackId?: number
  kinds?: readonly EventKind[]
  /** At most this many events, oldest first; default 1000. */
  limit?: number
}

/** A finished play (a `play_end`), with what the taste model needs to turn it into a reward. */
export interface ListenOutcome {
  eventId: number
  trackId: number
  playId: string | null
  endedAt: number
  position: number
  /** The play end's duration, else the play start's, else the track's; null when unknown. */
  duration: number | null
  /** position / duration, clamped to [0, 1]; null when the duration is unknown or zero. */
  fractionHeard: number | null
  reason: EndReason
  /** Derived, never logged: the listener pressed next or picked another track (see `isSkip`). */
  skip: boolean
}

export interface LabelCounts {
  /** Current labels per mark, whatever their origin. */
  byMark: Record<Mark, number>
  /** Current labels from the listener's own marks vs from imports. */
  byOrigin: Record<TrackLabel['origin'], number>
  total: number
}

export interface PlayStartOptions {
  playId?: string
  source?: string
  ts?: number
  /** Defaults to the track's scanned duration. */
  duration?: number | null
}

export interface PlayEndOptions {
  position: number
  duration: number | null
  reason: EndReason
  ts?: number
}

/** An event with the columns a replay of the log reads (see `TasteLearner.applyEvents`). */
export interface ReplayEvent {
  id: number
  ts: number
  kind: EventKind
  trackId: number | null
  mark: MarkOrNone | null
  reason: EndReason | null
  position: number | null
  duration: number | null
}

/** One event as a backup writes it: its columns, and its track's path and tags (null: no track). */
export interface BackupRow {
  id: number
  ts: number
  kind: string
  playId: string | null
  position: number | null
  duration: number | null
  reason: string | null
  mark: string | null
  source: string | null
  data: string | null
  path: string | null
  title: string | null
  artist: string | null
  album: string | null
}

/** One checked event of a backup being imported, naming its track by path. */
export interface BackupEvent {
  /** The track's path, or null for an event about no track (an exclusion rule). */
  path: string | null
  columns: EventColumns
}

export interface BackupImport {
  imported: number
  /** Events already in the log (same natural key), so not added again. */
  duplicates: number
  /** Placeholder tracks created for paths the database did not know yet. */
  createdTracks: number
}

const DEFAULT_LIST_LIMIT = 1000

/** The one way a row enters the log (appends and backup imports both use it). */
const INSERT_EVENT_SQL = `INSERT INTO events (ts, kind, track_id, play_id, position, duration, reason, mark, source, data)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

/** ts, kind, track_id, play_id, position, duration, reason, mark, source, data. */
type EventInsertParams = [
  number,
  string,
  number | null,
  string | null,
  number | null,
  number | null,
  string | null,
  string | null,
  string | null,
  string | null,
]

const EVENT_COLUMNS = `id, ts, kind, track_id AS trackId, play_id AS playId, position, duration, reason, mark, source, data`

interface EventRow extends Omit<LoggedEvent, 'data'> {
  data: string | null
}

interface LabelRow {
  trackId: number
  mark: Mark
  kind: 'mark' | 'label_import'
  ts: number
}

/**
 * The latest mark or label import per track, in log order (the order a replay of the log applies
 * them, so the taste model and this view agree), unmarks dropped. `events_kind` narrows the scan
 * to the mark and import events; play events, the bulk of the log, are never read.
 */
export const CURRENT_LABELS_SQL = `
  SELECT trackId, mark, kind, ts FROM (
    SELECT track_id AS trackId, mark, kind, ts,
           ROW_NUMBER() OVER (PARTITION BY track_id ORDER BY id DESC) AS recency
    FROM events
    WHERE kind IN ('mark', 'label_import') AND track_id IS NOT NULL
  )
  WHERE recency = 1 AND mark <> 'none'`

/**
 * The append-only event log: everything the listener did. Labels, skips and listen outcomes are
 * derived from it here; nothing else writes to the `events` table.
 */
export class EventLog {
  private readonly insert: Statement<EventInsertParams>
  private readonly trackDuration: Statement<[number], { duration: number | null }>
  private readonly currentLabelsQuery: Statement<[], LabelRow>
  private readonly labelOfQuery: Statement<[number], LabelRow>
  private readonly outcomesAll: Statement<[], ListenOutcomeRow>
  private readonly outcomesOfTrack: Statement<[number], ListenOutcomeRow>
  private readonly statements: Statements

  constructor(private readonly db: Database) {
    this.statements = new Statements(db)
    this.insert = db.prepare(INSERT_EVENT_SQL)
    this.trackDuration = db.prepare('SELECT duration FROM tracks WHERE id = ?')
    this.currentLabelsQuery = db.prepare(CURRENT_LABELS_SQL)
    this.labelOfQuery = db.prepare(
      `SELECT track_id AS trackId, mark, kind, ts FROM events
       WHERE track_id = ? AND kind IN ('mark', 'label_import')
       ORDER BY id DESC LIMIT 1`,
    )
    const outcomes = (where: string): string => `
      SELECT e.id AS eventId, e.track_id AS trackId, e.play_id AS playId, e.ts AS endedAt,
             e.position, e.reason,
             COALESCE(
               e.duration,
               (SELECT s.duration FROM events s -- a play id has exactly one start
                WHERE s.track_id = e.track_id AND s.kind = 'play_start' AND s.play_id = e.play_id
                LIMIT 1),
               t.duration
             ) AS duration
      FROM events e LEFT JOIN tracks t ON t.id = e.track_id
      WHERE e.kind = 'play_end' AND e.track_id IS NOT NULL ${where}
      ORDER BY e.id`
    this.outcomesAll = db.prepare(outcomes(''))
    this.outcomesOfTrack = db.prepare(outcomes('AND e.track_id = ?'))
  }

  /** Validates and appends one event; throws `InvalidEventError` with a plain-words message. */
  append(event: NewEvent): LoggedEvent {
    const trackId = validTrackId(event.trackId)
    const columns = validateEventColumns(event)
    if (this.trackDuration.get(trackId) === undefined) {
      throw new InvalidEventError(`There is no track ${trackId} in the library.`, 'not-found')
    }
    return this.insertColumns(trackId, columns)
  }

  /** Appends every event or none (one transaction); throws like `append` on the first bad one. */
  appendAll(events: readonly NewEvent[]): LoggedEvent[] {
    return this.db.transaction(() => events.map((event) => this.append(event)))()
  }

  /**
   * Logs a whole play, its start and its end, in one transaction and returns the end: a crash
   * between two separate writes would leave a play that never ended.
   */
  playStartAndEnd(
    trackId: number,
    options: Omit<PlayStartOptions, 'duration'> & PlayEndOptions,
  ): LoggedEvent {
    const { playId, source, ts, ...end } = options
    return this.db.transaction(() => {
      const started = this.playStart(trackId, {
        ...(playId === undefined ? {} : { playId }),
        ...(source === undefined ? {} : { source }),
        ...(ts === undefined ? {} : { ts }),
      })
      return this.playEnd(trackId, started, { ...end, ...(ts === undefined ? {} : { ts }) })
    })()
  }

  /** Logs the start of a play and returns its play id (generated unless given). */
  playStart(trackId: number, options: PlayStartOptions = {}): string {
    const playId = options.playId ?? randomUUID()
    const trackDuration = this.trackDuration.get(validTrackId(trackId))?.duration ?? null
    this.append({
      kind: 'play_start',
      trackId,
      playId,
      position: 0,
      duration: options.duration === undefined ? trackDuration : options.duration,
      source: options.source ?? null,
      ...(options.ts === undefined ? {} : { ts: options.ts }),
    })
    return playId
  }

  playProgress(trackId: number, playId: string, position: number, ts?: number): LoggedEvent {
    return this.append({
      kind: 'play_progress',
      trackId,
      playId,
      position,
      ...(ts === undefined ? {} : { ts }),
    })
  }

  /** Logs the end of a play. A skip is derived from `reason` later; it is never logged on its own. */
  playEnd(trackId: number, playId: string, options: PlayEndOptions): LoggedEvent {
    return this.append({
      kind: 'play_end',
      trackId,
      playId,
      position: options.position,
      duration: options.duration,
      reason: options.reason,
      ...(options.ts === undefined ? {} : { ts: options.ts }),
    })
  }

  /** The listener marks a track; `none` unmarks it. */
  mark(trackId: number, mark: MarkOrNone, source?: string, ts?: number): LoggedEvent {
    return this.append({
      kind: 'mark',
      trackId,
      mark,
      source: source ?? null,
      ...(ts === undefined ? {} : { ts }),
    })
  }

  /** A label from an imported playlist or CSV; `source` names the file it came from. */
  importLabel(trackId: number, mark: Mark, source: string, ts?: number): LoggedEvent {
    return this.append({
      kind: 'label_import',
      trackId,
      mark,
      source,
      ...(ts === undefined ? {} : { ts }),
    })
  }

  /** An auto-queue pick, with its candidates and probability, for offline policy evaluation. */
  autoPick(trackId: number, data: unknown, source = 'auto-queue', ts?: number): LoggedEvent {
    return this.append({
      kind: 'auto_pick',
      trackId,
      data,
      source,
      ...(ts === undefined ? {} : { ts }),
    })
  }

  /**
   * The player never took the re-rank's replacement logged as `pick` (a song playing is never cut:
   * the pick it was to replace had started; or the listener moved or removed it first). The event
   * stays in the log; readers of the pick log leave the pick out (declinedPickIds), so it holds
   * only replacements that reached the queue. It names the pick by its song (the event's track)
   * and time as well as its id: ids change when a backup is imported into another database.
   */
  pickDeclined(
    pick: Pick<LoggedEvent, 'id' | 'ts'> & { trackId: number },
    reason: DeclineReason,
    source = 'player',
    ts?: number,
  ): LoggedEvent {
    return this.append({
      kind: 'pick_declined',
      trackId: pick.trackId,
      data: { pickId: pick.id, pickTs: pick.ts, reason },
      source,
      ...(ts === undefined ? {} : { ts }),
    })
  }

  /** The auto-picks a pick_declined event sets aside (see pickDeclined), by their song and time. */
  declinedPickIds(): Set<number> {
    return new Set(
      this.statements
        .get<[], { pickId: number }>(
          `SELECT a.id AS pickId FROM events d JOIN events a ON ${DECLINE_NAMES_PICK}
           WHERE a.kind = 'auto_pick'`,
        )
        .all()
        .map((row) => row.pickId),
    )
  }

  /** The auto_pick event `id`, or null when there is none by that id. */
  autoPickEvent(id: number): LoggedEvent | null {
    const row = this.statements
      .get<[number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE id = ? AND kind = 'auto_pick'`,
      )
      .get(id)
    return row === undefined ? null : rowToEvent(row)
  }

  /**
   * The player could not play this track's file, even decoded by the engine: the track is kept
   * out of picks until its file changes (another size or mtime; see unplayableTracks).
   */
  unplayable(
    trackId: number,
    file: { reason: string; size: number; mtimeMs: number },
    source = 'player',
    ts?: number,
  ): LoggedEvent {
    return this.append({
      kind: 'unplayable',
      trackId,
      data: { reason: file.reason.slice(0, 500), size: file.size, mtimeMs: file.mtimeMs },
      source,
      ...(ts === undefined ? {} : { ts }),
    })
  }

  /** A "never play" rule added or taken back: an event with no track, so it exports and imports. */
  exclusion(data: ExclusionEventData, source = 'ui', ts?: number): LoggedEvent {
    const columns = validateEventColumns({
      kind: 'exclusion',
      data,
      source,
      ...(ts === undefined ? {} : { ts }),
    })
    const id = this.insertRow(null, columns)
    return {
      id,
      ts: columns.ts,
      kind: 'exclusion',
      trackId: null,
      playId: null,
      position: null,
      duration: null,
      reason: null,
      mark: null,
      source: columns.source,
      data,
    }
  }

  /** Every exclusion event, oldest first (valid ones only: the log validated them on the way in). */
  exclusionEvents(): { id: number; ts: number; data: ExclusionEventData }[] {
    return this.statements
      .get<[], { id: number; ts: number; data: string }>(
        `SELECT id, ts, data FROM events WHERE kind = 'exclusion' ORDER BY id`,
      )
      .all()
      .flatMap((row) => {
        const parsed = exclusionEventSchema.safeParse(parseJsonOrText(row.data))
        return parsed.success ? [{ id: row.id, ts: row.ts, data: parsed.data }] : []
      })
  }

  /** Events oldest first, filtered. */
  list(query: ListEventsQuery = {}): LoggedEvent[] {
    const conditions: string[] = []
    const params: (number | string)[] = []
    if (query.sinceId !== undefined) {
      conditions.push('id > ?')
      params.push(query.sinceId)
    }
    if (query.trackId !== undefined) {
      conditions.push('track_id = ?')
      params.push(query.trackId)
    }
    if (query.kinds !== undefined) {
      for (const kind of query.kinds) {
        if (!(EVENT_KINDS as readonly string[]).includes(kind)) {
          throw new InvalidEventError(
            `Unknown event kind ${JSON.stringify(kind)}; expected one of ${EVENT_KINDS.join(', ')}.`,
          )
        }
      }
      if (query.kinds.length === 0) return []
      conditions.push(`kind IN (${query.kinds.map(() => '?').join(', ')})`)
      params.push(...query.kinds)
    }
    const limit = query.limit ?? DEFAULT_LIST_LIMIT
    if (!Number.isSafeInteger(limit) || limit < 0)
      throw new InvalidEventError('The limit must be a whole number.')
    params.push(limit)
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''
    const rows = this.db
      .prepare<(number | string)[], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events ${where} ORDER BY id LIMIT ?`,
      )
      .all(...params)
    return rows.map(rowToEvent)
  }

  /** Every finished play (of one track, or all), oldest first, with skips derived from the reason. */
  listenOutcomes(trackId?: number): ListenOutcome[] {
    const rows = trackId === undefined ? this.outcomesAll.all() : this.outcomesOfTrack.all(trackId)
    return rows.map((row) => {
      const fractionHeard =
        row.duration !== null && row.duration > 0
          ? Math.min(1, Math.max(0, row.position / row.duration))
          : null
      return { ...row, fractionHeard, skip: isSkip(row.reason) }
    })
  }

  /** Each labelled track's current label: its latest mark or label import, unless that was an unmark. */
  currentLabels(): Map<number, TrackLabel> {
    const labels = new Map<number, TrackLabel>()
    for (const row of this.currentLabelsQuery.all()) labels.set(row.trackId, rowToLabel(row))
    return labels
  }

  labelOf(trackId: number): TrackLabel | null {
    const row = this.labelOfQuery.get(trackId)
    if (row === undefined || row.mark === ('none' as Mark)) return null
    return rowToLabel(row)
  }

  labelCounts(): LabelCounts {
    const byMark = Object.fromEntries(MARKS.map((mark) => [mark, 0])) as Record<Mark, number>
    const byOrigin: Record<TrackLabel['origin'], number> = { mark: 0, import: 0 }
    let total = 0
    for (const row of this.currentLabelsQuery.all()) {
      byMark[row.mark] += 1
      byOrigin[originOf(row.kind)] += 1
      total += 1
    }
    return { byMark, byOrigin, total }
  }

  /** How many events of each kind the log holds, kinds in alphabetical order (`attune stats`). */
  countsByKind(): Record<string, number> {
    const rows = this.statements
      .get<[], { kind: string; n: number }>(
        'SELECT kind, COUNT(*) AS n FROM events GROUP BY kind ORDER BY kind',
      )
      .all()
    return Object.fromEntries(rows.map((row) => [row.kind, row.n]))
  }

  /** The newest event's id; 0 while the log is empty. */
  lastId(): number {
    return (
      this.statements
        .get<[], { lastId: number }>('SELECT coalesce(max(id), 0) AS lastId FROM events')
        .get()?.lastId ?? 0
    )
  }

  /** Up to `limit` events after `afterId`, oldest first, with what a replay of the log reads. */
  replayPage(afterId: number, limit: number): ReplayEvent[] {
    return this.statements
      .get<[number, number], ReplayEvent>(
        `SELECT id, ts, kind, track_id AS trackId, mark, reason, position, duration
         FROM events WHERE id > ? ORDER BY id LIMIT ?`,
      )
      .all(afterId, limit)
  }

  /** Whether the log holds an event that teaches the model (mark, label import, play end) about one of these tracks. */
  hasRewardEvents(trackIds: ArrayLike<number>): boolean {
    const chunk = 500 // well below SQLite's limit on bound parameters
    for (let start = 0; start < trackIds.length; start += chunk) {
      const ids = Array.from({ length: Math.min(chunk, trackIds.length - start) }, (_, i) =>
        Number(trackIds[start + i]),
      )
      const found = this.db
        .prepare(
          `SELECT 1 FROM events WHERE kind IN ('mark', 'label_import', 'play_end')
           AND track_id IN (${ids.map(() => '?').join(',')}) LIMIT 1`,
        )
        .get(...ids)
      if (found !== undefined) return true
    }
    return false
  }

  /** See `unplayableTracks`; the statement is prepared once per log. */
  unplayableTracks(): Map<number, string> {
    return unplayableFrom(this.statements.get<[], UnplayableRow>(UNPLAYABLE_SQL).all())
  }

  /** The newest event id and the number of events when a backup starts: the backup's snapshot. */
  backupExtent(): { lastId: number; count: number } {
    return (
      this.statements
        .get<[], { lastId: number; count: number }>(
          'SELECT coalesce(max(id), 0) AS lastId, count(*) AS count FROM events',
        )
        .get() ?? { lastId: 0, count: 0 }
    )
  }

  /** Up to `limit` events with ids in (afterId, upToId], oldest first, with their tracks' tags. */
  backupPage(afterId: number, upToId: number, limit: number): BackupRow[] {
    return this.statements
      .get<[number, number, number], BackupRow>(
        `SELECT e.id, e.ts, e.kind, e.play_id AS playId, e.position, e.duration, e.reason, e.mark, e.source, e.data,
                t.path, t.title, t.artist, t.album
         FROM events e LEFT JOIN tracks t ON t.id = e.track_id
         WHERE e.id > ? AND e.id <= ? ORDER BY e.id LIMIT ?`,
      )
      .all(afterId, upToId, limit)
  }

  /**
   * Appends a backup's events, checked beforehand, that the log does not hold yet, all in one
   * transaction (all or nothing). Tracks are matched by path; an unknown path gets a placeholder
   * track (path only, filled in by a later scan of it) so no event is lost. An event counts as
   * present when the log held one with the same natural key (ts, kind, track, play id, position,
   * reason, mark, source, data) before this import, as many times as the backup has it; so
   * importing the same file twice adds nothing the second time.
   */
  importBackup(events: readonly BackupEvent[]): BackupImport {
    const trackByPath = this.statements.get<[string], { id: number }>(
      'SELECT id FROM tracks WHERE path = ?',
    )
    const createTrack = this.statements.get<[string, number]>(
      'INSERT INTO tracks (path, added_at) VALUES (?, ?)',
    )
    // An index on (kind, ts) or (track_id, ts) finds the candidates; the rest of the key is compared on them.
    const countSame = this.statements.get<
      [
        number | null,
        number,
        string,
        string | null,
        number | null,
        string | null,
        string | null,
        string | null,
        string | null,
        number,
      ],
      { n: number }
    >(
      `SELECT count(*) AS n FROM events
       WHERE track_id IS ? AND ts = ? AND kind = ? AND play_id IS ? AND position IS ? AND reason IS ?
         AND mark IS ? AND source IS ? AND data IS ? AND id <= ?`,
    )

    const run = this.db.transaction((): BackupImport => {
      const now = Date.now()
      // Only events that were in the log before this import count as duplicates, so two identical
      // lines in one file (two identical events in the original log) both survive a round trip.
      const lastIdBefore = this.lastId()
      const trackIds = new Map<string, { id: number | null; created: boolean }>()
      const seenInFile = new Map<string, number>()
      let imported = 0
      let duplicates = 0
      let createdTracks = 0

      for (const { path, columns: c } of events) {
        let track: { id: number | null; created: boolean } | undefined =
          path === null ? { id: null, created: false } : trackIds.get(path)
        if (track === undefined && path !== null) {
          const existing = trackByPath.get(path)
          if (existing) track = { id: existing.id, created: false }
          else {
            track = { id: Number(createTrack.run(path, now).lastInsertRowid), created: true }
            createdTracks += 1
          }
          trackIds.set(path, track)
        }
        if (track === undefined) continue // unreachable: a path always resolves to a track

        if (!track.created) {
          const naturalKey = [
            track.id,
            c.ts,
            c.kind,
            c.playId,
            c.position,
            c.reason,
            c.mark,
            c.source,
            c.data,
          ] as const
          const already = countSame.get(...naturalKey, lastIdBefore)?.n ?? 0
          if (already > 0) {
            const key = JSON.stringify(naturalKey)
            const occurrence = (seenInFile.get(key) ?? 0) + 1
            seenInFile.set(key, occurrence)
            if (occurrence <= already) {
              duplicates += 1
              continue
            }
          }
        }
        this.insertRow(track.id, c)
        imported += 1
      }
      return { imported, duplicates, createdTracks }
    })
    return run.immediate()
  }

  private insertColumns(trackId: number, c: EventColumns): LoggedEvent {
    const id = this.insertRow(trackId, c)
    return {
      id,
      ts: c.ts,
      kind: c.kind,
      trackId,
      playId: c.playId,
      position: c.position,
      duration: c.duration,
      reason: c.reason,
      mark: c.mark,
      source: c.source,
      data: c.data === null ? null : (JSON.parse(c.data) as unknown),
    }
  }

  /** Inserts one checked row; returns its id. */
  private insertRow(trackId: number | null, c: EventColumns): number {
    const result = this.insert.run(
      c.ts,
      c.kind,
      trackId,
      c.playId,
      c.position,
      c.duration,
      c.reason,
      c.mark,
      c.source,
      c.data,
    )
    return Number(result.lastInsertRowid)
  }
}

interface ListenOutcomeRow {
  eventId: number
  trackId: number
  playId: string | null
  endedAt: number
  position: number
  reason: EndReason
  duration: number | null
}

function rowToEvent(row: EventRow): LoggedEvent {
  return { ...row, data: row.data === null ? null : parseJsonOrText(row.data) }
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function originOf(kind: LabelRow['kind']): TrackLabel['origin'] {
  return kind === 'mark' ? 'mark' : 'import'
}

function rowToLabel(row: LabelRow): TrackLabel {
  return { trackId: row.trackId, mark: row.mark, origin: originOf(row.kind), ts: row.ts }
}

/**
 * Tracks whose current file the player could not play (an `unplayable` event about the file's
 * present size and mtime), with the latest reason: kept out of picks until the file changes.
 * Reads only the unplayable events (index events_kind) and their tracks' rows.
 */
const UNPLAYABLE_SQL = `
  SELECT e.track_id AS trackId, json_extract(e.data, '$.reason') AS reason
  FROM events e JOIN tracks t ON t.id = e.track_id
  WHERE e.kind = 'unplayable'
    AND json_extract(e.data, '$.size') = t.size
    AND json_extract(e.data, '$.mtimeMs') = t.mtime_ms
  ORDER BY e.id`

interface UnplayableRow {
  trackId: number
  reason: string | null
}

function unplayableFrom(rows: readonly UnplayableRow[]): Map<number, string> {
  const found = new Map<number, string>()
  for (const row of rows) found.set(row.trackId, row.reason ?? 'It could not be played.')
  return found
}

/** `EventLog.unplayableTracks` for a caller without a log at hand. */
export function unplayableTracks(db: Database): Map<number, string> {
  return unplayableFrom(db.prepare<[], UnplayableRow>(UNPLAYABLE_SQL).all())
}
