// Any failure as an ErrorBody (a code and the engine's words) for a front end: Attune's own errors
// keep theirs; SQLite's and Node's become words, never their raw text. The browser host, the
// Electron IPC binding and the CLI all read errors through this, so a code means the same everywhere.
import { codedBody, type ErrorBody } from '../shared/errors'

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
