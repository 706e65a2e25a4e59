// How the event log becomes rows of the taste model (DESIGN.md, "Rewards"): each track has at most
// one label row (its current mark: a new mark removes the old row and adds the new one, an unmark
// removes it) plus its listen rows (one per finished or skipped play, only the last N counting).
// Replaying the log through a ledger gives the model's rows; applying one new event gives the
// exact add/remove operations, so nothing is ever lost or double-counted.
import type { EndReason, MarkOrNone } from '../../shared/domain'
import { DEFAULT_REWARDS, labelRow, listenRow, type RewardSettings } from '../../shared/rewards'
import type { ModelRow } from '../../shared/taste'

/** The parts of a logged event the ledger reads. */
export interface LedgerEvent {
  id: number
  kind: string
  trackId: number | null
  mark: MarkOrNone | null
  reason: EndReason | null
  position: number | null
  duration: number | null
}

export type { ModelRow }

export type RowOp = { op: 'add' | 'remove'; row: ModelRow }

export class TrainingLedger {
  private readonly labels = new Map<number, ModelRow>()
  private readonly listens = new Map<number, ModelRow[]>()

  constructor(
    private readonly settings: RewardSettings = DEFAULT_REWARDS,
    /** The track's scanned duration, for play ends logged without one. */
    private readonly trackDuration: (trackId: number) => number | null = () => null,
  ) {}

  /** Applies one event; returns the row operations the model must apply, in order. */
  apply(event: LedgerEvent): RowOp[] {
    const trackId = event.trackId
    if (trackId === null) return []
    if (event.kind === 'mark' || event.kind === 'label_import')
      return this.applyLabel(event, trackId)
    if (event.kind === 'play_end') return this.applyListen(event, trackId)
    return []
  }

  private applyLabel(event: LedgerEvent, trackId: number): RowOp[] {
    const ops: RowOp[] = []
    const old = this.labels.get(trackId)
    if (old) {
      ops.push({ op: 'remove', row: old })
      this.labels.delete(trackId)
    }
    if (event.mark && event.mark !== 'none') {
      const origin = event.kind === 'mark' ? 'mark' : 'import'
      const row: ModelRow = {
        eventId: event.id,
        trackId,
        kind: 'label',
        ...labelRow(event.mark, origin, this.settings),
      }
      this.labels.set(trackId, row)
      ops.push({ op: 'add', row })
    }
    return ops
  }

  private applyListen(event: LedgerEvent, trackId: number): RowOp[] {
    if (!event.reason) return []
    const duration = event.duration ?? this.trackDuration(trackId)
    const value = listenRow(
      { reason: event.reason, position: event.position ?? 0, duration },
      this.settings,
    )
    if (!value) return []
    const row: ModelRow = { eventId: event.id, trackId, kind: 'listen', ...value }
    const list = this.listens.get(trackId) ?? []
    list.push(row)
    this.listens.set(trackId, list)
    const ops: RowOp[] = [{ op: 'add', row }]
    while (list.length > this.settings.listenRowsPerTrack) {
      const oldest = list.shift()
      if (oldest) ops.push({ op: 'remove', row: oldest })
    }
    return ops
  }

  /** Every row now in force. */
  rows(): ModelRow[] {
    return [...this.labels.values(), ...[...this.listens.values()].flat()].sort(
      (a, b) => a.eventId - b.eventId,
    )
  }

  labelOf(trackId: number): ModelRow | undefined {
    return this.labels.get(trackId)
  }

  /** Every row now in force for one track (its label first, then its listens, oldest first). */
  rowsOf(trackId: number): ModelRow[] {
    const label = this.labels.get(trackId)
    return [...(label ? [label] : []), ...(this.listens.get(trackId) ?? [])]
  }

  /** Restores a ledger from the rows it had in force (a saved snapshot of `rows()`). */
  static fromRows(
    rows: readonly ModelRow[],
    settings: RewardSettings = DEFAULT_REWARDS,
    trackDuration: (trackId: number) => number | null = () => null,
  ): TrainingLedger {
    const ledger = new TrainingLedger(settings, trackDuration)
    for (const row of [...rows].sort((a, b) => a.eventId - b.eventId)) {
      if (row.kind === 'label') ledger.labels.set(row.trackId, { ...row })
      else {
        const list = ledger.listens.get(row.trackId) ?? []
        list.push({ ...row })
        ledger.listens.set(row.trackId, list)
      }
    }
    return ledger
  }
}
