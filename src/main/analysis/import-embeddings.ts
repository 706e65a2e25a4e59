// Bring-your-own embeddings: vectors computed elsewhere (a Python notebook, another model) imported
// from CSV, JSONL or NPY into the `embeddings` table under the space `import:<name>`, keyed by the
// tracks' paths. Large files are streamed; rows are staged in a TEMP table (so memory stays flat)
// and copied into `embeddings` in one transaction only once the whole file has been checked.
import {
  closeSync,
  createReadStream,
  existsSync,
  fstatSync,
  openSync,
  readSync,
  statSync,
} from 'node:fs'
import { extname, isAbsolute, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Database } from '../db/database'
import { EmbeddingStaging } from '../db/embeddings'
import { RootRepository } from '../db/roots'
import { TrackRepository } from '../db/tracks'

export interface ImportEmbeddingsOptions {
  /** The file of vectors. */
  file: string
  /** Name of the space; stored as `import:<name>` unless it already starts with `import:`. */
  space: string
  /** NPY only: one path per line, in the order of the array's rows. */
  pathsFile?: string
  /** Default: from the file's extension (.csv/.tsv/.txt → csv, .jsonl/.ndjson → jsonl, .npy → npy). */
  format?: EmbeddingFileFormat
  /** Check the file and report, but write nothing. */
  dryRun?: boolean
}

export type {
  EmbeddingFileFormat,
  ImportedRowRef,
  ImportEmbeddingsReport,
  InvalidRow,
} from '../../shared/reports'
import type {
  EmbeddingFileFormat,
  ImportedRowRef,
  ImportEmbeddingsReport,
  InvalidRow,
} from '../../shared/reports'

/** The file cannot be imported as a whole; nothing was written. */
export class EmbeddingImportError extends Error {
  override name = 'EmbeddingImportError'
  constructor(
    message: string,
    readonly mismatched: (ImportedRowRef & { dim: number })[] = [],
    readonly invalid: InvalidRow[] = [],
  ) {
    super(message)
  }
}

/** Examples kept per kind of problem (counts are exact; listing a million bad lines helps no one). */
const EXAMPLES_KEPT = 1000

export function importSpaceName(name: string): string {
  const trimmed = name.trim()
  const bare = trimmed.startsWith('import:') ? trimmed.slice('import:'.length) : trimmed
  if (!bare.trim())
    throw new EmbeddingImportError('Give the imported embedding a name, e.g. --space openl3.')
  return `import:${bare.trim()}`
}

export function formatOfFile(file: string): EmbeddingFileFormat {
  switch (extname(file).toLowerCase()) {
    case '.csv':
    case '.tsv':
    case '.txt':
      return 'csv'
    case '.jsonl':
    case '.ndjson':
      return 'jsonl'
    case '.npy':
      return 'npy'
    default:
      throw new EmbeddingImportError(
        `Attune cannot tell the format of ${file} from its name; say csv, jsonl or npy.`,
      )
  }
}

/**
 * Finds the track a key names: an absolute path (or file:// URL), or a path relative to one of the
 * library's folders (each is tried, in the order they were added). Windows separators are accepted,
 * and a key in another Unicode normal form (macOS writes NFD) still matches.
 */
export class TrackPathResolver {
  private readonly tracks: TrackRepository
  private readonly roots: string[]

  constructor(db: Database) {
    this.tracks = new TrackRepository(db)
    this.roots = new RootRepository(db).pathsInOrderAdded()
  }

  resolve(key: string): number | null {
    const trimmed = key.trim()
    if (!trimmed) return null
    let candidate = trimmed
    if (/^file:\/\//i.test(candidate)) {
      try {
        candidate = fileURLToPath(candidate)
      } catch {
        return null
      }
    }
    if (process.platform !== 'win32') candidate = candidate.replace(/\\/g, '/')
    for (const form of new Set([
      candidate,
      candidate.normalize('NFC'),
      candidate.normalize('NFD'),
    ])) {
      const found = isAbsolute(form) ? this.lookUp(resolve(form)) : this.lookUpRelative(form)
      if (found !== null) return found
    }
    return null
  }

