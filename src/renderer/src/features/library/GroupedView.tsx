// Artists and albums over the whole library, from the engine's listAlbums / listArtists (paged:
// more load as the listener scrolls) and listGroupTracks. Artists → an artist's albums → an
// album's tracks, with play and queue at every level.
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type ReactNode,
  type UIEvent,
} from 'react'
import type { AlbumSummary, ArtistSummary } from '../../../../shared/contract'
import type { Track } from '../../../../shared/domain'
import type { RadioSeed } from '../../../../shared/radio'
import type { Bridge } from '../../lib/bridge'
import { errorText, formatTime, trackArtist, trackTitle } from '../../lib/format'

/** Albums or artists asked for at a time. */
export const GROUP_PAGE_SIZE = 100
/** Load the next page when the listener scrolls this close (px) to the end of what is shown. */
const LOAD_AHEAD = 800

export interface GroupedViewProps {
  bridge: Bridge
  by: 'artist' | 'album'
  search: string
  refreshKey: number
  onPlay: (tracks: Track[]) => void
  onQueue: (tracks: Track[]) => void
  /** "Start radio" from an album or an artist. */
  onStartRadio?: ((seed: RadioSeed) => void) | undefined
  /** "Add to playlist…" with the album's or artist's songs (`name` says which, in words). */
  onAddToPlaylist?: ((tracks: Track[], name: string) => void) | undefined
}

/** Where the listener is: the top list, then an artist, then an album. */
type Step = { kind: 'artist'; name: string } | { kind: 'album'; album: AlbumSummary }

export function GroupedView({
  bridge,
  by,
  search,
  refreshKey,
  onPlay,
  onQueue,
  onStartRadio,
  onAddToPlaylist,
}: GroupedViewProps) {
  const [trail, setTrail] = useState<{ by: string; search: string; steps: Step[] }>({
    by,
    search,
    steps: [],
  })
  // Another view (albums ↔ artists) or a new search starts again from its list.
  const steps = trail.by === by && trail.search === search ? trail.steps : []
  const here = steps[steps.length - 1]
  const scroller = useRef<HTMLElement>(null)
  /** Where each level was scrolled to, so going back returns to the same place. */
  const scrolledTo = useRef<number[]>([])
  const [nearEnd, setNearEnd] = useState(0)

  const open = (step: Step) => {
    scrolledTo.current[steps.length] = scroller.current?.scrollTop ?? 0
    scrolledTo.current.length = steps.length + 1
    setTrail({ by, search, steps: [...steps, step] })
  }
  const back = () => setTrail({ by, search, steps: steps.slice(0, -1) })

  // A new level starts at the top; going back restores where the listener was.
  useLayoutEffect(() => {
    scroller.current?.scrollTo?.({ top: scrolledTo.current[steps.length] ?? 0 })
  }, [here, steps.length])

  const onScroll = (event: UIEvent<HTMLElement>) => {
    const element = event.currentTarget
    if (element.scrollTop + element.clientHeight > element.scrollHeight - LOAD_AHEAD)
      setNearEnd((n) => n + 1)
  }

  // Not "Back to albums": the listener (and the e2e test) should find one "Albums" button, the nav.
  const previous = steps[steps.length - 2]
  const backTo =
    previous?.kind === 'artist'
      ? previous.name
      : by === 'artist'
        ? 'the artist list'
        : 'the album list'
  const backText =
    previous?.kind === 'artist' ? previous.name : by === 'artist' ? 'Artist list' : 'Album list'

  // The lists under the open level stay mounted (hidden), keeping what they loaded.
  return (
    <section
      className="grouped"
      aria-label={by === 'artist' ? 'Artists' : 'Albums'}
      ref={scroller}
      onScroll={onScroll}
    >
      {here ? (
        <button className="group-back" onClick={back} aria-label={`Back to ${backTo}`}>
          ← {backText}
        </button>
      ) : null}
      <div className="group-level" hidden={steps.length > 0}>
        {by === 'album' ? (
          <AlbumGrid
            bridge={bridge}
            search={search}
            refreshKey={refreshKey}
            nearEnd={steps.length === 0 ? nearEnd : 0}
            onOpen={(album) => open({ kind: 'album', album })}
          />
        ) : (
          <ArtistList
            bridge={bridge}
            search={search}
            refreshKey={refreshKey}
            nearEnd={steps.length === 0 ? nearEnd : 0}
            onOpen={(name) => open({ kind: 'artist', name })}
          />
        )}
      </div>
      {steps.map((step, level) =>
        step.kind === 'artist' ? (
          <div className="group-level" key={level} hidden={level < steps.length - 1}>
            <GroupActions
              bridge={bridge}
              heading={step.name}
              group={{ artist: step.name }}
              what="artist"
              onPlay={onPlay}
              onQueue={onQueue}
              onStartRadio={onStartRadio}
              onAddToPlaylist={onAddToPlaylist}
            />
            <AlbumGrid
              bridge={bridge}
              search=""
              artist={step.name}
              refreshKey={refreshKey}
              nearEnd={level === steps.length - 1 ? nearEnd : 0}
              onOpen={(album) => open({ kind: 'album', album })}
            />
          </div>
        ) : level === steps.length - 1 ? (
          <AlbumTracks
            key={level}
            bridge={bridge}
            album={step.album}
            refreshKey={refreshKey}
            onPlay={onPlay}
            onQueue={onQueue}
            onStartRadio={onStartRadio}
            onAddToPlaylist={onAddToPlaylist}
          />
        ) : null,
      )}
    </section>
  )
}

