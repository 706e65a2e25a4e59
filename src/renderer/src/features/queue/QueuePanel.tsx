import { useCallback, useEffect, useState, type DragEvent } from 'react'
import type { HistoryEntry } from '../../../../shared/contract'
import type { Bridge } from '../../lib/bridge'
import { errorText, formatTime, trackArtist, trackTitle } from '../../lib/format'
import type { Player } from '../player/player'
import { usePlayerSnapshot } from '../player/usePlayer'
import { ReasonWhy } from '../../components/ReasonWhy'
import { asAutoPickReason, useAutoQueueState, type AutoQueueFiller } from './auto-queue'

export interface QueuePanelProps {
  player: Player
  bridge: Bridge
  /** Bumps when a play ends, so the history follows. */
  historyKey: number
  /** The auto-queue (its toggle shows above the queue); none in tests that do not need it. */
  autoQueue?: AutoQueueFiller | null
}

export function QueuePanel({ player, bridge, historyKey, autoQueue = null }: QueuePanelProps) {
  const [tab, setTab] = useState<'queue' | 'history'>('queue')
  return (
    <aside className="queue-panel" aria-label="Queue panel">
      <div className="tabs" role="tablist">
        <button role="tab" aria-selected={tab === 'queue'} onClick={() => setTab('queue')}>
          Queue
        </button>
        <button role="tab" aria-selected={tab === 'history'} onClick={() => setTab('history')}>
          History
        </button>
      </div>
      {tab === 'queue' ? <AutoQueueToggle filler={autoQueue} /> : null}
      {tab === 'queue' ? (
        <QueueList player={player} />
      ) : (
        <HistoryList bridge={bridge} historyKey={historyKey} />
      )}
    </aside>
  )
}

function AutoQueueToggle({ filler }: { filler: AutoQueueFiller | null }) {
  const state = useAutoQueueState(filler)
  if (!filler) return null
  return (
    <div className="auto-queue-toggle" style={{ padding: '8px 12px' }}>
      {/* The switch itself is in the now-playing bar (one switch, always in view). */}
      <p className="muted auto-queue-state" data-testid="auto-queue-state">
        {state.enabled
          ? `Auto-queue is on${state.picking ? ': picking…' : ''}`
          : 'Auto-queue is off: switch it on below to keep the queue going.'}
      </p>
      {state.message ? (
        <p className="muted auto-queue-message" role="status">
          {state.message}
        </p>
      ) : null}
    </div>
  )
}

function QueueList({ player }: { player: Player }) {
  const { queue } = usePlayerSnapshot(player)
  const [dragFrom, setDragFrom] = useState<number | null>(null)
  const [dropAt, setDropAt] = useState<number | null>(null)
  const drop = (index: number) => (event: DragEvent) => {
    event.preventDefault()
    if (dragFrom !== null) player.moveEntry(dragFrom, index)
    setDragFrom(null)
    setDropAt(null)
  }
  if (queue.items.length === 0) {
    return (
      <p className="empty-note" data-testid="queue-empty">
        The queue is empty. Double-click a track, or right-click it to add it here.
      </p>
    )
  }
  return (
    <>
      <div className="queue-actions">
        <span>
          {queue.items.length} {queue.items.length === 1 ? 'track' : 'tracks'}
        </span>
        <button onClick={() => player.clearQueue()}>Clear</button>
      </div>
      <ol className="queue-list" aria-label="Queue">
        {queue.items.map((item, index) => {
          const track = item.entry.track
          const name = track
            ? trackTitle(track)
            : `Track ${item.entry.trackId} (no longer in the library)`
          const reason = item.entry.source === 'auto' ? asAutoPickReason(item.entry.reason) : null
          return (
            <li
              key={item.key}
              data-testid="queue-entry"
              data-track-id={item.entry.trackId}
              aria-current={index === queue.current ? 'true' : undefined}
              className={`${index === queue.current ? 'current' : ''}${dropAt === index ? ' drop-target' : ''}`}
              draggable
              onDragStart={(e) => {
                e.dataTransfer.effectAllowed = 'move'
                e.dataTransfer.setData('text/plain', String(index))
                setDragFrom(index)
              }}
              onDragOver={(e) => {
                e.preventDefault()
                setDropAt(index)
              }}
              onDragLeave={() => setDropAt(null)}
              onDrop={drop(index)}
              onDragEnd={() => {
                setDragFrom(null)
                setDropAt(null)
              }}
              onDoubleClick={() => player.playIndex(index)}
            >
              <span className="drag-handle" aria-hidden="true">
                ⠿
              </span>
              <div className="q-text">
                <div className="q-title">{name}</div>
                <div className="q-sub">{track ? trackArtist(track) : ''}</div>
                {item.entry.source === 'auto' ? (
                  <div className="q-sub q-why">
                    <span className="auto-badge">Picked for you</span>
                    {reason ? (
                      <ReasonWhy
                        why={reason.why ?? null}
                        fallback={reason.reasons.join(' ')}
                        scores={reason}
                        testId="queue-reason"
                        clamp
                      />
                    ) : null}
                  </div>
                ) : null}
              </div>
              <span className="q-time">{formatTime(track?.duration)}</span>
              <button
                className="icon-button small"
                aria-label={`Play ${name}`}
                onClick={() => player.playIndex(index)}
              >
                ▶
              </button>
              <button
                className="icon-button small"
                aria-label={`Move ${name} up`}
                disabled={index === 0}
                onClick={() => player.moveEntry(index, index - 1)}
              >
                ↑
              </button>
              <button
                className="icon-button small"
                aria-label={`Remove ${name}`}
                onClick={() => player.removeEntry(index)}
              >
                ✕
              </button>
            </li>
          )
        })}
      </ol>
    </>
  )
}

const REASONS: Record<string, string> = {
  ended: 'played to the end',
  next: 'skipped',
  previous: 'went back',
  picked: 'switched',
  error: 'could not play',
  quit: 'closed',
  turned_down: 'not for you, moved on',
}

function HistoryList({ bridge, historyKey }: { bridge: Bridge; historyKey: number }) {
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const load = useCallback(() => {
    bridge.api
      .listHistory({ limit: 200 })
      .then((h) => {
        setEntries(h)
        setError(null)
      })
      .catch((e: unknown) => setError(`The history could not be read: ${errorText(e)}`))
  }, [bridge])
  useEffect(() => load(), [load, historyKey])
  if (error) return <p className="inline-error">{error}</p>
  if (!entries) return <p className="empty-note">Loading…</p>
  if (entries.length === 0) return <p className="empty-note">Nothing played yet.</p>
  return (
    <ol className="history-list" aria-label="History">
      {entries.map((h) => (
        <li key={h.eventId} data-testid="history-entry">
          <div className="q-text">
            <div className="q-title">
              {h.track ? trackTitle(h.track) : 'A track no longer in the library'}
            </div>
            <div className="q-sub">
              {new Date(h.startedAt).toLocaleString()}
              {h.endReason ? ` · ${REASONS[h.endReason] ?? h.endReason}` : ' · playing'}
              {h.endPosition !== null ? ` at ${formatTime(h.endPosition)}` : ''}
            </div>
          </div>
        </li>
      ))}
    </ol>
  )
}