  private lookUp(path: string): number | null {
    return this.tracks.idOfPath(path)
  }

  private lookUpRelative(relative: string): number | null {
    for (const root of this.roots) {
      const found = this.lookUp(resolve(root, relative))
      if (found !== null) return found
    }
    return null
  }
}

/** One row of the file as read: a key and its numbers, or why it cannot be read. */
type ParsedRow =
  | { line: number; key: string; values: Float32Array }
  | { line: number; key: string; invalid: string }

/**
 * Imports vectors computed elsewhere into the space `import:<name>`.
 *
 * - CSV: the path, then the numbers (`path,0.12,-3.4,…`); a header line is optional; quoted fields
 *   may hold commas. JSONL: `{"path": "…", "vector": [ … ]}` per line (`"embedding"` also works).
 *   NPY: a 2-D float32/float64 little-endian array in C order, with `pathsFile` naming each row.
 * - Paths are absolute, or relative to any library folder.
 * - All or nothing: if any row has a different length from the others, or a value that is not a
 *   finite number (NaN, Infinity, text, or beyond float32's range), nothing is written and the
 *   EmbeddingImportError names the lines. Rows whose path is not in the library do NOT block the
 *   import: they are skipped and listed in `unmatched`.
 * - Re-importing a space replaces it entirely (vectors of tracks absent from the new file go too),
 *   in one transaction, so readers never see a mix of two files.
 */
export async function importEmbeddings(
  db: Database,
  options: ImportEmbeddingsOptions,
): Promise<ImportEmbeddingsReport> {
  const space = importSpaceName(options.space)
  const format = options.format ?? formatOfFile(options.file)
  if (format === 'npy' && !options.pathsFile) {
    throw new EmbeddingImportError(
      'An NPY file holds numbers only: give a paths file too, with one path per line in the order of the rows.',
    )
  }
  for (const file of [options.file, ...(format === 'npy' ? [options.pathsFile ?? ''] : [])]) {
    if (!existsSync(file)) throw new EmbeddingImportError(`The file ${file} does not exist.`)
    if (!statSync(file).isFile()) throw new EmbeddingImportError(`${file} is a folder, not a file.`)
  }
  const resolver = new TrackPathResolver(db)
  const staging = new EmbeddingStaging(db)
  try {
    const unmatched: ImportedRowRef[] = []
    const invalid: InvalidRow[] = []
    let invalidCount = 0
    let unmatchedCount = 0
    const rowsByDim = new Map<number, { count: number; examples: ImportedRowRef[] }>()
    const seenTracks = new Set<number>()
    let duplicates = 0
    let rows = 0

    const rowSource =
      format === 'csv'
        ? readCsvRows(options.file)
        : format === 'jsonl'
          ? readJsonlRows(options.file)
          : readNpyRows(options.file, options.pathsFile ?? '')
    for await (const row of rowSource) {
      rows++
      if ('invalid' in row) {
        invalidCount++
        if (invalid.length < EXAMPLES_KEPT)
          invalid.push({ line: row.line, key: row.key, reason: row.invalid })
        continue
      }
      const dim = row.values.length
      const byDim = rowsByDim.get(dim) ?? { count: 0, examples: [] }
      byDim.count++
      if (byDim.examples.length < EXAMPLES_KEPT)
        byDim.examples.push({ line: row.line, key: row.key })
      rowsByDim.set(dim, byDim)

      const trackId = resolver.resolve(row.key)
      if (trackId === null) {
        unmatchedCount++
        if (unmatched.length < EXAMPLES_KEPT) unmatched.push({ line: row.line, key: row.key })
        continue
      }
      if (seenTracks.has(trackId)) duplicates++
      seenTracks.add(trackId)
      staging.add(trackId, row.values)
    }
    staging.flush()

    // The file's dimension is its most common row length; the other lengths are the mistakes.
    let dim = 0
    let dimCount = -1
    for (const [length, { count }] of rowsByDim) {
      if (count > dimCount) {
        dim = length
        dimCount = count
      }
    }
    const mismatched = [...rowsByDim]
      .filter(([length]) => length !== dim)
      .flatMap(([length, { examples }]) => examples.map((ref) => ({ ...ref, dim: length })))
      .sort((a, b) => a.line - b.line)
    const mismatchedCount = [...rowsByDim].reduce(
      (n, [length, { count }]) => (length === dim ? n : n + count),
      0,
    )

    if (rows === 0) throw new EmbeddingImportError(`${options.file} holds no vectors.`)
    if (dim === 0 && invalidCount === 0)
      throw new EmbeddingImportError(`The rows of ${options.file} hold no numbers.`)
    const report: ImportEmbeddingsReport = {
      space,
      dim,
      imported: 0,
      unmatched,
      unmatchedCount,
      mismatched,
      invalid,
      duplicates,
      rows,
    }
    if (options.dryRun) return report
    if (mismatchedCount > 0 || invalidCount > 0) {
      throw new EmbeddingImportError(
        describeRefusal(dim, mismatched, mismatchedCount, invalid, invalidCount),
        mismatched,
        invalid,
      )
    }
    if (unmatchedCount === rows) {
      throw new EmbeddingImportError(
        `None of the ${rows} paths in ${options.file} is a track of the library (first: ${unmatched[0]?.key ?? ''}). ` +
          'Use absolute paths, or paths relative to a library folder.',
      )
    }
    report.imported = staging.commit(space, dim)
    return report
  } finally {
    staging.drop()
  }
}

