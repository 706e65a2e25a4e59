import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { TRACK_SORT_KEYS, type LibraryStatus, type TrackSortKey } from '../../shared/contract'
import type { AnalysisProgress, Mark, ScanProgress, Track } from '../../shared/domain'
import { exclusionWords, type ExclusionRule } from '../../shared/exclusions'
import { ContextMenu, type MenuItem } from './components/ContextMenu'
import { HelpOverlay } from './components/HelpOverlay'
import { FirstRun } from './features/library/FirstRun'
import { GroupedView } from './features/library/GroupedView'
import { FoldersView } from './features/library/FoldersView'
import { PlaylistsView } from './features/playlists/PlaylistsView'
import { AddToPlaylist } from './features/playlists/AddToPlaylist'
import { LibraryView, OPTIONAL_COLUMNS, type OptionalColumn } from './features/library/LibraryView'
import { useTrackPages, type TrackQuery } from './features/library/useTrackPages'
import { NowPlaying } from './features/player/NowPlaying'
import { NowPlayingView } from './features/player/NowPlayingView'
import { Player } from './features/player/player'
import { QueueSaver, type QueueSaverOptions } from './features/player/queue-saver'
import { connectMediaSession } from './features/player/media-session'
import type { SoundFactory } from './features/player/sound'
import { createPlaybackSound } from './features/player/web-audio-sound'
import { usePlayerSnapshot } from './features/player/usePlayer'
import { QueuePanel } from './features/queue/QueuePanel'
import { useAutoQueue } from './features/queue/auto-queue'
import { DiscoverView } from './features/discover/DiscoverView'
import { InsightsView } from './features/insights/InsightsView'
import { SettingsView } from './features/settings/SettingsView'
import { RadioBanner, useRadio } from './features/radio/radio'
import { MAX_SEED_SONGS, type RadioSeed } from '../../shared/radio'
import type { Bridge } from './lib/bridge'
import { errorText, trackTitle } from './lib/format'
import { MARK_INFO, markNotice } from './lib/marks'
import { MarkNotice, type Notice } from './components/MarkNotice'
import { usePersistedState } from './lib/persisted'
import { actionFor } from './lib/shortcuts'
import { cycleRepeat } from '../../shared/queue'

type View =
  | 'library'
  | 'artists'
  | 'albums'
  | 'folders'
  | 'playlists'
  | 'discover'
  | 'rediscover'
  | 'insights'
  | 'settings'

const VIEWS: { id: View; label: string }[] = [
  { id: 'library', label: 'Songs' },
  { id: 'artists', label: 'Artists' },
  { id: 'albums', label: 'Albums' },
  { id: 'folders', label: 'Folders' },
  { id: 'playlists', label: 'Playlists' },
  { id: 'discover', label: 'Discover' },
  { id: 'rediscover', label: 'Rediscover' },
  { id: 'insights', label: 'Insights' },
  { id: 'settings', label: 'Settings' },
]

const SEARCH_DEBOUNCE_MS = 200
/** A list played from a row becomes the queue: at most this many songs of it. */
const LIST_QUEUE_MAX = 500
/** From this window width the queue is docked (styles.css has the same number). */
/** Songs between the two ends of a path ("Play a path from … to here"). */
const PATH_STEPS = 8
const QUEUE_DOCK_WIDTH = 1200

/** Views the search box filters; `/` elsewhere goes to the songs. */
const SEARCHABLE_VIEWS: ReadonlySet<View> = new Set(['library', 'artists', 'albums'])

const REPEAT_WORDS = { off: 'Repeat off', all: 'Repeat all', one: 'Repeat one' } as const

export interface AppProps {
  bridge: Bridge
  /** How sounds are made; Web Audio (or howler) in the app, an in-memory sound in component tests. */
  createSound?: SoundFactory
  /** A ready player (tests); otherwise the app makes its own. */
  player?: Player
  saverOptions?: QueueSaverOptions
}

