// The now-playing view (opened from the title or cover in the bar): a large cover, the song, why it
// was picked, the marks, and its lyrics when the file has some, the line being sung highlighted
// and kept in view. Escape or Back closes it.
import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { Mark, Track } from '../../../../shared/domain'
import type { RadioSeed, RadioStatus } from '../../../../shared/radio'
import { currentItem } from '../../../../shared/queue'
import { lineAt, type Lyrics } from '../../../../shared/lyrics'
import { MarkButtons } from '../../components/MarkButtons'
import { PickedForYou } from '../../components/ReasonWhy'
import type { Bridge } from '../../lib/bridge'
import { errorText, trackArtist, trackTitle } from '../../lib/format'
import type { Player } from './player'
import { usePlayerSnapshot, usePosition } from './usePlayer'

export interface NowPlayingViewProps {
  player: Player
  bridge: Bridge
  mark: Mark | null
  onMark: (mark: Mark) => void
  onClose: () => void
  /** The radio running, if any (its End button is here too). */
  radio?: RadioStatus | null
  onStartRadio?: ((seed: RadioSeed) => void) | undefined
  onStopRadio?: (() => void) | undefined
}

export function NowPlayingView({
  player,
  bridge,
  mark,
  onMark,
  onClose,
  radio = null,
  onStartRadio,
  onStopRadio,
}: NowPlayingViewProps) {
  const { track, queue, atEnd } = usePlayerSnapshot(player)
  const back = useRef<HTMLButtonElement>(null)
  useEffect(() => back.current?.focus(), [])
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return
      const target = event.target as HTMLElement | null
      // Escape in a text box is the text box's (it hands the keys back first).
      if (target?.tagName === 'INPUT' && (target as HTMLInputElement).type === 'search') return
      event.preventDefault()
      onClose()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])
  const entry = currentItem(queue)?.entry
  const reason = entry?.source === 'auto' ? (entry.reason ?? null) : null
  return (
    <section className="np-view" aria-label="Now playing view">
      <div className="np-view-head">
        <button ref={back} onClick={onClose} aria-label="Back (Escape)">
          ← Back
        </button>
      </div>
      {track ? (
        <div className="np-view-body">
          <div className="np-view-song">
            <BigCover bridge={bridge} track={track} />
            <h2 className="np-view-title" data-testid="np-view-title">
              {trackTitle(track)}
            </h2>
            <p className="np-view-artist">{trackArtist(track)}</p>
            {track.album ? <p className="np-view-album muted">{track.album}</p> : null}
            {atEnd ? (
              <p className="muted">The queue has ended: Play starts this song again.</p>
            ) : null}
            <div className="np-view-why" data-testid="np-view-why">
              {entry?.source === 'auto' ? (
                <PickedForYou reason={reason} testId="np-view-reason" />
              ) : (
                <span className="muted">You chose this song.</span>
              )}
            </div>
            <MarkButtons current={mark} onMark={onMark} subject={trackTitle(track)} />
            <div className="np-view-radio">
              {radio?.radio ? (
                <>
                  <span className="muted" data-testid="np-view-radio">
                    On the radio from {radio.radio.label}
                  </span>
                  {onStopRadio ? <button onClick={onStopRadio}>End radio</button> : null}
                </>
              ) : onStartRadio ? (
                <button onClick={() => onStartRadio({ kind: 'track', trackId: track.id })}>
                  Start radio from this song
                </button>
              ) : null}
            </div>
          </div>
          <LyricsPanel key={track.id} bridge={bridge} player={player} trackId={track.id} />
        </div>
      ) : (
        <p className="empty-note">Nothing is playing. Double-click a song to play it.</p>
      )}
    </section>
  )
}

/** The album cover, or a placeholder drawn from the album's (or song's) name. */
function BigCover({ bridge, track }: { bridge: Bridge; track: Track }) {
  if (track.coverId)
    return (
      <img
        className="np-view-cover"
        src={bridge.coverUrl(track.coverId)}
        alt={`Cover of ${track.album ?? trackTitle(track)}`}
      />
    )
  const name = track.album ?? trackTitle(track)
  const hue = hash(name) % 360
  return (
    <div
      className="np-view-cover np-view-cover-placeholder"
      role="img"
      aria-label={`No cover for ${name}`}
      style={{
        background: `linear-gradient(135deg, hsl(${hue} 45% 30%), hsl(${(hue + 50) % 360} 50% 18%))`,
      }}
    >
      <span aria-hidden="true">{initials(name)}</span>
    </div>
  )
}

function hash(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return h >>> 0
}

function initials(name: string): string {
  const words = name.match(/[\p{L}\p{N}]+/gu) ?? ['♪']
  return words
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('')
}

type LyricsState =
  | { status: 'loading' }
  | { status: 'none' }
  | { status: 'error'; message: string }
  | { status: 'ready'; lyrics: Lyrics }

function LyricsPanel({
  bridge,
  player,
  trackId,
}: {
  bridge: Bridge
  player: Player
  trackId: number
}) {
  const [state, setState] = useState<LyricsState>({ status: 'loading' })
  useEffect(() => {
    let cancelled = false
    bridge.api
      .lyrics({ trackId })
      .then((lyrics) => {
        if (!cancelled) setState(lyrics ? { status: 'ready', lyrics } : { status: 'none' })
      })
      .catch((e: unknown) => {
        if (!cancelled) setState({ status: 'error', message: errorText(e) })
      })
    return () => {
      cancelled = true
    }
  }, [bridge, trackId])
  return (
    <div className="np-view-lyrics" aria-label="Lyrics" role="region">
      {state.status === 'loading' ? <p className="muted">Looking for lyrics…</p> : null}
      {state.status === 'none' ? (
        <p className="muted" data-testid="no-lyrics">
          No lyrics for this song. Attune reads them from the file’s tags, or from a .lrc or .txt
          file with the same name beside it.
        </p>
      ) : null}
      {state.status === 'error' ? (
        <p className="inline-error">The lyrics could not be read: {state.message}</p>
      ) : null}
      {state.status === 'ready' ? (
        state.lyrics.synced ? (
          <SyncedLyrics player={player} lyrics={state.lyrics} />
        ) : (
          <div className="lyrics" data-testid="lyrics">
            {state.lyrics.lines.map((line, i) => (
              <p key={i} className="lyrics-line">
                {line.text || '\u00a0'}
              </p>
            ))}
          </div>
        )
      ) : null}
    </div>
  )
}

/** Timed lines: the one being sung highlighted and scrolled to the middle of the panel. */
function SyncedLyrics({ player, lyrics }: { player: Player; lyrics: Lyrics }) {
  const position = usePosition(player)
  const active = lineAt(lyrics.lines, position)
  const box = useRef<HTMLOListElement>(null)
  useLayoutEffect(() => {
    const list = box.current
    const line = active >= 0 ? (list?.children[active] as HTMLElement | undefined) : undefined
    if (!list || !line) return
    const target = line.offsetTop - list.clientHeight / 2 + line.offsetHeight / 2
    if (typeof list.scrollTo === 'function') list.scrollTo({ top: target, behavior: 'smooth' })
    else list.scrollTop = target
  }, [active])
  return (
    <ol className="lyrics synced" data-testid="lyrics" ref={box}>
      {lyrics.lines.map((line, i) => (
        <li
          key={i}
          className={`lyrics-line${i === active ? ' active' : ''}`}
          aria-current={i === active ? 'true' : undefined}
        >
          {line.text || '\u00a0'}
        </li>
      ))}
    </ol>
  )
}
