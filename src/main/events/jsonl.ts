import { once } from 'node:events'
import { posix, win32 } from 'node:path'
import { UserError } from '../../shared/errors'
import type { Database } from '../db/database'
import { validateEventColumns, type EventColumns } from '../db/event-columns'
import { EventLog, type BackupEvent, type BackupRow } from '../db/events'

/**
 * Backup of the event log as JSON Lines: a header line, then one event per line, oldest first.
 * Each event names its track by path (ids differ between databases) and carries the track's tags
 * so a person can read the file; only the path is used to match tracks on import.
 */
export const EVENTS_FILE_FORMAT = 'attune-events'
export const EVENTS_FILE_VERSION = 1

export interface EventsFileHeader {
  format: typeof EVENTS_FILE_FORMAT
  version: number
  exportedAt: number
  /** How many event lines follow. */
  events: number
}

/** One event line of the backup file. */
export interface EventsFileLine {
  /** The event's id in the exporting database, for people; ignored on import. */
  id: number
  ts: number
  kind: string
  track: { path: string; title: string | null; artist: string | null; album: string | null } | null
  playId: string | null
  position: number | null
  duration: number | null
  reason: string | null
  mark: string | null
  source: string | null
  data: unknown
}

export type { ImportLineError, ImportResult } from '../../shared/reports'
import type { ImportLineError, ImportResult } from '../../shared/reports'

export interface ImportOptions {
  /** Return bad lines in `errors` (writing nothing) instead of throwing `EventImportError`. */
  reportErrors?: boolean
}

export class EventImportError extends UserError {
  readonly line: number
  constructor(readonly errors: readonly ImportLineError[]) {
    const first = errors[0] ?? { line: 0, message: 'unknown problem' }
    const more =
      errors.length > 1
        ? ` (and ${errors.length - 1} more bad line${errors.length > 2 ? 's' : ''})`
        : ''
    super(`Nothing was imported: line ${first.line}: ${first.message}${more}`)
    this.name = 'EventImportError'
    this.line = first.line
  }
}

const EXPORT_BATCH = 1000
const MAX_REPORTED_ERRORS = 50
/** No event line comes near this; a longer line means the file is not a backup. */
export const MAX_EVENT_LINE_BYTES = 4 * 1024 * 1024

/**
 * Writes the whole log to `writable` as JSONL and returns how many events were written. It reads
 * in batches by id and waits for `drain`, so memory stays flat however long the log is; the
 * snapshot is the log as it was when the export began. The caller ends the stream.
 */
export async function exportEvents(db: Database, writable: NodeJS.WritableStream): Promise<number> {
  const log = new EventLog(db)
  const { lastId, count } = log.backupExtent()
  const header: EventsFileHeader = {
    format: EVENTS_FILE_FORMAT,
    version: EVENTS_FILE_VERSION,
    exportedAt: Date.now(),
    events: count,
  }
  await write(writable, JSON.stringify(header) + '\n')

  let written = 0
  let afterId = 0
  for (;;) {
    const rows = log.backupPage(afterId, lastId, EXPORT_BATCH)
    if (rows.length === 0) break
    let chunk = ''
    for (const row of rows) chunk += JSON.stringify(toLine(row)) + '\n'
    await write(writable, chunk)
    written += rows.length
    afterId = rows[rows.length - 1]?.id ?? lastId
  }
  return written
}

interface ParsedEvent extends BackupEvent {
  line: number
}

/**
 * Reads a backup written by `exportEvents` and appends the events the log does not hold yet.
 *
 * - Tracks are matched by path; an unknown path gets a placeholder track (path only, not scanned)
 *   so no event is lost, and a later scan of that path fills the row in.
 * - Idempotent: an event counts as present when the log already has one with the same natural key
 *   (ts, kind, track path, play id, position, reason, mark, source, data), as many times as the
 *   file has it; importing the same file twice adds nothing the second time.
 * - All or nothing: every line is checked first, then everything is written in one transaction.
 *   Bad lines throw `EventImportError` naming their line numbers (or, with `reportErrors`, come
 *   back in `errors`); either way nothing is written. The checked events are held in memory until
 *   the commit because a SQLite transaction cannot stay open across the awaits of reading
 *   (other callers on the same connection would land inside it).
 */
