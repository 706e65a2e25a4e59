// What the library's tools answer (the counts of `attune stats`, importing and exporting the
// listening log and vectors): plain types shared by the engine and every front end.
import type { AudioFormat } from './domain'

export interface LibraryStats {
  /** Tracks whose file is present (readable or not). */
  tracks: number
  missing: number
  /** Present files that could not be read. */
  failed: number
  byFormat: Partial<Record<AudioFormat, number>>
  /** Seconds of playable audio. */
  totalDuration: number
  albums: number
  artists: number
}

export interface ImportLineError {
  /** 1-based line number in the file. */
  line: number
  message: string
}

export interface ImportResult {
  imported: number
  /** Events already in the log (same natural key), so not added again. */
  duplicates: number
  /** Placeholder tracks created for paths the database did not know yet (scanned later). */
  createdTracks: number
  /** Bad lines; only non-empty with `{ reportErrors: true }`, and then nothing was written. */
  errors: ImportLineError[]
}

export type EmbeddingFileFormat = 'csv' | 'jsonl' | 'npy'

export interface ImportedRowRef {
  /** 1-based line of the CSV/JSONL file, or of the paths file for NPY (= row index + 1). */
  line: number
  key: string
}

export interface ImportEmbeddingsReport {
  /** The stored space name, `import:<name>`. */
  space: string
  /** Dimension of the vectors (the most common row length in the file). */
  dim: number
  /** Vectors written (0 on a dry run). Tracks named twice count once. */
  imported: number
  /** Rows whose path is not a track of the library: skipped, the rest is imported (first 1000 listed). */
  unmatched: ImportedRowRef[]
  /** How many rows were unmatched in all. */
  unmatchedCount: number
  /** Rows whose length differs from `dim` (always empty after a real import: such a file is refused). */
  mismatched: (ImportedRowRef & { dim: number })[]
  /** Rows that cannot be read: a value that is not a finite number, bad JSON (always empty after a real import). */
  invalid: InvalidRow[]
  /** Rows naming a track that an earlier row already named; the last row wins. */
  duplicates: number
  /** Rows read (data rows, header excluded). */
  rows: number
}

export interface InvalidRow extends ImportedRowRef {
  reason: string
}