function describeRefusal(
  dim: number,
  mismatched: (ImportedRowRef & { dim: number })[],
  mismatchedCount: number,
  invalid: InvalidRow[],
  invalidCount: number,
): string {
  const lines = (refs: ImportedRowRef[], total: number) =>
    refs
      .slice(0, 10)
      .map((r) => r.line)
      .join(', ') + (total > 10 ? ` and ${total - 10} more` : '')
  const parts: string[] = []
  if (mismatchedCount > 0) {
    const lengths = [...new Set(mismatched.map((m) => m.dim))].sort((a, b) => a - b).join(' or ')
    parts.push(
      `${mismatchedCount} ${mismatchedCount === 1 ? 'row has' : 'rows have'} ${lengths} numbers where the others have ${dim} ` +
        `(line ${lines(mismatched, mismatchedCount)})`,
    )
  }
  if (invalidCount > 0) {
    const first = invalid[0]
    parts.push(
      `${invalidCount} ${invalidCount === 1 ? 'row cannot' : 'rows cannot'} be read (line ${lines(invalid, invalidCount)}` +
        (first ? `; line ${first.line}: ${first.reason}` : '') +
        ')',
    )
  }
  return `Nothing was imported: ${parts.join(', and ')}.`
}

/** Parses one number strictly: `''`, `'abc'`, `'NaN'`, `'Infinity'` and values beyond float32 are refused. */
function parseValue(text: string): number | string {
  const trimmed = text.trim()
  if (!trimmed) return 'an empty value'
  const value = Number(trimmed)
  if (Number.isNaN(value))
    return /^[+-]?nan$/i.test(trimmed) ? 'NaN' : `'${trimmed.slice(0, 40)}' is not a number`
  if (!Number.isFinite(value)) return 'an infinite value'
  if (!Number.isFinite(Math.fround(value))) return `${trimmed} is too large for a 32-bit float`
  return value
}

function toVector(line: number, key: string, values: readonly unknown[]): ParsedRow {
  const vector = new Float32Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const raw = values[i]
    const parsed =
      typeof raw === 'string'
        ? parseValue(raw)
        : typeof raw === 'number'
          ? Number.isFinite(Math.fround(raw))
            ? raw
            : `${raw} is not a finite 32-bit float`
          : `${JSON.stringify(raw) ?? String(raw)} is not a number`
    if (typeof parsed === 'string') return { line, key, invalid: `value ${i + 1}: ${parsed}` }
    vector[i] = parsed
  }
  return { line, key, values: vector }
}

