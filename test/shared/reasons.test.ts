import { describe, expect, it } from 'vitest'
import {
  asPickReason,
  reasonLine,
  withPickContext,
  type PickReason,
  type ReasonSong,
} from '../../src/shared/reasons'

const song = (
  title: string,
  feeling: ReasonSong['feeling'],
  relation: ReasonSong['relation'] = 'close',
): ReasonSong => ({ trackId: title.length, title, feeling, relation })

describe('the reason line', () => {
  it('leads with songs, groups them by what you did, then one feature, then the wild card', () => {
    expect(
      reasonLine({
        songs: [
          song('Battle Music', 'loved'),
          song('Nunc Dimittis', 'loved'),
          song('Thunder', 'turned down', 'far'),
        ],
        feature: 'calmer',
        wildCard: null,
        coldStart: false,
      }),
    ).toBe(
      'Close to Battle Music and Nunc Dimittis, which you loved. Far from Thunder, which you turned down. Calmer than most of your songs.',
    )
    expect(
      reasonLine({
        songs: [song('Elf Land', 'loved'), song('Loyalists', 'liked')],
        feature: 'a minor-key feel',
        wildCard: "the model hasn't heard songs like this from you yet",
        coldStart: false,
      }),
    ).toBe(
      "Close to Elf Land, which you loved, and Loyalists, which you liked. It has a minor-key feel. A wild card, as the model hasn't heard songs like this from you yet.",
    )
  })

  it('says something plain when there is nothing to name, and when nothing is learned', () => {
    const empty = { songs: [], feature: null, wildCard: null }
    expect(reasonLine({ ...empty, coldStart: false })).toMatch(/^The closest fit/)
    expect(reasonLine({ ...empty, coldStart: true })).toMatch(/nothing is learned yet\.$/)
  })

  it('adds or drops the wild card and the chance without touching the rest', () => {
    const parts = { songs: [song('Elf Land', 'loved')], feature: null, wildCard: null }
    const reason: PickReason = {
      ...parts,
      coldStart: false,
      line: reasonLine({ ...parts, coldStart: false }),
      details: {
        mean: 0.3,
        bonus: 0.9,
        ucb: 1.2,
        probability: null,
        baseline: 0,
        songs: [],
        features: [],
      },
    }
    const wild = withPickContext(reason, { wildCard: true, probability: 0.4 })
    expect(wild.line).toBe(
      `${reason.line} A wild card, as the model hasn't heard songs like this from you yet.`,
    )
    expect(wild.details.probability).toBe(0.4)
    expect(withPickContext(wild, { wildCard: false }).line).toBe(reason.line)
    // It survives the queue store's JSON, and junk does not pass for a reason.
    expect(asPickReason(JSON.parse(JSON.stringify(wild)))).toEqual(wild)
    expect(asPickReason({ line: 3 })).toBeNull()
  })
})
