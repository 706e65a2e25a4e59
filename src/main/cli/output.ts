import type { Writable } from 'node:stream'
import type { ErrorCode } from '../../shared/errors'
import { errorBody } from '../../shared/errors'

/** A failure the listener can act on: printed without a stack, with what to do next. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/**
 * What to do next for each error code, by the command that does it. The app words the same codes
 * with the button to press (src/renderer/src/lib/errors.ts).
 */
export const CLI_NEXT_STEP: Partial<Record<ErrorCode, string>> = {
  'not-analysed': 'Run: attune analyze',
  'no-vectors':
    'Import them with: attune import-embeddings FILE --space NAME, or choose another space with --space',
  busy: 'Most likely another Attune (the app, or attune serve) is writing to it. Close it, or wait until it is done, then run this again.',
  'read-only': 'Make its file and folder writable, then run this again.',
}

/**
 * An error in the CLI's words: the engine's message, then the command to run. SQLite's and Node's
 * errors get words and a code like the app's (see errorBody); the CLI's own failures keep their
 * text, since its reader may need it to report a bug.
 */
export function cliErrorText(error: unknown): string {
  if (error instanceof CliError) return error.message
  const body = errorBody(error)
  const message =
    body.code === 'internal'
      ? error instanceof Error
        ? error.message
        : String(error)
      : body.message
  const step = CLI_NEXT_STEP[body.code]
  return step ? `${message} ${step}` : message
}

export interface Io {
  stdout: Writable & { isTTY?: boolean }
  stderr: Writable & { isTTY?: boolean; columns?: number }
}

export const processIo: Io = { stdout: process.stdout, stderr: process.stderr }

/**
 * Progress on the terminal: a redrawn bar when stderr is a TTY, otherwise a plain line at most
 * every few seconds, so logs of scripted runs stay readable.
 */
export class ProgressReporter {
  private lastPlain = 0
  private drawn = false

  constructor(
    private readonly io: Io,
    private readonly label: string,
    private readonly enabled = true,
  ) {}

  update(done: number, total: number | null, detail = '', etaSeconds: number | null = null): void {
    if (!this.enabled) return
    const eta =
      etaSeconds !== null && Number.isFinite(etaSeconds) ? ` ETA ${formatDuration(etaSeconds)}` : ''
    if (this.io.stderr.isTTY) {
      const width = Math.max(10, Math.min(40, (this.io.stderr.columns ?? 80) - 60))
      const fraction = total ? Math.min(1, done / total) : 0
      const filled = Math.round(fraction * width)
      const bar = total ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]` : ''
      const count = total ? `${done}/${total}` : `${done}`
      this.io.stderr.write(`\r\x1b[2K${this.label} ${bar} ${count}${eta} ${detail}`.slice(0, 200))
      this.drawn = true
    } else {
      const now = Date.now()
      if (now - this.lastPlain < 2000) return
      this.lastPlain = now
      this.io.stderr.write(`${this.label}: ${done}${total ? `/${total}` : ''}${eta} ${detail}\n`)
    }
  }

  finish(): void {
    if (this.drawn) this.io.stderr.write('\r\x1b[2K')
    this.drawn = false
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = s % 60
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(rest).padStart(2, '0')}`
    : `${m}:${String(rest).padStart(2, '0')}`
}

export function writeJson(io: Io, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n')
}

/** A plain-text table with left-aligned columns. */
export function formatTable(headers: string[], rows: (string | number | null)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? '' : String(c))))]
  const widths = headers.map((_, i) =>
    Math.min(48, Math.max(...cells.map((r) => (r[i] ?? '').length))),
  )
  return cells
    .map((r) =>
      r
        .map((c, i) => {
          const w = widths[i] ?? 0
          return c.length > w ? c.slice(0, w - 1) + '…' : c.padEnd(w)
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}
