// The Insights tab for listeners: how many of Attune's picks were kept, the songs the listener
// will probably love (play or queue them here), and the taste as example songs. Words first;
// the numbers stay in the Advanced tab.
import { useCallback, useEffect, useState } from 'react'
import type { ListenerInsights } from '../../../../shared/contract'
import type { Mark, Track } from '../../../../shared/domain'
import { ReasonWhy } from '../../components/ReasonWhy'
import type { Bridge } from '../../lib/bridge'
import { errorText, trackArtist, trackTitle } from '../../lib/format'
import { ChartCard } from './ChartCard'
import { picksKeptPlot, picksKeptStatement } from './charts'

export interface ListenerPanelProps {
  bridge: Bridge
  refreshKey: number
  onPlay: (track: Track) => void
  onQueue: (track: Track) => void
}

const FELT: Record<Mark, string> = {
  love: 'loved',
  like: 'liked',
  near_miss: 'almost liked',
  not_for_me: 'turned down',
}

export const EMPTY_WORDS = {
  picks:
    'No picks yet. Turn on auto-queue in the player bar and Attune adds songs it thinks you will like; here you will see how many of them you keep.',
  notAnalysed:
    'Attune is still listening to your library. Once songs are analysed, mark a few you like and this fills in.',
  notLearned:
    'Mark a few songs you like (♥ or ★ on any song, or right click it) or let some play to the end, and Attune will list songs you will probably love here.',
  nothingLeft:
    'Every song Attune rates highly you have already marked or played often. Add more music, or look in Discover.',
  examplesNotLearned:
    'Mark songs you like or love: the ones closest to your taste show up here as examples.',
  noExamples:
    'None of the songs you marked like, love or near miss is analysed yet: they show up here once they are.',
} as const

export function ListenerPanel({ bridge, refreshKey, onPlay, onQueue }: ListenerPanelProps) {
  const [data, setData] = useState<ListenerInsights | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let cancelled = false
    bridge.api
      .getListenerInsights()
      .then((found) => {
        if (cancelled) return
        setData(found)
        setError(null)
      })
      .catch((e: unknown) => {
        if (cancelled) return
        setError(`Your insights could not be read: ${errorText(e)}`)
      })
    return () => {
      cancelled = true
    }
  }, [bridge, refreshKey])

  if (error && !data)
    return (
      <p className="inline-error" role="alert">
        {error}
      </p>
    )
  if (!data) return <p className="empty-note">Loading…</p>
  return (
    <div className="listener-insights">
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
      <PicksKeptCard data={data} />
      <ProbablyLove data={data} onPlay={onPlay} onQueue={onQueue} />
      <LikeSongsLike data={data} />
    </div>
  )
}

function PicksKeptCard({ data }: { data: ListenerInsights }) {
  const picks = data.picksKept
  const build = useCallback(() => picksKeptPlot(picks), [picks])
  const statement = picksKeptStatement(picks)
  if (!statement)
    return (
      <section className="card" aria-labelledby="picks-kept-heading" data-testid="picks-kept">
        <h3 id="picks-kept-heading">How many of Attune’s picks you kept</h3>
        <p className="empty-note">{EMPTY_WORDS.picks}</p>
      </section>
    )
  return (
    <div data-testid="picks-kept">
      <ChartCard
        title="How many of Attune’s picks you kept"
        description={statement}
        details={`Each song the auto-queue picked, by the ${picks.period} it was picked. Kept: played through, or marked like, love or near miss. Skipped: Next (or another song chosen) before the end. Turned down: marked not for me.${
          picks.undecided > 0
            ? ` ${picks.undecided} ${picks.undecided === 1 ? 'pick has' : 'picks have'} no answer yet (waiting in the queue, or replaced before playing).`
            : ''
        }`}
        build={build}
        exportLegend
      />
    </div>
  )
}

function ProbablyLove({
  data,
  onPlay,
  onQueue,
}: {
  data: ListenerInsights
  onPlay: (track: Track) => void
  onQueue: (track: Track) => void
}) {
  const empty = !data.analysed
    ? EMPTY_WORDS.notAnalysed
    : !data.learned
      ? EMPTY_WORDS.notLearned
      : data.probablyLove.length === 0
        ? EMPTY_WORDS.nothingLeft
        : null
  return (
    <section className="card" aria-labelledby="probably-love-heading">
      <h3 id="probably-love-heading">Songs you’ll probably love</h3>
      {empty ? (
        <p className="empty-note" data-testid="probably-love-empty">
          {empty}
        </p>
      ) : (
        <>
          <p className="muted">
            What Attune expects you to enjoy most among the songs you have never or rarely played.
          </p>
          <ol className="queue-list insight-songs" aria-label="Songs you’ll probably love">
            {data.probablyLove.map((item) => {
              const track = item.track
              if (!track) return null
              const name = trackTitle(track)
              return (
                <li key={track.id} data-testid="probably-love-entry">
                  <div className="q-text">
                    <div className="q-title">{name}</div>
                    <div className="q-sub">{trackArtist(track)}</div>
                    <div className="q-sub">
                      <ReasonWhy why={item.why} />
                    </div>
                  </div>
                  <button
                    type="button"
                    className="icon-button small"
                    aria-label={`Play ${name}`}
                    onClick={() => onPlay(track)}
                  >
                    ▶
                  </button>
                  <button
                    type="button"
                    className="small"
                    aria-label={`Add ${name} to the queue`}
                    onClick={() => onQueue(track)}
                  >
                    Queue
                  </button>
                </li>
              )
            })}
          </ol>
        </>
      )}
    </section>
  )
}

function LikeSongsLike({ data }: { data: ListenerInsights }) {
  const examples = data.likeSongsLike
  const empty = !data.analysed
    ? EMPTY_WORDS.notAnalysed
    : !data.learned
      ? EMPTY_WORDS.examplesNotLearned
      : examples.length === 0
        ? EMPTY_WORDS.noExamples
        : null
  return (
    <section className="card" aria-labelledby="like-songs-like-heading">
      <h3 id="like-songs-like-heading">Your taste, in songs</h3>
      {empty ? (
        <p className="empty-note" data-testid="like-songs-like-empty">
          {empty}
        </p>
      ) : (
        <>
          <p className="muted">
            You like songs like these: of the songs you marked, the closest to what Attune has
            learned you enjoy.
          </p>
          <ul className="insight-examples" aria-label="You like songs like">
            {examples.map(({ track, mark }) => (
              <li key={track.id} data-testid="like-songs-like-entry">
                <span className="q-title">{trackTitle(track)}</span>{' '}
                <span className="muted">
                  by {trackArtist(track)}, which you {FELT[mark]}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}
