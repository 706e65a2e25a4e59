// Discover (the best songs by UCB that were never played) and Rediscover (songs once turned down
// that the model now predicts to please), each with its scores in words, and play and mark in place.
import { useCallback, useEffect, useRef, useState } from 'react'
import type { Rediscovery, Suggestion } from '../../../../shared/contract'
import type { Mark, Track } from '../../../../shared/domain'
import { MarkButtons } from '../../components/MarkButtons'
import { ReasonWhy } from '../../components/ReasonWhy'
import type { Bridge } from '../../lib/bridge'
import { errorText, trackArtist, trackTitle } from '../../lib/format'
import { isNothingToScore } from '../../../../shared/errors'

export type DiscoverMode = 'discover' | 'rediscover'

export interface DiscoverViewProps {
  bridge: Bridge
  mode: DiscoverMode
  labels: ReadonlyMap<number, Mark>
  /** Plays the list from a row on (the row's song first). */
  onPlay: (tracks: Track[]) => void
  onMark: (track: Track, mark: Mark) => void
  /** How many songs to list. */
  count?: number
}

const INTRO: Record<DiscoverMode, string> = {
  discover:
    'Songs you have never played, best first, each with why Attune thinks you may enjoy it.',
  rediscover:
    'Songs you turned down a while ago (marked, or skipped early) that Attune now expects you to enjoy. Worth another listen?',
}

const EMPTY: Record<DiscoverMode, string> = {
  discover: 'You have played every analysed song. Impressive.',
  rediscover:
    'Nothing to rediscover yet: songs you turned down a while ago (30 days unless you changed it in Settings) show up here once Attune expects you to like them now.',
}

/** Model updates closer together than this reload the list once. */
const MODEL_UPDATE_SETTLE_MS = 150

function plainError(error: unknown): string {
  // Nothing analysed yet is no failure: the engine's words and the button say it all.
  if (isNothingToScore(error)) return errorText(error)
  return `The suggestions could not be loaded: ${errorText(error)}`
}

export function DiscoverView({
  bridge,
  mode,
  labels,
  onPlay,
  onMark,
  count = 30,
}: DiscoverViewProps) {
  const [items, setItems] = useState<(Suggestion | Rediscovery)[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  /** Only the latest request's answer is shown (an older one may arrive after it). */
  const latest = useRef(0)
  const load = useCallback(() => {
    const ticket = ++latest.current
    const request =
      mode === 'discover' ? bridge.api.discover({ n: count }) : bridge.api.rediscover({ n: count })
    request
      .then((list) => {
        if (ticket !== latest.current) return
        setItems(list)
        setError(null)
      })
      .catch((e: unknown) => {
        if (ticket !== latest.current) return
        setItems([])
        setError(plainError(e))
      })
  }, [bridge, mode, count])
  useEffect(() => load(), [load])
  // Live: each time the model learns (a mark here or anywhere), the list follows, once per burst.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null
    const off = bridge.onEvent((event) => {
      if (event.name !== 'modelUpdated') return
      if (timer !== null) clearTimeout(timer)
      timer = setTimeout(load, MODEL_UPDATE_SETTLE_MS)
    })
    return () => {
      off()
      if (timer !== null) clearTimeout(timer)
    }
  }, [bridge, load])
  const title = mode === 'discover' ? 'Discover' : 'Rediscover'
  return (
    <section className="settings discover" aria-label={title}>
      <h2>{title}</h2>
      <p className="muted">
        {INTRO[mode]}{' '}
        <button type="button" onClick={load}>
          Refresh
        </button>
      </p>
      {error ? <p className="inline-error">{error}</p> : null}
      {items === null ? <p className="empty-note">Loading…</p> : null}
      {items !== null && items.length === 0 && !error ? (
        <p className="empty-note">{EMPTY[mode]}</p>
      ) : null}
      {items && items.length > 0 ? (
        <ol className="queue-list" aria-label={`${title} list`}>
          {items.map((item, index) => {
            const track = item.track
            if (!track) return null
            const name = trackTitle(track)
            return (
              <li
                key={track.id}
                data-testid={`${mode}-entry`}
                onDoubleClick={() => onPlay(tracksFrom(items, index))}
              >
                <span className="muted" aria-hidden="true">
                  {index + 1}
                </span>
                <div className="q-text">
                  <div className="q-title">{name}</div>
                  <div className="q-sub">{trackArtist(track)}</div>
                  <div className="q-sub">
                    <ReasonWhy
                      why={item.why}
                      after={'cause' in item ? `${item.cause}.` : undefined}
                      testId={`${mode}-why`}
                    />
                  </div>
                </div>
                <button
                  className="icon-button small"
                  aria-label={`Play ${name}`}
                  onClick={() => onPlay(tracksFrom(items, index))}
                >
                  ▶
                </button>
                <MarkButtons
                  compact
                  subject={name}
                  current={labels.get(track.id) ?? null}
                  onMark={(mark) => onMark(track, mark)}
                />
              </li>
            )
          })}
        </ol>
      ) : null}
    </section>
  )
}

/** The songs of the list from row `index` on. */
function tracksFrom(items: readonly (Suggestion | Rediscovery)[], index: number): Track[] {
  return items.slice(index).flatMap((item) => (item.track ? [item.track] : []))
}