async function* linesOf(file: string): AsyncGenerator<{ line: number; text: string }> {
  const input = createReadStream(file, { encoding: 'utf8' })
  const reader = createInterface({ input, crlfDelay: Infinity })
  let line = 0
  try {
    for await (const text of reader) {
      line++
      yield { line, text: line === 1 ? text.replace(/^\uFEFF/, '') : text }
    }
  } finally {
    reader.close()
    input.destroy()
  }
}

/**
 * Splits a CSV record (RFC 4180 quoting). Returns null when a quoted field is still open at the end,
 * i.e. the record continues on the next line.
 */
export function splitCsvRecord(text: string, delimiter = ','): string[] | null {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && field.trim() === '') {
      quoted = true
      field = ''
    } else if (c === delimiter) {
      fields.push(field)
      field = ''
    } else field += c
  }
  if (quoted) return null
  fields.push(field)
  return fields
}

function looksNumeric(text: string): boolean {
  return /^\s*[+-]?(\d|\.\d|nan\b|inf)/i.test(text)
}

async function* readCsvRows(file: string): AsyncGenerator<ParsedRow> {
  let delimiter: string | null = null
  let record = ''
  let recordLine = 0
  let first = true
  for await (const { line, text } of linesOf(file)) {
    if (record === '' && text.trim() === '') continue
    if (record === '') recordLine = line
    record = record === '' ? text : `${record}\n${text}`
    // A tab-separated file is recognised by its first line holding tabs and no commas.
    delimiter ??= record.includes('\t') && !record.includes(',') ? '\t' : ','
    const fields = splitCsvRecord(record, delimiter)
    if (fields === null) continue
    record = ''
    const [key = '', ...values] = fields
    if (first) {
      first = false
      if (values.length === 0 || !values.some(looksNumeric)) continue // a header line
    }
    yield toVector(recordLine, key.trim(), values)
  }
  if (record !== '') yield { line: recordLine, key: '', invalid: 'a quoted field is never closed' }
}

async function* readJsonlRows(file: string): AsyncGenerator<ParsedRow> {
  for await (const { line, text } of linesOf(file)) {
    if (!text.trim()) continue
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      yield { line, key: '', invalid: 'not valid JSON (note that JSON has no NaN or Infinity)' }
      continue
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      yield { line, key: '', invalid: 'expected an object like {"path": "…", "vector": […]}' }
      continue
    }
    const record = parsed as Record<string, unknown>
    const key = typeof record.path === 'string' ? record.path : ''
    if (!key) {
      yield { line, key, invalid: 'no "path"' }
      continue
    }
    const vector = record.vector ?? record.embedding
    if (!Array.isArray(vector)) {
      yield { line, key, invalid: 'no "vector" (or "embedding") array' }
      continue
    }
    yield toVector(line, key, vector)
  }
}

export interface NpyHeader {
  dtype: 'float32' | 'float64'
  rows: number
  columns: number
  /** Byte offset of the data. */
  dataOffset: number
}