interface Paged<T> {
  items: T[]
  /** null until the first page answers. */
  total: number | null
  error: string | null
  loadMore: () => void
}

/**
 * Pages of a list, loaded one after another; `load` changing (a new query) starts again, and
 * answers to an old query are dropped.
 */
function usePaged<T>(
  load: (offset: number) => Promise<{ items: T[]; total: number }>,
  what: string,
): Paged<T> {
  // The state remembers which query it answers, so a new query shows nothing stale.
  const [state, setState] = useState<{
    source: unknown
    items: T[]
    total: number | null
    error: string | null
  }>({ source: null, items: [], total: null, error: null })
  const generation = useRef(0)
  const loading = useRef(false)
  const loaded = useRef(0)
  const total = useRef<number | null>(null)

  const fetchFrom = useCallback(
    (offset: number, asked: number) => {
      loading.current = true
      load(offset)
        .then((page) => {
          if (asked !== generation.current) return
          loaded.current = offset + page.items.length
          total.current = page.total
          setState((previous) => ({
            source: load,
            items:
              offset === 0 || previous.source !== load
                ? page.items
                : [...previous.items, ...page.items],
            total: page.total,
            error: null,
          }))
        })
        .catch((e: unknown) => {
          if (asked === generation.current)
            setState((previous) => ({
              ...(previous.source === load ? previous : { items: [], total: null }),
              source: load,
              error: `The ${what} could not be read: ${errorText(e)}`,
            }))
        })
        .finally(() => {
          if (asked === generation.current) loading.current = false
        })
    },
    [load, what],
  )

  useEffect(() => {
    generation.current += 1
    loaded.current = 0
    total.current = null
    fetchFrom(0, generation.current)
  }, [fetchFrom])

  const loadMore = useCallback(() => {
    if (loading.current || total.current === null || loaded.current >= total.current) return
    fetchFrom(loaded.current, generation.current)
  }, [fetchFrom])

  const current = state.source === load ? state : { items: [] as T[], total: null, error: null }
  return { items: current.items, total: current.total, error: current.error, loadMore }
}

