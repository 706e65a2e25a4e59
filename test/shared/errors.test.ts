import { describe, expect, it } from 'vitest'
import { ContractError, parseArgs, type Api, type EngineEvent } from '../../src/shared/contract'
import {
  codedBody,
  errorCodeOf,
  isNothingToScore,
  unwrapAnswer,
  UserError,
} from '../../src/shared/errors'

describe('error codes', () => {
  it('reads the code of an error of ours, and never a system code (ENOENT) as one', () => {
    expect(errorCodeOf(new UserError('No song is analysed yet.', 'not-analysed'))).toBe(
      'not-analysed',
    )
    expect(errorCodeOf(Object.assign(new Error('gone'), { code: 'ENOENT' }))).toBeNull()
    expect(errorCodeOf({ code: 'busy', message: 'an error body' })).toBe('busy')
    expect(errorCodeOf('not-analysed')).toBeNull()
    expect(codedBody(new Error('plain'))).toBeNull()
  })

  it('bad call arguments are bad-input', () => {
    const error = (() => {
      try {
        parseArgs('setMark', { trackId: 'seven' })
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ContractError)
    expect(errorCodeOf(error)).toBe('bad-input')
  })

  it('an answer that failed is thrown again with its code; one that worked gives its result', () => {
    expect(unwrapAnswer({ ok: true, result: 3 })).toBe(3)
    let thrown: unknown = null
    try {
      unwrapAnswer({ ok: false, error: { code: 'no-vectors', message: 'No vectors.' } })
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(UserError)
    expect(thrown).toMatchObject({ code: 'no-vectors', message: 'No vectors.' })
    expect(isNothingToScore(thrown)).toBe(true)
  })
})

describe('contract types', () => {
  // Checked by the type checker (npm run typecheck): a required argument is required in Api, and
  // an event's payload is known from its name.
  async function typeChecks(api: Api, event: EngineEvent): Promise<void> {
    // @ts-expect-error setMark needs a track and a mark
    await api.setMark()
    // @ts-expect-error listGroupTracks needs an album or an artist
    await api.listGroupTracks()
    // @ts-expect-error updateSettings needs a section
    await api.updateSettings()
    await api.getSettings()
    await api.recommend()
    await api.listTracks()
    if (event.name === 'scanProgress') expect(event.payload.seen).toBeTypeOf('number')
    if (event.name === 'error') expect(event.payload.code).toBeTypeOf('string')
    // @ts-expect-error a labelsChanged payload has no `seen`
    if (event.name === 'labelsChanged') expect(event.payload.seen).toBeUndefined()
  }

  it('is a function the type checker reads', () => {
    expect(typeChecks).toBeTypeOf('function')
  })
})
