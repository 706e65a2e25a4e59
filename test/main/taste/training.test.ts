import { describe, expect, it } from 'vitest'
import { TrainingLedger, type LedgerEvent, type RowOp } from '../../../src/main/taste/training'

let nextId = 1
function ev(partial: Partial<LedgerEvent> & Pick<LedgerEvent, 'kind'>): LedgerEvent {
  return {
    id: nextId++,
    trackId: 1,
    mark: null,
    reason: null,
    position: null,
    duration: null,
    ...partial,
  }
}
const summary = (ops: RowOp[]) =>
  ops.map((o) => `${o.op}:${o.row.kind}:${o.row.reward}x${o.row.weight}`)

describe('training ledger', () => {
  it('a new mark replaces the old label row by a remove and an add', () => {
    const ledger = new TrainingLedger()
    expect(summary(ledger.apply(ev({ kind: 'mark', mark: 'like' })))).toEqual(['add:label:1x1'])
    expect(summary(ledger.apply(ev({ kind: 'mark', mark: 'not_for_me' })))).toEqual([
      'remove:label:1x1',
      'add:label:-1x2',
    ])
    expect(ledger.rows()).toHaveLength(1)
  })

  it('an unmark removes the label row and adds nothing', () => {
    const ledger = new TrainingLedger()
    ledger.apply(ev({ kind: 'mark', mark: 'love' }))
    expect(summary(ledger.apply(ev({ kind: 'mark', mark: 'none' })))).toEqual(['remove:label:1x2'])
    expect(ledger.rows()).toEqual([])
  })

  it('imported labels count at weight 1 and are replaced by a later mark', () => {
    const ledger = new TrainingLedger()
    expect(summary(ledger.apply(ev({ kind: 'label_import', mark: 'love' })))).toEqual([
      'add:label:1x1',
    ])
    expect(summary(ledger.apply(ev({ kind: 'mark', mark: 'love' })))).toEqual([
      'remove:label:1x1',
      'add:label:1x2',
    ])
  })

  it('keeps only the last three listen rows of a track', () => {
    const ledger = new TrainingLedger()
    for (let i = 0; i < 3; i++)
      ledger.apply(ev({ kind: 'play_end', reason: 'ended', position: 100, duration: 100 }))
    const ops = ledger.apply(ev({ kind: 'play_end', reason: 'next', position: 5, duration: 100 }))
    expect(summary(ops)).toEqual(['add:listen:-1x0.5', 'remove:listen:0.3x0.5'])
    expect(ledger.rows().filter((r) => r.kind === 'listen')).toHaveLength(3)
  })

  it('uses the track duration when a play end has none, and ignores previous, errors and quits', () => {
    const ledger = new TrainingLedger(undefined, () => 200)
    expect(summary(ledger.apply(ev({ kind: 'play_end', reason: 'next', position: 10 })))).toEqual([
      'add:listen:-1x0.5',
    ])
    for (const reason of ['previous', 'error', 'quit'] as const) {
      expect(ledger.apply(ev({ kind: 'play_end', reason, position: 10, duration: 200 }))).toEqual(
        [],
      )
    }
  })

  it('replaying any log leaves the rows that its add/remove operations leave', () => {
    const ledger = new TrainingLedger(undefined, () => 180)
    const live = new Map<number, string>()
    const marks = ['like', 'love', 'near_miss', 'not_for_me', 'none'] as const
    const reasons = ['ended', 'next', 'picked', 'previous', 'error', 'quit'] as const
    let seed = 7
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let i = 0; i < 500; i++) {
      const trackId = 1 + Math.floor(rand() * 5)
      const event =
        rand() < 0.4
          ? ev({
              kind: rand() < 0.8 ? 'mark' : 'label_import',
              trackId,
              mark: marks[Math.floor(rand() * 5)]!,
            })
          : ev({
              kind: 'play_end',
              trackId,
              reason: reasons[Math.floor(rand() * 6)]!,
              position: rand() * 180,
            })
      for (const op of ledger.apply(event)) {
        if (op.op === 'add') live.set(op.row.eventId, op.row.kind)
        else expect(live.delete(op.row.eventId)).toBe(true)
      }
    }
    expect([...live.keys()].sort((a, b) => a - b)).toEqual(ledger.rows().map((r) => r.eventId))
  })
})
