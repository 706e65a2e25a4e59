import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import type { HistoryEntry } from '../../../../shared/contract'
import type { Bridge } from '../../lib/bridge'
import { useDragReorder } from '../../lib/drag-reorder'
import { errorText, formatTime, trackArtist, trackTitle } from '../../lib/format'
import type { Player } from '../player/player'
import { usePlayerSnapshot } from '../player/usePlayer'
import { PickedForYou } from '../../components/ReasonWhy'
import type { Notice } from '../../components/MarkNotice'
import { queueParts } from '../../../../shared/queue'
import { useAutoQueueState, type AutoQueueFiller } from './auto-queue'

export interface QueuePanelProps {
  player: Player
  bridge: Bridge
  /** Bumps when a play ends, so the history follows. */
  historyKey: number
  /** The auto-queue (its toggle shows above the queue); none in tests that do not need it. */
  autoQueue?: AutoQueueFiller | null
  /** Shows a notice with Undo (after Clear); none in tests that do not need it. */
  onNotice?: ((notice: NoticeContent) => void) | null
  /** "Save as playlist": the queue's songs in order; none in tests that do not need it. */
  onSaveAsPlaylist?: ((trackIds: number[]) => void) | null
  /** Shown above the queue (the radio's banner while a radio runs). */
  banner?: ReactNode
}

export type NoticeContent = Omit<Notice, 'id'>

export function QueuePanel({
  player,
  bridge,
  historyKey,
  autoQueue = null,
  onNotice = null,
  onSaveAsPlaylist = null,
  banner = null,
}: QueuePanelProps) {
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
      {tab === 'queue' ? banner : null}
      {tab === 'queue' ? (
        <QueueList
          player={player}
          onNotice={onNotice}
          onSaveAsPlaylist={onSaveAsPlaylist}
          onShowHistory={() => setTab('history')}
        />
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

function QueueList({
  player,
  onNotice,
  onSaveAsPlaylist,
  onShowHistory,
}: {
  player: Player
  onNotice: ((notice: NoticeContent) => void) | null
  onSaveAsPlaylist: ((trackIds: number[]) => void) | null
  onShowHistory: () => void
}) {
  const { queue, atEnd } = usePlayerSnapshot(player)
  const { dropAt, rowProps } = useDragReorder((from, to) => player.moveEntry(from, to))
  const [playedOpen, setPlayedOpen] = useState(false)
  const currentRow = useRef<HTMLLIElement | null>(null)
  const parts = queueParts(queue)
  const currentKey = parts.current === null ? null : (queue.items[parts.current]?.key ?? null)
  // The playing song in view whenever it changes (the list may be long).
  useEffect(() => {
    currentRow.current?.scrollIntoView?.({ block: 'nearest' })
  }, [currentKey])
  if (queue.items.length === 0) {
    return (
      <p className="empty-note" data-testid="queue-empty">
        The queue is empty. Double-click a song to play it and the songs after it, or right-click it
        to add it here.
      </p>
    )
  }
  const clearUpNext = () => {
    const removed = player.clearUpNext()
    if (removed.length === 0) return
    const count = removed.length === 1 ? 'one song' : `${removed.length} songs`
    onNotice?.({
      message: `Cleared ${count} from Up next.`,
      undo: () => player.restoreUpNext(removed),
    })
  }
  const row = (index: number) => {
    const item = queue.items[index]
    if (!item) return null
    const track = item.entry.track
    const name = track
      ? trackTitle(track)
      : `Track ${item.entry.trackId} (no longer in the library)`
    const reason = item.entry.source === 'auto' ? (item.entry.reason ?? null) : null
    const isCurrent = index === queue.current
    return (
      <li
        key={item.key}
        ref={isCurrent ? currentRow : undefined}
        data-testid="queue-entry"
        data-track-id={item.entry.trackId}
        aria-current={isCurrent ? 'true' : undefined}
        className={`${isCurrent ? 'current' : ''}${dropAt === index ? ' drop-target' : ''}`}
        {...rowProps(index)}
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
              <PickedForYou reason={reason} testId="queue-reason" clamp />
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
  }
  const upNextCount = parts.upNext.length
  return (
    <>
      <div className="queue-actions">
        <span data-testid="up-next-count">
          {upNextCount === 0 ? 'Nothing' : upNextCount === 1 ? 'One song' : `${upNextCount} songs`}{' '}
          up next
        </span>
        <span className="queue-action-buttons">
          {onSaveAsPlaylist ? (
            <button onClick={() => onSaveAsPlaylist(queue.items.map((item) => item.entry.trackId))}>
              Save as playlist
            </button>
          ) : null}
          <button onClick={clearUpNext} disabled={upNextCount === 0}>
            Clear
          </button>
        </span>
      </div>
      <div className="queue-scroll" data-testid="queue-scroll">
        {parts.played.length > 0 ? (
          <section className="queue-part" aria-label="Played">
            <button
              className="queue-part-toggle"
              aria-expanded={playedOpen}
              onClick={() => setPlayedOpen((open) => !open)}
            >
              <span aria-hidden="true">{playedOpen ? '▾' : '▸'}</span> Played ({parts.played.length}
              )
            </button>
            {playedOpen ? (
              <>
                <ol className="queue-list" aria-label="Played songs">
                  {parts.played.map(row)}
                </ol>
                <button className="link-button" onClick={onShowHistory}>
                  Everything played is in History
                </button>
              </>
            ) : null}
          </section>
        ) : null}
        {parts.current !== null ? (
          <section className="queue-part" aria-label="Now playing">
            <h3 className="queue-part-title">{atEnd ? 'Last played' : 'Now playing'}</h3>
            <ol className="queue-list" aria-label="Now playing song">
              {row(parts.current)}
            </ol>
          </section>
        ) : null}
        <section className="queue-part" aria-label="Up next">
          <h3 className="queue-part-title">Up next</h3>
          {upNextCount > 0 ? (
            <ol className="queue-list" aria-label="Up next songs">
              {parts.upNext.map(row)}
            </ol>
          ) : (
            <p className="empty-note" data-testid={atEnd ? 'end-of-queue' : 'up-next-empty'}>
              {atEnd
                ? 'End of the queue. Play or Previous plays the last song again; anything you add plays from here.'
                : 'Nothing up next. Add songs, or switch on Auto to keep the music going.'}
            </p>
          )}
        </section>
      </div>
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