export async function importEvents(
  db: Database,
  readable: NodeJS.ReadableStream,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const { events, errors } = await parseFile(readable)
  if (errors.length > 0) {
    if (options.reportErrors) return { imported: 0, duplicates: 0, createdTracks: 0, errors }
    throw new EventImportError(errors)
  }
  return { ...new EventLog(db).importBackup(events), errors: [] }
}

async function parseFile(
  readable: NodeJS.ReadableStream,
): Promise<{ events: ParsedEvent[]; errors: ImportLineError[] }> {
  const events: ParsedEvent[] = []
  const errors: ImportLineError[] = []
  let lineNumber = 0
  let expected: number | null = null
  let sawHeader = false
  let badEventLines = 0
  let stoppedEarly = false
  for await (const line of readLines(readable, MAX_EVENT_LINE_BYTES)) {
    lineNumber = line.number
    if (line.tooLong) {
      errors.push({
        line: line.number,
        message: `This line is longer than ${MAX_EVENT_LINE_BYTES / 1024 / 1024} MB, so the file is not an Attune backup.`,
      })
      stoppedEarly = true
      break
    }
    const text = (line.number === 1 ? line.text.replace(/^\uFEFF/, '') : line.text).trim()
    if (text === '') continue
    try {
      const value = parseJson(text)
      if (!sawHeader) {
        expected = checkHeader(value)
        sawHeader = true
      } else {
        events.push({ line: line.number, ...parseEventLine(value) })
      }
    } catch (error) {
      if (sawHeader) badEventLines += 1
      errors.push({ line: line.number, message: (error as Error).message })
      if (errors.length >= MAX_REPORTED_ERRORS) {
        stoppedEarly = true
        break
      }
    }
  }
  if (!sawHeader && errors.length === 0) {
    errors.push({
      line: Math.max(1, lineNumber),
      message: 'The file is empty: it has no Attune events header.',
    })
  }
  // The header says how many events follow: a backup cut by a crash, a full disk or a partial copy
  // (even exactly at a line boundary) holds fewer, and importing it would silently lose the rest.
  const found = events.length + badEventLines
  if (
    expected !== null &&
    !stoppedEarly &&
    (found < expected || (found > expected && errors.length === 0))
  ) {
    errors.unshift({
      line: lineNumber,
      message:
        found < expected
          ? `The file is cut short: its header says it holds ${expected} events, but only ${events.length} were found. It was probably written by an export that was interrupted; export the backup again.`
          : `The file holds more events than its header says (${expected} expected, ${found} found); it was changed after it was written.`,
    })
  }
  return { events, errors }
}

interface Line {
  number: number
  text: string
  tooLong: boolean
}

/**
 * Splits a byte stream into UTF-8 lines (LF or CRLF) without ever holding more than `maxBytes` of
 * one line: a file with a gigantic line (or no newline at all) stops with \`tooLong\` instead of
 * exhausting memory, which readline would do.
 */
export async function* readLines(
  readable: NodeJS.ReadableStream,
  maxBytes: number,
): AsyncGenerator<Line> {
  let pending: Buffer[] = []
  let pendingBytes = 0
  let number = 0
  const decode = (parts: Buffer[]): string => {
    let text = Buffer.concat(parts).toString('utf8')
    if (text.endsWith('\r')) text = text.slice(0, -1)
    return text
  }
  try {
    for await (const raw of readable as AsyncIterable<Buffer | string>) {
      let chunk = typeof raw === 'string' ? Buffer.from(raw) : raw
      for (;;) {
        const newline = chunk.indexOf(10)
        if (newline < 0) {
          pending.push(chunk)
          pendingBytes += chunk.length
          if (pendingBytes > maxBytes) {
            yield { number: number + 1, text: '', tooLong: true }
            return
          }
          break
        }
        const head = chunk.subarray(0, newline)
        if (pendingBytes + head.length > maxBytes) {
          yield { number: number + 1, text: '', tooLong: true }
          return
        }
        pending.push(head)
        number += 1
        yield { number, text: decode(pending), tooLong: false }
        pending = []
        pendingBytes = 0
        chunk = chunk.subarray(newline + 1)
      }
    }
    if (pendingBytes > 0) yield { number: number + 1, text: decode(pending), tooLong: false }
  } finally {
    const destroyable = readable as NodeJS.ReadableStream & { destroy?: () => void }
    destroyable.destroy?.()
  }
}

