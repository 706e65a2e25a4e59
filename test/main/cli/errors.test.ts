import { describe, expect, it } from 'vitest'
import { CliError, cliErrorText } from '../../../src/main/cli/output'
import { UserError } from '../../../src/shared/errors'

describe('the CLI words error codes with the command to run', () => {
  it('names the command that fixes a missing analysis or missing vectors', () => {
    expect(cliErrorText(new UserError('No song is analysed yet.', 'not-analysed'))).toBe(
      'No song is analysed yet. Run: attune analyze',
    )
    expect(
      cliErrorText(new UserError("There are no vectors in space 'import:clap'.", 'no-vectors')),
    ).toMatch(
      /^There are no vectors in space 'import:clap'\. Import them with: attune import-embeddings FILE --space NAME/,
    )
  })

  it("words SQLite's busy and read-only errors, never their raw text", () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })
    expect(cliErrorText(busy)).toMatch(
      /busy.*another Attune .* is writing to it\. Close it, or wait/,
    )
    expect(cliErrorText(busy)).not.toContain('database is locked')
    const readOnly = Object.assign(new Error('attempt to write a readonly database'), {
      code: 'SQLITE_READONLY',
    })
    expect(cliErrorText(readOnly)).toBe(
      'The library is open for reading only, so nothing was saved. Make its file and folder writable, then run this again.',
    )
  })

  it("keeps its own errors' words, and an unexpected failure's text for a bug report", () => {
    expect(cliErrorText(new CliError('Say which file.', 2))).toBe('Say which file.')
    expect(cliErrorText(new TypeError('x is undefined'))).toBe('x is undefined')
  })
})
