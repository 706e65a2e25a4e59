// The taste model's own settings on a real SQLite file with analysed fixture songs: the embedding
// spaces the Settings view offers, and a changed PCA dimension that rebuilds the model from the
// event log without losing a label.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/main/engine'
import { EXTRACTOR } from '../../src/main/analysis/feature-names'
import { ContractError, parseArgs } from '../../src/shared/contract'
import { openAnalysedEngine, type AnalysedEngine } from '../helpers/analysed-engine'

let session: AnalysedEngine
let engine: Engine
let trackIds: number[]

beforeAll(async () => {
  // 16 songs: enough that k = min(pcaDims, N − 1, D) is set by pcaDims, not by N.
  session = await openAnalysedEngine(['singularity', 'nexuiz'])
  engine = session.engine
  trackIds = session.songs.map((t) => t.id).sort((a, b) => a - b)
}, 300_000)

afterAll(async () => {
  await session?.close()
})

/** The model's explanation of each song, in order. */
async function explainEach(ids: number[]) {
  const explained = []
  for (const trackId of ids) explained.push(await engine.handlers.explain({ trackId }))
  return explained
}

describe('listSpaces', () => {
  it('lists the built-in space with a vector for every analysed song and no errors', async () => {
    expect(trackIds).toHaveLength(16)
    const spaces = await engine.handlers.listSpaces(parseArgs('listSpaces', undefined))
    expect(spaces).toEqual([
      { space: 'attune-dsp-v1', dim: EXTRACTOR.dims, vectors: 16, errors: 0 },
    ])
  })

  it('takes no arguments', () => {
    expect(() => parseArgs('listSpaces', { space: 'attune-dsp-v1' })).toThrow(ContractError)
  })
})

describe('changing the PCA dimensions', () => {
  it('refuses PCA dimensions outside 2 to 256, a window under 10 and a λ of 0 before the engine', () => {
    for (const pcaDims of [1, 257, 8.5]) {
      expect(() => parseArgs('updateSettings', { section: 'model', patch: { pcaDims } })).toThrow(
        ContractError,
      )
    }
    expect(() =>
      parseArgs('updateSettings', { section: 'model', patch: { forgettingWindow: 9 } }),
    ).toThrow(ContractError)
    expect(() => parseArgs('updateSettings', { section: 'model', patch: { lambda: 0 } })).toThrow(
      ContractError,
    )
  })

  it('rebuilds the model with 8 dimensions from the same history: every label row is still there', async () => {
    const [loved, liked, rejected] = trackIds as [number, number, number]
    await engine.handlers.setMark({ trackId: loved, mark: 'love' })
    await engine.handlers.setMark({ trackId: liked, mark: 'like' })
    await engine.handlers.setMark({ trackId: rejected, mark: 'not_for_me' })

    const before = await engine.handlers.getInsights(undefined)
    // Default 64 dimensions, 32 of them for the sound (the tags take the other half), limited by
    // N − 1 = 15 songs' worth of variance.
    expect(before?.k).toBe(15)
    expect(before?.rows).toBe(3)
    const explainedBefore = await explainEach([loved, liked, rejected])

    const settings = await engine.handlers.updateSettings(
      parseArgs('updateSettings', { section: 'model', patch: { pcaDims: 8 } }),
    )
    expect(settings.model.pcaDims).toBe(8)
    expect(engine.settings.get().model.pcaDims).toBe(8)

    // The next recommendation already runs on the rebuilt model.
    const picks = await engine.handlers.recommend({ n: 5 })
    expect(picks).toHaveLength(5)
    const after = await engine.handlers.getInsights(undefined)
    // 8 dimensions: 4 for the sound (the PCA's k), 4 for the tags.
    expect(after?.k).toBe(4)
    expect(after?.explainedVariance).toHaveLength(4)
    expect(after?.inputDims).toBe(EXTRACTOR.dims)
    expect(after?.rows).toBe(before?.rows)
    expect(after?.labels).toEqual(before?.labels)
    const explainedAfter = await explainEach([loved, liked, rejected])
    expect(explainedAfter.map((e) => e?.label)).toEqual(explainedBefore.map((e) => e?.label))
    expect(explainedAfter.map((e) => e?.rows)).toEqual(explainedBefore.map((e) => e?.rows))
    expect(explainedAfter.map((e) => e?.label?.mark)).toEqual(['love', 'like', 'not_for_me'])
  }, 120_000)
})