export function App({
  bridge,
  createSound = createPlaybackSound,
  player: givenPlayer,
  saverOptions,
}: AppProps) {
  const [player] = useState(() => givenPlayer ?? new Player({ bridge, createSound }))
  const snapshot = usePlayerSnapshot(player)
  const autoQueue = useAutoQueue(player, bridge)
  const radio = useRadio(bridge)
  const [status, setStatus] = useState<LibraryStatus | null>(null)
  const [progress, setProgress] = useState<ScanProgress | null>(null)
  const [analysis, setAnalysis] = useState<AnalysisProgress | null>(null)
  const [labels, setLabels] = useState<ReadonlyMap<number, Mark>>(new Map())
  const [view, setView] = useState<View>('library')
  const [searchText, setSearchText] = useState('')
  const [search, setSearch] = useState('')
  const [sort, setSort] = usePersistedState<TrackSortKey>('sort', 'album', (v) =>
    (TRACK_SORT_KEYS as readonly unknown[]).includes(v),
  )
  const [descending, setDescending] = usePersistedState('descending', false, (v) => v === true)
  const [hiddenColumns, setHiddenColumns] = usePersistedState<readonly OptionalColumn[]>(
    'hiddenColumns',
    [],
    (v) => Array.isArray(v) && v.every((c) => (OPTIONAL_COLUMNS as readonly unknown[]).includes(c)),
  )
  const [refreshKey, setRefreshKey] = useState(0)
  const [historyKey, setHistoryKey] = useState(0)
  const [error, setError] = useState<string | null>(null)
  const [helpOpen, setHelpOpen] = useState(false)
  const [nowPlayingOpen, setNowPlayingOpen] = useState(false)
  const closeNowPlaying = useCallback(() => setNowPlayingOpen(false), [])
  /** What a keyboard shortcut changed, for screen readers (a polite live region). */
  const [announcement, setAnnouncement] = useState('')
  const searchInput = useRef<HTMLInputElement>(null)
  // Docked beside the content in a wide window; below 1200 px a drawer, closed at first.
  const [queueOpen, setQueueOpen] = useState(() => window.innerWidth >= QUEUE_DOCK_WIDTH)
  /** The song menu: the song it was opened on, and the songs it acts on (a selection). */
  const [menu, setMenu] = useState<{
    track: Track
    tracks: readonly Track[]
    x: number
    y: number
  } | null>(null)
  const labelsRef = useRef(labels)
  const [notice, setNotice] = useState<Notice | null>(null)
  const noticeCount = useRef(0)
  const closeNotice = useCallback(() => setNotice(null), [])
  const showNotice = useCallback(
    (content: Omit<Notice, 'id'>) => setNotice({ id: ++noticeCount.current, ...content }),
    [],
  )
  const skipOnNotForMe = useRef(true)
  /** "Add to playlist…" or "Save the queue as a playlist": the dialog's songs and words. */
  const [playlistDialog, setPlaylistDialog] = useState<{
    title: string
    tracks: readonly Track[] | readonly number[]
    existing: boolean
  } | null>(null)
  const closePlaylistDialog = useCallback(() => setPlaylistDialog(null), [])
  const saveQueueAsPlaylist = useCallback(
    (trackIds: number[]) =>
      setPlaylistDialog({
        title: 'Save the queue as a playlist',
        tracks: trackIds,
        existing: false,
      }),
    [],
  )

  const query = useMemo<TrackQuery>(
    () => ({ search, sort, descending }),
    [search, sort, descending],
  )
  const pages = useTrackPages(bridge, query, refreshKey)

  const loadStatus = useCallback(() => {
    bridge.api
      .getStatus()
      .then(setStatus)
      .catch((e: unknown) => setError(`Attune cannot reach its engine: ${errorText(e)}`))
  }, [bridge])

  const loadLabels = useCallback(() => {
    bridge.api
      .listLabels()
      .then((list) => {
        const map = new Map(list.map((l) => [l.trackId, l.mark] as const))
        labelsRef.current = map
        setLabels(map)
      })
      .catch((e: unknown) => setError(`Your marks could not be read: ${errorText(e)}`))
  }, [bridge])

  // OS media keys and now-playing info.
  useEffect(() => connectMediaSession(player, (id) => bridge.coverUrl(id)), [player, bridge])

  // First load: status, labels, and the saved queue (then keep saving it).
  useEffect(() => {
    loadStatus()
    loadLabels()
    let saver: QueueSaver | null = null
    let cancelled = false
    bridge.api
      .getQueue()
      .then((saved) => {
        if (cancelled) return
        // The listener may have started something while the saved queue was on its way.
        if (player.getSnapshot().queue.items.length === 0) player.restore(saved)
      })
      .catch((e: unknown) => setError(`The saved queue could not be read: ${errorText(e)}`))
      .finally(() => {
        if (!cancelled) saver = new QueueSaver(player, bridge, saverOptions)
      })
    const onUnload = () => {
      player.quit()
      saver?.flush()
    }
    window.addEventListener('beforeunload', onUnload)
    const offEnded = player.on('playEnded', () => setHistoryKey((k) => k + 1))
    return () => {
      cancelled = true
      saver?.dispose()
      offEnded()
      window.removeEventListener('beforeunload', onUnload)
    }
  }, [bridge, player, loadStatus, loadLabels, saverOptions])

  // Tracks whose file would not play: marked in the library; read again when the library changes.
  const [unplayable, setUnplayable] = useState<ReadonlyMap<number, string>>(new Map())
  useEffect(() => {
    let cancelled = false
    bridge.api
      .listUnplayable()
      .then((list) => {
        if (!cancelled) setUnplayable(new Map(list.map((u) => [u.trackId, u.reason])))
      })
      .catch(() => undefined)
    return () => {
      cancelled = true
    }
  }, [bridge, refreshKey])

  // Engine events: scan progress, library and label changes, errors.
  useEffect(() => {
    let refreshTimer: ReturnType<typeof setTimeout> | null = null
    const refreshSoon = () => {
      if (refreshTimer !== null) clearTimeout(refreshTimer)
      refreshTimer = setTimeout(() => {
        loadStatus()
        setRefreshKey((k) => k + 1)
      }, 300)
    }
    const off = bridge.onEvent((event) => {
      switch (event.name) {
        case 'scanProgress':
          setProgress(event.payload)
          break
        case 'scanFinished':
          setProgress(null)
          refreshSoon()
          break
        case 'libraryChanged':
          refreshSoon()
          break
        case 'analysisProgress':
          setAnalysis(event.payload)
          break
        case 'analysisFinished':
          setAnalysis(null)
          loadStatus()
          break
        case 'labelsChanged': {
          // One mark, with what it is now: set it here, no need to read every label again
          // (the window that set it has it already). Many at once (an import): read them.
          const { trackId, mark } = event.payload
          if (trackId === null || mark === undefined) {
            loadLabels()
            break
          }
          if ((labelsRef.current.get(trackId) ?? 'none') === mark) break
          const updated = new Map(labelsRef.current)
          if (mark === 'none') updated.delete(trackId)
          else updated.set(trackId, mark)
          labelsRef.current = updated
          setLabels(updated)
          break
        }
        case 'queueChanged': {
          const { revision, replaced } = event.payload
          // Only the engine's re-rank is news here; a plain save came from a window like this.
          if (replaced.length > 0) player.applyReplacements(revision, replaced)
          break
        }
        case 'settingsChanged':
          skipOnNotForMe.current = event.payload.playback.skipOnNotForMe
          player.setReplayGain(event.payload.playback.replayGain)
          player.setCrossfade(event.payload.playback.crossfadeSeconds)
          break
        case 'error':
          setError(errorText(event.payload))
          break
        default:
          break
      }
    })
    bridge.api
      .getSettings()
      .then((settings) => {
        skipOnNotForMe.current = settings.playback.skipOnNotForMe
        player.setReplayGain(settings.playback.replayGain)
        player.setCrossfade(settings.playback.crossfadeSeconds)
      })
      .catch(() => undefined) // the default (on) stays; Settings says why it cannot read them
    return () => {
      off()
      if (refreshTimer !== null) clearTimeout(refreshTimer)
    }
  }, [bridge, player, loadStatus, loadLabels])

  useEffect(() => {
    const timer = setTimeout(() => setSearch(searchText.trim()), SEARCH_DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [searchText])

  /** Writes a mark (or 'none') here and in the engine, once. */
  const writeMark = useCallback(
    (trackId: number, mark: Mark | 'none') => {
      const updated = new Map(labelsRef.current)
      if (mark === 'none') updated.delete(trackId)
      else updated.set(trackId, mark)
      labelsRef.current = updated
      setLabels(updated)
      bridge.api.setMark({ trackId, mark }).catch((e: unknown) => {
        setError(`The mark was not saved: ${errorText(e)}`)
        loadLabels()
      })
    },
    [bridge, loadLabels],
  )

  /**
   * Sets a mark, or clears it when the track already has that mark, and says what it did with an
   * Undo (which writes the previous mark back: the log keeps both). "Not for me" on the song that
   * is playing moves on to the next one (a setting, on by default).
   */
  const setMark = useCallback(
    (track: Track, mark: Mark) => {
      const previous = labelsRef.current.get(track.id) ?? null
      const next = previous === mark ? null : mark
      writeMark(track.id, next ?? 'none')
      const now = player.getSnapshot()
      const movedOn =
        next === 'not_for_me' &&
        skipOnNotForMe.current &&
        now.track?.id === track.id &&
        (now.status === 'playing' || now.status === 'loading')
      if (movedOn) player.next('turned_down')
      setNotice({
        id: ++noticeCount.current,
        message: markNotice(trackTitle(track), previous, next, movedOn),
        undo: () => writeMark(track.id, previous ?? 'none'),
      })
    },
    [player, writeMark],
  )

  const currentTrack = snapshot.track
  const markCurrent = useCallback(
    (mark: Mark) => {
      if (currentTrack) setMark(currentTrack, mark)
    },
    [currentTrack, setMark],
  )

  // Keyboard shortcuts (never taking a key from the focused control: see actionFor).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (helpOpen || event.defaultPrevented) return
      const action = actionFor(event)
      if (!action) return
      event.preventDefault()
      const { queue, volume } = player.getSnapshot()
      switch (action.kind) {
        case 'togglePlay':
          player.togglePlay()
          break
        case 'seekBy':
          player.seekBy(action.seconds)
          break
        case 'volumeBy': {
          const next = Math.round(Math.max(0, Math.min(1, volume + action.step)) * 100) / 100
          player.setVolume(next)
          setAnnouncement(`Volume ${Math.round(next * 100)} %`)
          break
        }
        case 'toggleMute':
          player.toggleMute()
          setAnnouncement(
            player.getSnapshot().volume === 0
              ? 'Muted'
              : `Volume ${Math.round(player.getSnapshot().volume * 100)} %`,
          )
          break
        case 'next':
          player.next()
          break
        case 'previous':
          player.previous()
          break
        case 'toggleShuffle':
          player.setShuffle(!queue.shuffle)
          setAnnouncement(queue.shuffle ? 'Shuffle off' : 'Shuffle on')
          break
        case 'cycleRepeat': {
          const repeat = cycleRepeat(queue.repeat)
          player.setRepeat(repeat)
          setAnnouncement(REPEAT_WORDS[repeat])
          break
        }
        case 'mark':
          markCurrent(action.mark)
          break
        case 'search':
          setView((current) => (SEARCHABLE_VIEWS.has(current) ? current : 'library'))
          setNowPlayingOpen(false)
          searchInput.current?.focus()
          searchInput.current?.select()
          break
        case 'help':
          setHelpOpen(true)
          break
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [player, markCurrent, helpOpen])

  useEffect(() => {
    document.title = currentTrack ? `${trackTitle(currentTrack)} — Attune` : 'Attune'
  }, [currentTrack])

  const onSort = useCallback(
    (key: TrackSortKey) => {
      if (key === sort) setDescending((d) => !d)
      else {
        setSort(key)
        setDescending(false)
      }
    },
    [sort, setSort, setDescending],
  )
  const toggleColumn = useCallback(
    (column: OptionalColumn) =>
      setHiddenColumns((hidden) =>
        hidden.includes(column) ? hidden.filter((c) => c !== column) : [...hidden, column],
      ),
    [setHiddenColumns],
  )
  /** The songs table from a row on becomes the queue (the engine lists it in the order shown). */
  const playFromRow = useCallback(
    (track: Track, index: number) => {
      bridge.api
        .listTracks({
          ...(query.search ? { search: query.search } : {}),
          sort: query.sort,
          ...(query.descending ? { descending: true } : {}),
          offset: index,
          limit: LIST_QUEUE_MAX,
        })
        .then(({ tracks }) =>
          // The list changed meanwhile (a scan): this row's song alone rather than other songs.
          player.playList(tracks[0]?.id === track.id ? tracks : [track]),
        )
        .catch(() => player.playList([track]))
    },
    [bridge, player, query],
  )
  const playList = useCallback((tracks: Track[]) => player.playList(tracks), [player])
  const playTrack = useCallback((track: Track) => player.playTracksNow([track]), [player])
  const openMenu = useCallback(
    (track: Track, x: number, y: number, tracks: readonly Track[] = [track]) =>
      setMenu({ track, tracks, x, y }),
    [],
  )
  /** "Add to playlist…" for an album's or an artist's songs. */
  const addGroupToPlaylist = useCallback(
    (tracks: Track[], name: string) =>
      setPlaylistDialog({ title: `Add ${name} to a playlist`, tracks, existing: true }),
    [],
  )
  const closeMenu = useCallback(() => setMenu(null), [])
  const closeHelp = useCallback(() => setHelpOpen(false), [])

  /** "Never play": the rule is stored at once, with Undo in the notice. */
  const neverPlay = useCallback(
    (rule: ExclusionRule) => {
      bridge.api
        .addExclusion({ rule })
        .then(() =>
          showNotice({
            message: `${exclusionWords(rule)} will not be picked for you any more (you can still play them yourself).`,
            undo: () => {
              bridge.api
                .removeExclusion({ rule })
                .catch((e: unknown) => setError(`That could not be undone: ${errorText(e)}`))
            },
          }),
        )
        .catch((e: unknown) => setError(`That could not be saved: ${errorText(e)}`))
    },
    [bridge, showNotice],
  )

  /** "Play a path": the song it starts from, chosen first from the song menu. */
  const [pathStart, setPathStart] = useState<Track | null>(null)
  const playPath = useCallback(
    (from: Track, to: Track) => {
      setPathStart(null)
      bridge.api
        .path({ from: from.id, to: to.id, steps: PATH_STEPS })
        .then((tracks) => {
          player.playTracksNow(tracks)
          showNotice({
            message: `Playing a path of ${tracks.length} songs from ${trackTitle(from)} to ${trackTitle(to)}.`,
          })
        })
        .catch((e: unknown) => setError(`That path could not be made: ${errorText(e)}`))
    },
    [bridge, player, showNotice],
  )

  /**
   * "Start radio": the auto-queue (switched on) keeps to songs close to the seed; the song playing
   * goes on. Undo in the notice ends the radio.
   */
  const stopRadio = useCallback(() => {
    bridge.api
      .stopRadio()
      .catch((e: unknown) => setError(`The radio could not be ended: ${errorText(e)}`))
  }, [bridge])
  const startRadio = useCallback(
    (seed: RadioSeed) => {
      bridge.api
        .startRadio({ seed })
        .then((status) =>
          showNotice({
            message: `Radio from ${status.radio?.label ?? 'your choice'}: the auto-queue now picks songs close to it, and keeps learning from you.`,
            undo: stopRadio,
          }),
        )
        .catch((e: unknown) => setError(`The radio could not start: ${errorText(e)}`))
    },
    [bridge, showNotice, stopRadio],
  )

  /** The menu of two or more selected songs: it acts on them all, in the table's order. */
  const selectionItems = (tracks: readonly Track[]): MenuItem[] => {
    const songs = `${tracks.length} songs`
    const list = [...tracks]
    return [
      { label: `Play ${songs} now`, onSelect: () => player.playTracksNow(list) },
      { label: `Play ${songs} next`, onSelect: () => player.playTracksNext(list) },
      { label: `Add ${songs} to queue`, onSelect: () => player.addTracks(list) },
      {
        label: `Add ${songs} to playlist…`,
        onSelect: () =>
          setPlaylistDialog({ title: `Add ${songs} to a playlist`, tracks: list, existing: true }),
      },
      {
        label: `Start radio from ${songs}`,
        separatorBefore: true,
        onSelect: () =>
          startRadio({
            kind: 'tracks',
            trackIds: list.slice(0, MAX_SEED_SONGS).map((t) => t.id),
            name: `the ${songs} you picked`,
          }),
      },
    ]
  }

  const menuItems = (track: Track): MenuItem[] => {
    const albumArtist = track.albumArtist ?? track.artist
    return [
      { label: 'Play now', onSelect: () => player.playTracksNow([track]) },
      { label: 'Play next', onSelect: () => player.playTracksNext([track]) },
      { label: 'Add to queue', onSelect: () => player.addTracks([track]) },
      {
        label: 'Add to playlist…',
        onSelect: () =>
          setPlaylistDialog({
            title: `Add ${trackTitle(track)} to a playlist`,
            tracks: [track],
            existing: true,
          }),
      },
      ...MARK_INFO.map((info, i) => ({
        label: info.label,
        pressed: labels.get(track.id) === info.mark,
        separatorBefore: i === 0,
        onSelect: () => setMark(track, info.mark),
      })),
      pathStart && pathStart.id !== track.id
        ? {
            label: `Play a path from ${trackTitle(pathStart)} to here`,
            separatorBefore: true,
            onSelect: () => playPath(pathStart, track),
          }
        : {
            label: 'Start a path from here',
            separatorBefore: true,
            onSelect: () => {
              setPathStart(track)
              showNotice({
                message: `A path from ${trackTitle(track)}: now right-click the song it should lead to.`,
                undo: () => setPathStart(null),
              })
            },
          },
      { label: 'Start radio', onSelect: () => startRadio({ kind: 'track', trackId: track.id }) },
      ...(track.artist
        ? [
            {
              label: `Never play ${track.artist}`,
              separatorBefore: true,
              onSelect: () => neverPlay({ kind: 'artist', artist: track.artist! }),
            },
          ]
        : []),
      ...(track.album
        ? [
            {
              label: `Never play the album ${track.album}`,
              separatorBefore: !track.artist,
              onSelect: () =>
                neverPlay({ kind: 'album', album: track.album!, artist: albumArtist }),
            },
          ]
        : []),
      ...(track.genre
        ? [
            {
              label: `Never play ${track.genre}`,
              onSelect: () => neverPlay({ kind: 'genre', genre: track.genre! }),
            },
          ]
        : []),
    ]
  }

  const rescan = () => {
    player.dismissNote()
    bridge.api
      .startScan()
      .catch((e: unknown) => setError(`The scan did not start: ${errorText(e)}`))
  }

  const firstRun = status !== null && status.roots.length === 0
  const scanFraction = progress && progress.seen > 0 ? progress.done / progress.seen : 0
  const note = snapshot.note

  return (
    <div className={`app${queueOpen ? ' with-queue' : ''}`}>
      <nav className="sidebar" aria-label="Views">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◉
          </span>
          Attune
        </div>
        {VIEWS.map((v) => (
          <button
            key={v.id}
            className={`nav-item${view === v.id ? ' active' : ''}`}
            aria-current={view === v.id ? 'page' : undefined}
            onClick={() => {
              setView(v.id)
              setNowPlayingOpen(false)
            }}
          >
            {v.label}
          </button>
        ))}
      </nav>

      <main className="main">
        <header className="topbar">
          <input
            ref={searchInput}
            type="search"
            className="search"
            placeholder="Search title, artist, album…"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            onKeyDown={(e) => {
              // Escape hands the keys back to the shortcuts.
              if (e.key === 'Escape') e.currentTarget.blur()
            }}
            aria-label="Search"
          />
          {pages.total !== null && view === 'library' ? (
            <span className="muted" data-testid="track-count">
              {pages.total} {pages.total === 1 ? 'track' : 'tracks'}
            </span>
          ) : null}
        </header>
        {progress ? (
          <div className="scan-progress">
            <div
              className="progress"
              role="progressbar"
              aria-label="Scanning"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(scanFraction * 100)}
            >
              <div className="progress-fill" style={{ width: `${scanFraction * 100}%` }} />
            </div>
            <span className="muted">
              Scanning: {progress.done} of {progress.seen} files
              {progress.failed ? `, ${progress.failed} unreadable` : ''}
              {progress.etaSeconds !== null
                ? `, about ${Math.ceil(progress.etaSeconds)} s left`
                : ''}
            </span>
          </div>
        ) : null}
        {analysis && !progress ? (
          <div className="scan-progress" data-testid="analysis-progress">
            <div
              className="progress"
              role="progressbar"
              aria-label="Analysing audio"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={
                analysis.total ? Math.round((100 * analysis.done) / analysis.total) : 0
              }
            >
              <div
                className="progress-fill"
                style={{ width: `${analysis.total ? (100 * analysis.done) / analysis.total : 0}%` }}
              />
            </div>
            <span className="muted">
              Listening to your library: {analysis.done} of {analysis.total} tracks analysed
              {analysis.failed ? `, ${analysis.failed} could not be analysed` : ''}
              {analysis.etaSeconds !== null
                ? `, about ${Math.ceil(analysis.etaSeconds)} s left`
                : ''}
            </span>
          </div>
        ) : null}
        {error ? (
          <div className="banner error" role="alert">
            <span>{error}</span>
            <button onClick={() => setError(null)}>Dismiss</button>
          </div>
        ) : null}
        {notice ? <MarkNotice notice={notice} onClose={closeNotice} /> : null}
        {note ? (
          <div className={`banner ${note.kind === 'undecodable' ? 'info' : 'error'}`} role="status">
            <span>{note.message}</span>
            {note.kind === 'missing' ? <button onClick={rescan}>Rescan library</button> : null}
            <button onClick={() => player.dismissNote()}>Dismiss</button>
          </div>
        ) : null}

        <div className="content">
          {nowPlayingOpen ? (
            <NowPlayingView
              player={player}
              bridge={bridge}
              mark={currentTrack ? (labels.get(currentTrack.id) ?? null) : null}
              onMark={markCurrent}
              onClose={closeNowPlaying}
              radio={radio}
              onStartRadio={startRadio}
              onStopRadio={stopRadio}
            />
          ) : firstRun && view !== 'settings' ? (
            <FirstRun bridge={bridge} onError={setError} />
          ) : view === 'library' ? (
            <LibraryView
              pages={pages}
              sort={sort}
              descending={descending}
              onSort={onSort}
              playingTrackId={currentTrack?.id ?? null}
              labels={labels}
              unplayable={unplayable}
              onPlay={playFromRow}
              onMark={setMark}
              onContextMenu={openMenu}
              hiddenColumns={hiddenColumns}
              onToggleColumn={toggleColumn}
            />
          ) : view === 'folders' ? (
            <FoldersView
              bridge={bridge}
              refreshKey={refreshKey}
              onPlay={playList}
              onQueue={(tracks) => player.addTracks(tracks)}
              onStartRadio={startRadio}
              onNeverPlay={(path) => neverPlay({ kind: 'folder', path })}
            />
          ) : view === 'playlists' ? (
            <PlaylistsView
              bridge={bridge}
              refreshKey={refreshKey}
              onPlay={playList}
              onQueue={(tracks) => player.addTracks(tracks)}
              onNotice={showNotice}
            />
          ) : view === 'artists' || view === 'albums' ? (
            <GroupedView
              bridge={bridge}
              by={view === 'artists' ? 'artist' : 'album'}
              search={search}
              refreshKey={refreshKey}
              onPlay={playList}
              onQueue={(tracks) => player.addTracks(tracks)}
              onStartRadio={startRadio}
              onAddToPlaylist={addGroupToPlaylist}
            />
          ) : view === 'discover' || view === 'rediscover' ? (
            <DiscoverView
              key={view}
              bridge={bridge}
              mode={view}
              labels={labels}
              onPlay={playList}
              onMark={setMark}
            />
          ) : view === 'insights' ? (
            <InsightsView
              bridge={bridge}
              onPlay={playTrack}
              onQueue={(track) => player.addTracks([track])}
            />
          ) : (
            <SettingsView
              bridge={bridge}
              status={status}
              scanning={progress !== null || !!status?.scanning}
              onError={setError}
            />
          )}
        </div>
      </main>

      {queueOpen ? (
        <QueuePanel
          player={player}
          bridge={bridge}
          historyKey={historyKey}
          autoQueue={autoQueue}
          onNotice={showNotice}
          onSaveAsPlaylist={saveQueueAsPlaylist}
          banner={<RadioBanner bridge={bridge} status={radio} onError={setError} />}
        />
      ) : null}

      <NowPlaying
        player={player}
        bridge={bridge}
        autoQueue={autoQueue}
        mark={currentTrack ? (labels.get(currentTrack.id) ?? null) : null}
        onMark={markCurrent}
        queueOpen={queueOpen}
        onToggleQueue={() => setQueueOpen((o) => !o)}
        onHelp={() => setHelpOpen(true)}
        viewOpen={nowPlayingOpen}
        onToggleView={() => setNowPlayingOpen((open) => !open)}
      />

      {menu ? (
        <ContextMenu
          x={menu.x}
          y={menu.y}
          title={menu.tracks.length > 1 ? `${menu.tracks.length} songs` : trackTitle(menu.track)}
          items={menu.tracks.length > 1 ? selectionItems(menu.tracks) : menuItems(menu.track)}
          onClose={closeMenu}
        />
      ) : null}
      {helpOpen ? <HelpOverlay onClose={closeHelp} /> : null}
      {playlistDialog ? (
        <AddToPlaylist
          bridge={bridge}
          title={playlistDialog.title}
          tracks={playlistDialog.tracks}
          existing={playlistDialog.existing}
          onDone={(message) => showNotice({ message })}
          onClose={closePlaylistDialog}
        />
      ) : null}
      <div className="visually-hidden" aria-live="polite" data-testid="announcement">
        {announcement}
      </div>
    </div>
  )
}
