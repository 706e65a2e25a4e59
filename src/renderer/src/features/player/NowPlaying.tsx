import type { Mark } from '../../../../shared/domain'
import { cycleRepeat } from '../../../../shared/queue'
import { Icon } from '../../components/Icon'
import { MarkButtons } from '../../components/MarkButtons'
import type { Bridge } from '../../lib/bridge'
import { useAutoQueueState, type AutoQueueFiller } from '../queue/auto-queue'
import { formatTime, trackArtist, trackTitle } from '../../lib/format'
import type { Player } from './player'
import { usePlayerSnapshot, usePosition } from './usePlayer'

export interface NowPlayingProps {
  player: Player
  bridge: Bridge
  /** The auto-queue, switched from here as from the queue panel (same filler, same setting). */
  autoQueue?: AutoQueueFiller | null
  mark: Mark | null
  onMark: (mark: Mark) => void
  queueOpen: boolean
  onToggleQueue: () => void
  onHelp: () => void
  /** The now-playing view is open (the title and cover in the bar open and close it). */
  viewOpen?: boolean
  onToggleView?: () => void
}

const REPEAT_LABEL = { off: 'Repeat: off', all: 'Repeat: all', one: 'Repeat: one' } as const

export function NowPlaying({
  player,
  bridge,
  autoQueue = null,
  mark,
  onMark,
  queueOpen,
  onToggleQueue,
  onHelp,
  viewOpen = false,
  onToggleView,
}: NowPlayingProps) {
  const snapshot = usePlayerSnapshot(player)
  const { track, status, queue, volume } = snapshot
  const playing = status === 'playing' || status === 'loading'
  return (
    <footer className="now-playing" aria-label="Now playing">
      <button
        type="button"
        className="np-track"
        aria-expanded={viewOpen}
        aria-label={track ? `Now playing view: ${trackTitle(track)}` : 'Now playing view'}
        title="Open the now-playing view (cover, why it was picked, lyrics)"
        onClick={onToggleView}
        disabled={!onToggleView}
      >
        {track?.coverId ? (
          <img
            className="cover"
            src={bridge.coverUrl(track.coverId)}
            alt=""
            width={56}
            height={56}
          />
        ) : (
          <div className="cover cover-empty" aria-hidden="true">
            <Icon name="music" size={26} />
          </div>
        )}
        <div className="np-text">
          <div className="np-title" data-testid="now-playing-title">
            {track ? trackTitle(track) : 'Nothing playing'}
          </div>
          <div className="np-sub">
            {track ? `${trackArtist(track)}${track.album ? ` — ${track.album}` : ''}` : ''}
          </div>
        </div>
      </button>
      <div className="np-center">
        <div className="transport">
          <button
            className={`icon-button${queue.shuffle ? ' on' : ''}`}
            aria-label="Shuffle"
            aria-pressed={queue.shuffle}
            title="Shuffle (S)"
            onClick={() => player.setShuffle(!queue.shuffle)}
          >
            <Icon name="shuffle" />
          </button>
          <button
            className="icon-button"
            aria-label="Previous"
            title="Previous (P)"
            onClick={() => player.previous()}
          >
            <Icon name="previous" />
          </button>
          <button
            className="icon-button play"
            aria-label={playing ? 'Pause' : 'Play'}
            title="Play or pause (Space)"
            onClick={() => player.togglePlay()}
          >
            <Icon name={playing ? 'pause' : 'play'} size={24} />
          </button>
          <button
            className="icon-button"
            aria-label="Next"
            title="Next (N)"
            onClick={() => player.next()}
          >
            <Icon name="next" />
          </button>
          <button
            className={`icon-button${queue.repeat !== 'off' ? ' on' : ''}`}
            aria-label={REPEAT_LABEL[queue.repeat]}
            title={`${REPEAT_LABEL[queue.repeat]} (R)`}
            data-repeat={queue.repeat}
            onClick={() => player.setRepeat(cycleRepeat(queue.repeat))}
          >
            <Icon name={queue.repeat === 'one' ? 'repeatOne' : 'repeat'} />
          </button>
        </div>
        <SeekBar player={player} duration={snapshot.duration} disabled={!track} />
      </div>
      <div className="np-right">
        <MarkButtons current={mark} onMark={onMark} disabled={!track} />
        <AutoQueueSwitch filler={autoQueue} />
        <div className="volume">
          <button
            className="icon-button small"
            aria-label={volume === 0 ? 'Unmute' : 'Mute'}
            title={volume === 0 ? 'Unmute (0)' : 'Mute (0)'}
            onClick={() => player.toggleMute()}
          >
            <Icon name={volume === 0 ? 'volumeOff' : 'volume'} size={18} />
          </button>
          <input
            type="range"
            min={0}
            max={1}
            step={0.01}
            value={volume}
            aria-label="Volume"
            aria-valuetext={`${Math.round(volume * 100)} %`}
            onChange={(e) => player.setVolume(Number(e.target.value))}
          />
        </div>
        <button
          className={`icon-button${queueOpen ? ' on' : ''}`}
          aria-pressed={queueOpen}
          aria-label="Queue"
          title="Queue"
          onClick={onToggleQueue}
        >
          <Icon name="queue" />
        </button>
        <button
          className="icon-button"
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
          onClick={onHelp}
        >
          ?
        </button>
      </div>
    </footer>
  )
}

/** The auto-queue switch: one, in the bar, so it is in view whatever else is open. */
function AutoQueueSwitch({ filler }: { filler: AutoQueueFiller | null }) {
  const state = useAutoQueueState(filler)
  if (!filler) return null
  return (
    <label
      className={`np-auto-queue${state.enabled ? ' on' : ''}`}
      title="Auto-queue: keep the queue going with songs Attune picks for you"
    >
      <input
        type="checkbox"
        role="switch"
        aria-label="Auto-queue"
        checked={state.enabled === true}
        disabled={state.enabled === null}
        onChange={(e) => void filler.setEnabled(e.target.checked)}
      />
      <span aria-hidden="true">Auto</span>
    </label>
  )
}

/** The only part that re-renders with the position, a few times a second. */
function SeekBar({
  player,
  duration,
  disabled,
}: {
  player: Player
  duration: number | null
  disabled: boolean
}) {
  const position = usePosition(player)
  const max = duration && duration > 0 ? duration : Math.max(position, 1)
  return (
    <div className="seek">
      <span className="time" data-testid="position">
        {formatTime(position)}
      </span>
      <input
        type="range"
        min={0}
        max={max}
        step={0.1}
        value={Math.min(position, max)}
        disabled={disabled}
        aria-label="Seek"
        onChange={(e) => player.seek(Number(e.target.value))}
      />
      <span className="time">{formatTime(duration)}</span>
    </div>
  )
}
