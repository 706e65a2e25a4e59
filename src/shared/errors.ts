// Errors that cross a boundary (worker → engine → IPC or HTTP → a front end) keep one of these
// codes, so a front end can tell what happened without reading the words, and word it for its own
// reader: the CLI names the command to run, the app the button to press (cli/output.ts,
// renderer/src/lib/errors.ts). The engine's message says what is wrong, never which command or
// button fixes it.

export const ERROR_CODES = [
  /** No song has a vector in the built-in analysis space yet. */
  'not-analysed',
  /** The model's embedding space (an imported one) holds no vectors. */
  'no-vectors',
  /** A file or folder the listener named is not there. */
  'file-missing',
  /** A file is there but cannot or may not be read (permissions, a folder, too large, damaged). */
  'unreadable',
  /** Another program holds the library for writing; trying again later helps. */
  'busy',
  /** The library could only be opened for reading, so nothing was saved. */
  'read-only',
  /** The arguments or the input file are wrong. */
  'bad-input',
  /** A song, folder or item is not in the library (any more). */
  'not-found',
  /** The request clashes with what the library holds or is doing. */
  'conflict',
  /** The engine failed; the details are in its log. */
  'internal',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/** An error as it crosses a boundary: its code and the engine's words. */
export interface ErrorBody {
  code: ErrorCode
  message: string
}

/** A failure the listener can act on: a code, and a message in their words. */
export class UserError extends Error {
  override name = 'UserError'
  constructor(
    message: string,
    readonly code: ErrorCode = 'bad-input',
  ) {
    super(message)
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}

/**
 * The Attune code an error carries (a UserError, or an error rebuilt from an ErrorBody on the far
 * side of a boundary), or null. Node's and SQLite's own codes (ENOENT, SQLITE_BUSY) are not ours.
 */
export function errorCodeOf(error: unknown): ErrorCode | null {
  if (typeof error !== 'object' || error === null) return null
  const code = (error as { code?: unknown }).code
  return isErrorCode(code) ? code : null
}

/** An error's body for the far side of a boundary, when it carries a code of ours. */
export function codedBody(error: unknown): ErrorBody | null {
  const code = errorCodeOf(error)
  if (code === null) return null
  return { code, message: error instanceof Error ? error.message : String(error) }
}

/** The error again on the far side of a boundary, with its code. */
export function fromErrorBody(body: ErrorBody): UserError {
  return new UserError(body.message, body.code)
}

/**
 * A call's answer as it crosses Electron's IPC and context bridge, which keep only an Error's
 * message: a failure travels as a value, and the renderer throws it again with its code.
 */
export type CallAnswer<T = unknown> = { ok: true; result: T } | { ok: false; error: ErrorBody }

/** The result of a call's answer, or its error thrown again with its code. */
export function unwrapAnswer<T>(answer: CallAnswer<T>): T {
  if (answer.ok) return answer.result
  throw fromErrorBody(answer.error)
}

/** Whether the failure means the taste model has no song to work with (yet). */
export function isNothingToScore(error: unknown): boolean {
  const code = errorCodeOf(error)
  return code === 'not-analysed' || code === 'no-vectors'
}

// Any failure as an ErrorBody (a code and the engine's words) for a front end: Attune's own errors
// keep theirs; SQLite's and Node's become words, never their raw text. The browser host, the
// Electron IPC binding and the CLI all read errors through this, so a code means the same everywhere.
/** JavaScript's own errors: their text is for developers (it goes to the log, not the listener). */
const BUILT_IN = ['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'SqliteError']

export const ENGINE_FAILED = 'The engine failed on this request.'

/**
 * The code and words of a failure. `internal` errors (the engine's own failures) are worth logging
 * with their stack; the others are the listener's to fix.
 */
export function errorBody(error: unknown): ErrorBody {
  const coded = codedBody(error)
  if (coded) return coded
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string') {
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
      return { code: 'not-found', message: 'That song or item is not in the library (any more).' }
    if (code.startsWith('SQLITE_CONSTRAINT'))
      return { code: 'conflict', message: 'That clashes with what the library already holds.' }
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
      return { code: 'busy', message: 'The library is busy with another writer.' }
    if (code.startsWith('SQLITE_READONLY'))
      return {
        code: 'read-only',
        message: 'The library is open for reading only, so nothing was saved.',
      }
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return { code: 'file-missing', message: 'There is no such file or folder.' }
    if (code === 'EISDIR') return { code: 'bad-input', message: 'That is a folder, not a file.' }
    if (code === 'EACCES' || code === 'EPERM')
      return { code: 'unreadable', message: 'Attune may not read that (permission denied).' }
  }
  // Errors Attune throws itself carry words for the listener; JavaScript's own (a TypeError, a
  // stack overflow) and unmapped system errors do not.
  if (error instanceof Error && typeof code !== 'string' && !BUILT_IN.includes(error.name)) {
    return { code: 'internal', message: error.message }
  }
  return { code: 'internal', message: ENGINE_FAILED }
}
