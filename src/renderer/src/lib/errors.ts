// The app's words for the engine's error codes: what happened (the engine's message), then which
// button fixes it. The CLI words the same codes with the command to run (src/main/cli/output.ts).
import { errorCodeOf, type ErrorBody, type ErrorCode } from '../../../shared/errors'

/** What the listener can do next, by the button or place that does it. */
export const APP_NEXT_STEP: Partial<Record<ErrorCode, string>> = {
  'not-analysed':
    'Attune analyses your songs in the background; to start now, press Analyse now in Settings → Advanced.',
  'no-vectors': 'Choose another embedding space under Taste model in Settings → Advanced.',
  busy: 'Another program is writing to the library; try again in a moment.',
  'read-only':
    'Attune can play your music, but saves nothing until its library file and folder can be written.',
}

/** An error (or an error event's body) in the app's words: the message, then what to do. */
export function appErrorText(error: unknown): string {
  const message = isBody(error)
    ? error.message
    : error instanceof Error
      ? error.message
      : String(error)
  const code = errorCodeOf(error)
  const step = code === null ? undefined : APP_NEXT_STEP[code]
  return step ? `${message} ${step}` : message
}

function isBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as { message?: unknown }).message === 'string'
  )
}