/** Checks the header line; returns how many events it says follow (null if it does not say). */
function checkHeader(value: unknown): number | null {
  if (!isObject(value) || value.format !== EVENTS_FILE_FORMAT) {
    throw new Error(
      `This is not an Attune events file: the first line must be its header ({"format":"${EVENTS_FILE_FORMAT}",…}).`,
    )
  }
  const version = value.version
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new Error('The header has no valid format version.')
  }
  if (version > EVENTS_FILE_VERSION) {
    throw new Error(
      `This file was written by a newer Attune (events format ${version}; this version reads ${EVENTS_FILE_VERSION}). Update Attune to import it.`,
    )
  }
  const events = value.events
  if (events === undefined) return null
  if (typeof events !== 'number' || !Number.isSafeInteger(events) || events < 0) {
    throw new Error('The header’s event count is not a whole number.')
  }
  return events
}

function parseEventLine(value: unknown): { path: string | null; columns: EventColumns } {
  if (!isObject(value)) throw new Error('An event line must be a JSON object.')
  const track = value.track
  // A "never play" rule is about no track.
  if (value.kind === 'exclusion') {
    if (track !== null && track !== undefined) {
      throw new Error('An exclusion event names no track.')
    }
    if (value.ts === undefined || value.ts === null) throw new Error('The event has no time (ts).')
    const columns = validateEventColumns({
      kind: 'exclusion',
      ts: value.ts as number,
      source: value.source as string | null,
      data: value.data,
    })
    return { path: null, columns }
  }
  if (!isObject(track) || typeof track.path !== 'string' || track.path === '') {
    throw new Error('The event does not name its track’s path.')
  }
  // Backups hold absolute paths; a relative one ("../../etc/passwd") would resolve against
  // wherever the importer runs, and become a placeholder track pointing anywhere.
  if (!posix.isAbsolute(track.path) && !win32.isAbsolute(track.path)) {
    throw new Error(
      'The event’s track path is not a full path (it must start at the top of a disk).',
    )
  }
  if (value.ts === undefined || value.ts === null) throw new Error('The event has no time (ts).')
  const columns = validateEventColumns({
    kind: value.kind as EventColumns['kind'],
    ts: value.ts as number,
    playId: value.playId as string | null,
    position: value.position as number | null,
    duration: value.duration as number | null,
    reason: value.reason as EventColumns['reason'],
    mark: value.mark as EventColumns['mark'],
    source: value.source as string | null,
    data: value.data,
  })
  return { path: track.path, columns }
}

function toLine(row: BackupRow): EventsFileLine {
  return {
    id: row.id,
    ts: row.ts,
    kind: row.kind,
    track:
      row.path === null
        ? null
        : { path: row.path, title: row.title, artist: row.artist, album: row.album },
    playId: row.playId,
    position: row.position,
    duration: row.duration,
    reason: row.reason,
    mark: row.mark,
    source: row.source,
    data: row.data === null ? null : parseJsonOrText(row.data),
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new Error(`This line is not valid JSON (${(error as Error).message}).`)
  }
}

/** Data written outside `EventLog` might not be JSON; keep it as text rather than fail the backup. */
function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

async function write(writable: NodeJS.WritableStream, chunk: string): Promise<void> {
  if (!writable.write(chunk)) await once(writable, 'drain')
}
