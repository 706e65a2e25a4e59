import { describe, expect, it } from 'vitest'
import { Coalescer } from '../../../src/main/queue/rerank'
import { planReplacements } from '../../../src/shared/auto-queue'

const candidate = (trackId: number, ucb: number, artist: string | null = null) => ({
  trackId,
  ucb,
  mean: ucb,
  bonus: 0,
  artist,
})
const policy = { temperature: 0, topN: 3, artistSpacing: 0 }

describe('planReplacements', () => {
  it('keeps the waiting picks still in the short-list and replaces the others with the best left', () => {
    const candidates = [10, 9, 8, 7, 6, 5].map((ucb, i) => candidate(i + 1, ucb))
    // 2 is in the top 3; 5 fell behind; 99 is no longer eligible (not among the candidates).
    const plan = planReplacements(
      [{ trackId: 2 }, { trackId: 5 }, { trackId: 99 }],
      candidates,
      policy,
      [],
      () => 0.5,
    )
    expect(plan.map((p) => [p.index, p.choice.pick.trackId])).toEqual([
      [1, 1],
      [2, 3],
    ])
  })

  it('keeps a pick the policy could have drawn where it stands, after the picks before it', () => {
    // autoQueueNext drew 1, then 2, then 4 (each from the top 3 of what was not queued yet): with
    // nothing learned since, a re-rank keeps all three.
    const candidates = [10, 9, 8, 7, 6, 5].map((ucb, i) => candidate(i + 1, ucb))
    const waiting = [{ trackId: 1 }, { trackId: 2 }, { trackId: 5 }]
    expect(planReplacements(waiting, candidates, policy, [], () => 0.5)).toEqual([])
    // Had the first been replaced by a song from further down, the third would stand at rank 4.
    const drop = planReplacements(
      [{ trackId: 6 }, { trackId: 2 }, { trackId: 5 }],
      candidates,
      policy,
      [],
      () => 0.5,
    )
    expect(drop.map((p) => [p.index, p.choice.pick.trackId])).toEqual([[0, 1]])
  })

  it('replaces a pick whose score fell below the best replacement since it was drawn', () => {
    const candidates = [10, 9, 8, 7, 6, 5].map((ucb, i) => candidate(i + 1, ucb))
    // 3 stands second once 2 is set aside (in the short-list of 3) but scored 12 when drawn and 8
    // now: a mark made the model prefer 1 (10, not queued) over it, so it goes, for 1. 2 scored 9
    // then and now (no drop): it stays, although 1 is above it.
    const plan = planReplacements(
      [
        { trackId: 2, ucb: 9 },
        { trackId: 3, ucb: 12 },
      ],
      candidates,
      policy,
      [],
      () => 0.5,
    )
    expect(plan.map((p) => [p.index, p.choice.pick.trackId])).toEqual([[1, 1]])
    // A pick that dropped (from 11 to 10) with nothing left above it stays.
    expect(planReplacements([{ trackId: 1, ucb: 11 }], candidates, policy, [], () => 0.5)).toEqual(
      [],
    )
    // A score that rose (drawn at 7, now 8) keeps the pick where the policy could draw it.
    expect(planReplacements([{ trackId: 3, ucb: 7 }], candidates, policy, [], () => 0.5)).toEqual(
      [],
    )
    // Only a drop beyond rounding counts.
    expect(
      planReplacements([{ trackId: 3, ucb: 8 + 1e-12 }], candidates, policy, [], () => 0.5),
    ).toEqual([])
  })

  it('never pushes a pick out for a song the model likes less because a later pick rose above it', () => {
    // Waiting: 1, 18, 5. A like on 18 lifts it above 1; 5 fell behind. Greedy (top 1): 18 is
    // queued already, so 1 still stands first among the songs that could take its place (17 is
    // below it) and stays; only 5 goes, for 17. (It used to replace 1 by 17, then 5 by 1.)
    const candidates = [
      candidate(18, 1.105),
      candidate(1, 1.043),
      candidate(17, 1.041),
      candidate(6, 1.007),
      candidate(5, 0.9),
    ]
    const plan = planReplacements(
      [
        { trackId: 1, ucb: 0.858 },
        { trackId: 18, ucb: 0.844 },
        { trackId: 5, ucb: 0.814 },
      ],
      candidates,
      { ...policy, topN: 1 },
      [],
      () => 0.5,
    )
    expect(plan.map((p) => [p.index, p.choice.pick.trackId])).toEqual([[2, 17]])
  })

  it('keeps artists apart across the replacements it draws', () => {
    const candidates = [candidate(1, 3, 'A'), candidate(2, 2, 'A'), candidate(3, 1, 'B')]
    const plan = planReplacements(
      [{ trackId: 8 }, { trackId: 9 }],
      candidates,
      { ...policy, artistSpacing: 1 },
      [],
      () => 0.5,
    )
    expect(plan.map((p) => p.choice.pick.trackId)).toEqual([1, 3])
  })

  it('replaces nothing while every waiting pick is still in the short-list', () => {
    const candidates = [candidate(1, 3), candidate(2, 2), candidate(3, 1)]
    expect(
      planReplacements([{ trackId: 1 }, { trackId: 3 }], candidates, policy, [], Math.random),
    ).toEqual([])
  })
})

describe('Coalescer', () => {
  it('runs once for a burst of requests, and once more for requests during a run', async () => {
    let runs = 0
    let release: () => void = () => undefined
    const coalescer = new Coalescer(
      async () => {
        runs++
        if (runs === 1) await new Promise<void>((r) => (release = r))
      },
      () => undefined,
    )
    coalescer.request()
    coalescer.request()
    coalescer.request()
    await new Promise((r) => setTimeout(r, 10))
    expect(runs).toBe(1)
    coalescer.request()
    coalescer.request()
    release()
    await coalescer.idle()
    expect(runs).toBe(2)
  })

  it('reports a failed run and carries on', async () => {
    const errors: unknown[] = []
    let runs = 0
    const coalescer = new Coalescer(
      () => {
        runs++
        return runs === 1 ? Promise.reject(new Error('boom')) : Promise.resolve()
      },
      (e) => errors.push(e),
    )
    coalescer.request()
    await coalescer.idle()
    coalescer.request()
    await coalescer.idle()
    expect(runs).toBe(2)
    expect(errors).toHaveLength(1)
  })
})