/** Reads the header of an NPY file (format versions 1, 2 and 3; numpy/lib/format.py documents them). */
export function parseNpyHeader(bytes: Uint8Array, file = 'The NPY file'): NpyHeader {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] // \x93NUMPY
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) {
    throw new EmbeddingImportError(
      `${file} is not an NPY file (it lacks the \\x93NUMPY signature).`,
    )
  }
  const major = bytes[6] ?? 0
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let headerLength: number
  let headerStart: number
  if (major === 1) {
    headerLength = view.getUint16(8, true)
    headerStart = 10
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new EmbeddingImportError(`${file} is cut short in its header.`)
    headerLength = view.getUint32(8, true)
    headerStart = 12
  } else {
    throw new EmbeddingImportError(
      `${file} uses NPY format version ${major}, which Attune does not know.`,
    )
  }
  if (bytes.length < headerStart + headerLength)
    throw new EmbeddingImportError(`${file} is cut short in its header.`)
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLength),
  )
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1]
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1]
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1]
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new EmbeddingImportError(`${file} has an NPY header Attune cannot read: ${header.trim()}`)
  }
  if (fortran === 'True') {
    throw new EmbeddingImportError(
      `${file} is stored in Fortran (column) order; save it in C order, e.g. np.save(f, np.ascontiguousarray(a)).`,
    )
  }
  const dtype = descr === '<f4' ? 'float32' : descr === '<f8' ? 'float64' : null
  if (dtype === null) {
    const hint = descr.startsWith('>') ? ' (big-endian)' : ''
    throw new EmbeddingImportError(
      `${file} holds ${descr}${hint} values; Attune reads little-endian float32 or float64 (e.g. a.astype('<f4')).`,
    )
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number)
  if (shape.length !== 2 || shape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new EmbeddingImportError(
      `${file} holds an array of shape (${shapeText.trim()}); Attune needs a 2-D array, one row per track.`,
    )
  }
  return {
    dtype,
    rows: shape[0] ?? 0,
    columns: shape[1] ?? 0,
    dataOffset: headerStart + headerLength,
  }
}

/** Lines of the paths file; blank lines at the very end are ignored, blank lines inside name no track. */
async function* pathLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  let blanks: { line: number; text: string }[] = []
  for await (const entry of linesOf(file)) {
    if (entry.text.trim() === '') {
      blanks.push(entry)
      continue
    }
    yield* blanks
    blanks = []
    yield entry
  }
}

async function* readNpyRows(file: string, pathsFile: string): AsyncGenerator<ParsedRow> {
  const fd = openSync(file, 'r')
  try {
    const prefix = Buffer.alloc(Math.min(fstatSync(fd).size, 1 << 16))
    readSync(fd, prefix, 0, prefix.length, 0)
    const header = parseNpyHeader(prefix, file)
    const itemBytes = header.dtype === 'float32' ? 4 : 8
    const rowBytes = header.columns * itemBytes
    const needed = header.dataOffset + header.rows * rowBytes
    const size = fstatSync(fd).size
    if (size < needed) {
      throw new EmbeddingImportError(
        `${file} is cut short: its header promises ${header.rows} rows it does not hold.`,
      )
    }
    const rowsPerChunk = Math.max(1, Math.floor((1 << 20) / Math.max(1, rowBytes)))
    const chunk = Buffer.alloc(rowsPerChunk * rowBytes)
    let chunkFirstRow = 0
    let chunkRows = 0
    let row = 0
    for await (const { line, text } of pathLines(pathsFile)) {
      if (row >= header.rows) {
        throw new EmbeddingImportError(
          `The paths file ${pathsFile} names more paths than ${file} has rows (${header.rows}); nothing was imported.`,
        )
      }
      if (row >= chunkFirstRow + chunkRows) {
        chunkFirstRow = row
        chunkRows = Math.min(rowsPerChunk, header.rows - row)
        readSync(fd, chunk, 0, chunkRows * rowBytes, header.dataOffset + row * rowBytes)
      }
      const at = (row - chunkFirstRow) * rowBytes
      const values = new Float32Array(header.columns)
      let invalid: string | null = null
      for (let c = 0; c < header.columns && invalid === null; c++) {
        const value =
          header.dtype === 'float32'
            ? chunk.readFloatLE(at + c * 4)
            : chunk.readDoubleLE(at + c * 8)
        values[c] = value
        // A float64 beyond float32's range becomes Infinity once stored: refuse it like NaN.
        if (!Number.isFinite(values[c])) {
          invalid = `value ${c + 1}: ${Number.isFinite(value) ? `${value} is too large for a 32-bit float` : String(value)}`
        }
      }
      yield invalid === null
        ? { line, key: text.trim(), values }
        : { line, key: text.trim(), invalid }
      row++
    }
    if (row < header.rows) {
      throw new EmbeddingImportError(
        `${file} has ${header.rows} rows but the paths file ${pathsFile} names only ${row} paths; nothing was imported.`,
      )
    }
  } finally {
    closeSync(fd)
  }
}