function Cover({
  bridge,
  coverId,
  label,
}: {
  bridge: Bridge
  coverId: string | null
  label: string
}) {
  return coverId ? (
    <img
      className="group-cover"
      src={bridge.coverUrl(coverId)}
      alt={label}
      width={160}
      height={160}
      loading="lazy"
    />
  ) : (
    <div
      className="group-cover cover-empty"
      // With no label the cover is decoration: the name beside it says whose it is.
      {...(label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true })}
    >
      ♪
    </div>
  )
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`
}

/** "Show more" for when scrolling cannot fire (keyboard, a short window), and the count. */
function MoreFooter({
  shown,
  total,
  onMore,
}: {
  shown: number
  total: number
  onMore: () => void
}) {
  return shown < total ? (
    <div className="group-more">
      <span className="muted">
        {shown.toLocaleString('en')} of {total.toLocaleString('en')} shown
      </span>
      <button onClick={onMore}>Show more</button>
    </div>
  ) : null
}

interface AlbumGridProps {
  bridge: Bridge
  search: string
  artist?: string
  refreshKey: number
  /** Moves when the listener nears the end of the scroller: time to load the next page. */
  nearEnd: number
  onOpen: (album: AlbumSummary) => void
}

function AlbumGrid({ bridge, search, artist, refreshKey, nearEnd, onOpen }: AlbumGridProps) {
  const load = useCallback(
    (offset: number) =>
      bridge.api
        .listAlbums({
          offset,
          limit: GROUP_PAGE_SIZE,
          ...(search ? { search } : {}),
          ...(artist ? { artist } : {}),
        })
        .then((page) => ({ items: page.albums, total: page.total })),
    // refreshKey: a scan or a change on disk reloads the list.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [bridge, search, artist, refreshKey],
  )
  const albums = usePaged(load, 'albums')
  const { loadMore } = albums
  useEffect(() => {
    if (nearEnd > 0) loadMore()
  }, [nearEnd, loadMore])

  if (albums.error) return <p className="inline-error">{albums.error}</p>
  if (albums.total === null) return <p className="empty-note">Loading…</p>
  if (albums.total === 0)
    return (
      <p className="empty-note">
        {search
          ? `No album has a track matching “${search}”.`
          : artist
            ? `${artist} has no tracks with an album title.`
            : 'No albums yet. Albums come from the album tags of your music; add a music folder in Settings, or tag your files.'}
      </p>
    )
  return (
    <>
      {!artist ? (
        <p className="muted group-count" data-testid="album-count">
          {plural(albums.total, 'album')}
        </p>
      ) : null}
      <ul className="album-grid" aria-label={artist ? `Albums of ${artist}` : 'Albums'}>
        {albums.items.map((album) => (
          <li key={album.key} data-testid="album-group">
            <button
              className="album-card"
              onClick={() => onOpen(album)}
              title={`${album.title} — ${album.artist ?? 'Unknown artist'}`}
            >
              <Cover bridge={bridge} coverId={album.coverId} label={`Cover of ${album.title}`} />
              <span className="album-title">{album.title}</span>
              <span className="muted album-sub">
                {album.artist ?? 'Unknown artist'}
                {album.year ? ` · ${album.year}` : ''}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <MoreFooter shown={albums.items.length} total={albums.total} onMore={loadMore} />
    </>
  )
}

interface ArtistListProps {
  bridge: Bridge
  search: string
  refreshKey: number
  nearEnd: number
  onOpen: (name: string) => void
}

function ArtistList({ bridge, search, refreshKey, nearEnd, onOpen }: ArtistListProps) {
  const load = useCallback(
    (offset: number) =>
      bridge.api
        .listArtists({ offset, limit: GROUP_PAGE_SIZE, ...(search ? { search } : {}) })
        .then((page) => ({ items: page.artists, total: page.total })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [bridge, search, refreshKey],
  )
  const artists = usePaged<ArtistSummary>(load, 'artists')
  const { loadMore } = artists
  useEffect(() => {
    if (nearEnd > 0) loadMore()
  }, [nearEnd, loadMore])

  if (artists.error) return <p className="inline-error">{artists.error}</p>
  if (artists.total === null) return <p className="empty-note">Loading…</p>
  if (artists.total === 0)
    return (
      <p className="empty-note">
        {search
          ? `No artist has a track matching “${search}”.`
          : 'No artists yet. Artists come from the artist tags of your music; add a music folder in Settings, or tag your files.'}
      </p>
    )
  return (
    <>
      <p className="muted group-count" data-testid="artist-count">
        {plural(artists.total, 'artist')}
      </p>
      <ul className="artist-list" aria-label="Artists">
        {artists.items.map((artist) => (
          <li key={artist.name} data-testid="artist-group">
            <button className="artist-row" onClick={() => onOpen(artist.name)}>
              <Cover bridge={bridge} coverId={artist.coverId} label="" />
              <span className="artist-name">{artist.name}</span>
              <span className="muted">
                {plural(artist.albumCount, 'album')} · {plural(artist.trackCount, 'track')}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <MoreFooter shown={artists.items.length} total={artists.total} onMore={loadMore} />
    </>
  )
}

interface GroupActionsProps {
  bridge: Bridge
  heading: string
  group: { album: string } | { artist: string }
  what: 'album' | 'artist'
  onPlay: (tracks: Track[]) => void
  onQueue: (tracks: Track[]) => void
  onStartRadio?: ((seed: RadioSeed) => void) | undefined
  onAddToPlaylist?: ((tracks: Track[], name: string) => void) | undefined
  /** Tracks already loaded (the album view has them); else they are fetched on a click. */
  tracks?: Track[]
  children?: ReactNode
}

/** The heading of an album or artist with Play all / Add all to queue. */
function GroupActions(props: GroupActionsProps) {
  const { bridge, group, onPlay, onQueue, onStartRadio, tracks } = props
  const [error, setError] = useState<string | null>(null)
  const [cut, setCut] = useState<string | null>(null)
  const withTracks = (hand: (tracks: Track[]) => void) => {
    if (tracks) {
      hand(tracks)
      return
    }
    bridge.api
      .listGroupTracks(group)
      .then((loaded) => {
        setError(null)
        // The engine answers at most 10,000 tracks: say so rather than pretend it was all of them.
        setCut(
          loaded.total > loaded.tracks.length
            ? `Only the first ${loaded.tracks.length.toLocaleString('en')} of ${loaded.total.toLocaleString('en')} tracks were taken.`
            : null,
        )
        if (loaded.tracks.length > 0) hand(loaded.tracks)
        else setError(`This ${props.what} has no tracks to play.`)
      })
      .catch((e: unknown) => setError(`The tracks could not be read: ${errorText(e)}`))
  }
  return (
    <header className="group-head">
      {props.children}
      <div className="group-body">
        <h2>{props.heading}</h2>
        <div className="group-actions">
          <button onClick={() => withTracks(onPlay)} disabled={tracks?.length === 0}>
            Play all
          </button>
          <button onClick={() => withTracks(onQueue)} disabled={tracks?.length === 0}>
            Add all to queue
          </button>
          {onStartRadio ? (
            <button
              onClick={() =>
                onStartRadio(
                  'album' in group
                    ? { kind: 'album', album: group.album }
                    : { kind: 'artist', artist: group.artist },
                )
              }
              disabled={tracks?.length === 0}
            >
              Start radio
            </button>
          ) : null}
          {props.onAddToPlaylist ? (
            <button
              onClick={() => withTracks((t) => props.onAddToPlaylist?.(t, props.heading))}
              disabled={tracks?.length === 0}
            >
              Add to playlist…
            </button>
          ) : null}
        </div>
        {error ? <p className="inline-error">{error}</p> : null}
        {cut ? <p className="group-cut">{cut}</p> : null}
      </div>
    </header>
  )
}

interface AlbumTracksProps {
  bridge: Bridge
  album: AlbumSummary
  refreshKey: number
  onPlay: (tracks: Track[]) => void
  onQueue: (tracks: Track[]) => void
  onStartRadio?: ((seed: RadioSeed) => void) | undefined
  onAddToPlaylist?: ((tracks: Track[], name: string) => void) | undefined
}

function AlbumTracks({
  bridge,
  album,
  refreshKey,
  onPlay,
  onQueue,
  onStartRadio,
  onAddToPlaylist,
}: AlbumTracksProps) {
  const [tracks, setTracks] = useState<Track[] | null>(null)
  const [total, setTotal] = useState(0)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let current = true
    bridge.api
      .listGroupTracks({ album: album.key })
      .then((answer) => {
        if (!current) return
        setTracks(answer.tracks)
        setTotal(answer.total)
        setError(null)
      })
      .catch((e: unknown) => {
        if (current) setError(`The album’s tracks could not be read: ${errorText(e)}`)
      })
    return () => {
      current = false
    }
  }, [bridge, album.key, refreshKey])

  const whole = tracks !== null && total <= tracks.length
  const duration = whole ? tracks.reduce((sum, t) => sum + (t.duration ?? 0), 0) : album.duration
  const severalDiscs = new Set(tracks?.map((t) => t.discNo ?? 1)).size > 1
  return (
    <div className="album-detail" aria-label={`Album ${album.title}`} role="region">
      <GroupActions
        bridge={bridge}
        heading={album.title}
        group={{ album: album.key }}
        what="album"
        onPlay={onPlay}
        onQueue={onQueue}
        onStartRadio={onStartRadio}
        onAddToPlaylist={onAddToPlaylist}
        {...(tracks ? { tracks } : {})}
      >
        <Cover bridge={bridge} coverId={album.coverId} label={`Cover of ${album.title}`} />
      </GroupActions>
      <p className="muted">
        {album.artist ?? 'Unknown artist'}
        {album.year ? ` · ${album.year}` : ''} ·{' '}
        {plural(tracks ? total : album.trackCount, 'track')} · {formatTime(duration)}
      </p>
      {tracks && !whole ? (
        <p className="group-cut">
          Showing the first {tracks.length.toLocaleString('en')} of {total.toLocaleString('en')}{' '}
          tracks.
        </p>
      ) : null}
      {error ? <p className="inline-error">{error}</p> : null}
      {tracks === null && !error ? <p className="empty-note">Loading…</p> : null}
      {tracks?.length === 0 ? (
        <p className="empty-note">
          This album has no tracks left in the library; its files may have moved. Rescan the library
          to find them again.
        </p>
      ) : null}
      {tracks && tracks.length > 0 ? (
        <ol className="album-tracks" aria-label="Tracks of the album">
          {tracks.map((track, index) => (
            <li
              key={track.id}
              data-testid="album-track"
              // The album plays on from that song, as a listener expects of an album.
              onDoubleClick={() => onPlay(tracks.slice(index))}
              className={track.error ? 'failed' : undefined}
            >
              <button
                className="row-play"
                aria-label={`Play ${trackTitle(track)}`}
                onClick={() => onPlay(tracks.slice(index))}
              >
                ▶
              </button>
              <span className="album-track-no muted">
                {severalDiscs ? `${track.discNo ?? 1}-` : ''}
                {track.trackNo ?? ''}
              </span>
              <span className="album-track-title">{trackTitle(track)}</span>
              {album.artist !== trackArtist(track) ? (
                <span className="muted album-track-artist">{trackArtist(track)}</span>
              ) : null}
              <span className="muted">{formatTime(track.duration)}</span>
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  )
}
