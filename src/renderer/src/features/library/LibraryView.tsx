// The library table: virtualised (only the rows in view are in the DOM, at a fixed height), paged
// from the engine, sortable by column, searchable. Marks are set from each row's icons or its
// context menu. Rows are selected with a click, Ctrl/Cmd-click (toggles) and Shift-click (a range
// from the last row clicked); Escape clears the selection, and the menu of a selected row acts on
// all of it.
import {
  memo,
  type CSSProperties,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type MouseEvent,
  type UIEvent,
} from 'react'
import type { TrackSortKey } from '../../../../shared/contract'
import type { Mark, Track } from '../../../../shared/domain'
import { formatTime, trackArtist, trackTitle } from '../../lib/format'
import { MarkButtons } from '../../components/MarkButtons'
import type { TrackPages } from './useTrackPages'

export const ROW_HEIGHT = 34
const OVERSCAN = 8
/** When the container has no measured height yet (tests, first paint). */
const FALLBACK_VIEWPORT = 720

/** The columns a listener may hide (title, the play button and the marks always show). */
export const OPTIONAL_COLUMNS = ['artist', 'album', 'duration', 'format'] as const
export type OptionalColumn = (typeof OPTIONAL_COLUMNS)[number]

interface Column {
  id: 'index' | 'title' | OptionalColumn | 'marks'
  title: string
  sort: TrackSortKey | null
  className: string
  /** Its track in the grid template. */
  width: string
}

const COLUMNS: Column[] = [
  { id: 'index', title: '#', sort: null, className: 'col-index', width: '64px' },
  {
    id: 'title',
    title: 'Title',
    sort: 'title',
    className: 'col-title',
    width: 'minmax(120px, 3fr)',
  },
  {
    id: 'artist',
    title: 'Artist',
    sort: 'artist',
    className: 'col-artist',
    width: 'minmax(80px, 2fr)',
  },
  {
    id: 'album',
    title: 'Album',
    sort: 'album',
    className: 'col-album',
    width: 'minmax(80px, 2fr)',
  },
  { id: 'duration', title: 'Time', sort: 'duration', className: 'col-duration', width: '62px' },
  { id: 'format', title: 'Format', sort: 'format', className: 'col-format', width: '70px' },
  { id: 'marks', title: 'Marks', sort: null, className: 'col-marks', width: '112px' },
]

/** The grid template of the shown columns (and the row menu's 28px at the end). */
function gridColumns(hidden: ReadonlySet<string>): string {
  return [...COLUMNS.filter((c) => !hidden.has(c.id)).map((c) => c.width), '28px'].join(' ')
}

/** A value the file's tags lack, shown from its name or folders: said so, subtly. */
function Derived({ text, from }: { text: string; from: 'file name' | 'folder' }) {
  return (
    <span className="derived" title={`From the ${from}: the file has no tag for it`}>
      {text}
      <span className="visually-hidden"> (from {from})</span>
    </span>
  )
}

export interface LibraryViewProps {
  pages: TrackPages
  sort: TrackSortKey
  descending: boolean
  onSort: (sort: TrackSortKey) => void
  playingTrackId: number | null
  labels: ReadonlyMap<number, Mark>
  /** Tracks whose file would not play, with why. */
  unplayable?: ReadonlyMap<number, string>
  /** Plays the list from this row on (`index` is the row's place in the list). */
  onPlay: (track: Track, index: number) => void
  onMark: (track: Track, mark: Mark) => void
  /**
   * The row's menu. `tracks` is what it acts on: the selection in the table's order when the row
   * is one of two or more selected, else the row's song alone.
   */
  onContextMenu: (track: Track, x: number, y: number, tracks: Track[]) => void
  /** Optional columns the listener hid. */
  hiddenColumns?: readonly OptionalColumn[]
  onToggleColumn?: (column: OptionalColumn) => void
}

export function LibraryView(props: LibraryViewProps) {
  const { pages, sort, descending, onSort } = props
  const hidden = new Set<string>(props.hiddenColumns ?? [])
  const [chooserOpen, setChooserOpen] = useState(false)
  const scroller = useRef<HTMLDivElement>(null)
  const [scrollTop, setScrollTop] = useState(0)
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT)
  const frame = useRef<number | null>(null)

  useLayoutEffect(() => {
    const element = scroller.current
    if (!element) return
    const measure = () =>
      setViewport(element.clientHeight > 0 ? element.clientHeight : FALLBACK_VIEWPORT)
    measure()
    if (typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(measure)
    observer.observe(element)
    return () => observer.disconnect()
  }, [])

  const total = pages.total ?? 0
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN)
  const last = Math.min(total - 1, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN)

  const { ensure, rowAt } = pages
  useEffect(() => {
    if (last >= first) ensure(first, last)
  }, [ensure, first, last])

  // The selected rows by their place in the list, and the row a Shift-click extends from. They
  // belong to one search and sort (one `ensure`): another one's places mean other songs.
  const [picked, setPicked] = useState<Selection>({ of: ensure, rows: NOTHING, anchor: null })
  const selection = picked.of === ensure ? picked : { of: ensure, rows: NOTHING, anchor: null }
  const selected = selection.rows

  const select = (index: number, track: Track, how: SelectHow) => {
    const { anchor } = selection
    let rows: Map<number, Track | null>
    if (how.extend && anchor !== null) {
      // From the last row clicked to this one. Rows not loaded yet (a jump down the scrollbar)
      // are asked for now, and read when the menu opens.
      const [from, to] = [Math.min(anchor, index), Math.max(anchor, index)]
      rows = new Map()
      for (let i = from; i <= to; i++) rows.set(i, i === index ? track : (rowAt(i) ?? null))
      ensure(from, to)
      setPicked({ of: ensure, rows, anchor })
      return
    }
    rows = how.toggle ? new Map(selected) : new Map<number, Track | null>()
    if (how.toggle && rows.has(index)) rows.delete(index)
    else rows.set(index, track)
    setPicked({ of: ensure, rows, anchor: index })
  }

  const openMenu = (index: number, track: Track, x: number, y: number) => {
    if (selected.has(index) && selected.size >= 2) {
      const tracks = [...selected.entries()]
        .sort((a, b) => a[0] - b[0])
        .flatMap(([i, t]) => t ?? rowAt(i) ?? [])
      props.onContextMenu(track, x, y, tracks)
      return
    }
    // A row outside the selection: the menu is that song's, and it becomes the selection.
    setPicked({ of: ensure, rows: new Map([[index, track]]), anchor: index })
    props.onContextMenu(track, x, y, [track])
  }
  // The rows get stable handlers (they are memoised) that call the latest ones.
  const latest = useRef({ select, openMenu })
  useLayoutEffect(() => {
    latest.current = { select, openMenu }
  })
  const onSelect = useCallback(
    (index: number, track: Track, how: SelectHow) => latest.current.select(index, track, how),
    [],
  )
  const onRowMenu = useCallback(
    (index: number, track: Track, x: number, y: number) =>
      latest.current.openMenu(index, track, x, y),
    [],
  )

  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const top = event.currentTarget.scrollTop
    // One state update per frame keeps fast scrolling smooth at 100,000 rows.
    if (frame.current !== null) cancelAnimationFrame(frame.current)
    frame.current = requestAnimationFrame(() => {
      frame.current = null
      setScrollTop(top)
    })
  }

  const rows = []
  for (let index = first; index <= last; index++) {
    const track = pages.rowAt(index)
    rows.push(
      track ? (
        <TrackRow
          key={`t${track.id}-${index}`}
          index={index}
          track={track}
          playing={track.id === props.playingTrackId}
          selected={selected.has(index)}
          mark={props.labels.get(track.id) ?? null}
          unplayable={props.unplayable?.get(track.id) ?? null}
          onSelect={onSelect}
          onPlay={props.onPlay}
          onMark={props.onMark}
          onContextMenu={onRowMenu}
          hidden={props.hiddenColumns ?? NONE_HIDDEN}
        />
      ) : (
        <div
          key={`p${index}`}
          className="row placeholder"
          style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
        >
          <div className="cell col-index">{index + 1}</div>
          <div className="cell col-title">Loading…</div>
        </div>
      ),
    )
  }

  return (
    <section
      className="library"
      role="table"
      aria-label="Tracks"
      aria-rowcount={total + 1}
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || selected.size === 0) return
        // Taken before the shortcuts see it: Escape here only clears the selection.
        event.preventDefault()
        setPicked({ of: ensure, rows: NOTHING, anchor: null })
      }}
      style={{ '--track-columns': gridColumns(hidden) } as CSSProperties}
    >
      <div className="table-head" role="row">
        {COLUMNS.filter((c) => !hidden.has(c.id)).map((column) =>
          column.sort ? (
            <button
              key={column.id}
              role="columnheader"
              className={`cell ${column.className} sortable`}
              aria-sort={sort === column.sort ? (descending ? 'descending' : 'ascending') : 'none'}
              onClick={() => onSort(column.sort as TrackSortKey)}
            >
              {column.title}
              {sort === column.sort ? (
                <span className="sort-arrow">{descending ? ' ▾' : ' ▴'}</span>
              ) : null}
            </button>
          ) : (
            <div key={column.id} role="columnheader" className={`cell ${column.className}`}>
              {column.title}
            </div>
          ),
        )}
        {props.onToggleColumn ? (
          <div className="column-chooser" role="columnheader" aria-label="Columns">
            <button
              className="icon-button"
              aria-label="Choose columns"
              aria-expanded={chooserOpen}
              onClick={() => setChooserOpen((o) => !o)}
            >
              ⋮
            </button>
            {chooserOpen ? (
              <div className="popover" role="group" aria-label="Columns">
                {OPTIONAL_COLUMNS.map((id) => (
                  <label key={id}>
                    <input
                      type="checkbox"
                      checked={!hidden.has(id)}
                      onChange={() => props.onToggleColumn?.(id)}
                    />
                    {COLUMNS.find((c) => c.id === id)?.title}
                  </label>
                ))}
              </div>
            ) : null}
          </div>
        ) : null}
      </div>
      {pages.error ? (
        <p className="inline-error" role="alert">
          {pages.error}
        </p>
      ) : null}
      <div
        className="table-body"
        ref={scroller}
        onScroll={onScroll}
        data-testid="library-scroller"
        role="rowgroup"
      >
        {pages.total === 0 ? (
          <p className="empty-note">No tracks match.</p>
        ) : (
          <div className="table-spacer" style={{ height: total * ROW_HEIGHT }}>
            {rows}
          </div>
        )}
      </div>
    </section>
  )
}

const NONE_HIDDEN: readonly OptionalColumn[] = []
const NOTHING: ReadonlyMap<number, Track | null> = new Map()

interface SelectHow {
  /** Ctrl or Cmd: the row goes in or out of the selection. */
  toggle: boolean
  /** Shift: from the last row clicked to this one. */
  extend: boolean
}

interface Selection {
  /** The page loader of the search and sort the places belong to. */
  of: TrackPages['ensure']
  /** null: a row of a Shift range not loaded when it was selected. */
  rows: ReadonlyMap<number, Track | null>
  anchor: number | null
}

interface TrackRowProps {
  hidden: readonly OptionalColumn[]
  index: number
  track: Track
  playing: boolean
  selected: boolean
  mark: Mark | null
  /** Why its file would not play, or null. */
  unplayable: string | null
  onSelect: (index: number, track: Track, how: SelectHow) => void
  /** Plays the list from this row on (`index` is the row's place in the list). */
  onPlay: (track: Track, index: number) => void
  onMark: (track: Track, mark: Mark) => void
  onContextMenu: (index: number, track: Track, x: number, y: number) => void
}

const TrackRow = memo(function TrackRow(props: TrackRowProps) {
  const { track, index } = props
  const title = trackTitle(track)
  const shows = (column: OptionalColumn) => !props.hidden.includes(column)
  const openMenu = (event: MouseEvent) => {
    event.preventDefault()
    // The ⋯ button's click is not a click on the row: it keeps the selection.
    event.stopPropagation()
    props.onContextMenu(index, track, event.clientX, event.clientY)
  }
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={props.selected}
      data-testid="track-row"
      data-track-id={track.id}
      className={`row${props.playing ? ' playing' : ''}${props.selected ? ' selected' : ''}${track.error ? ' failed' : ''}`}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
      onMouseDown={(e) => {
        // Shift-click extends the selection; it should not select the page's text as well.
        if (e.shiftKey) e.preventDefault()
      }}
      onClick={(e) =>
        props.onSelect(index, track, { toggle: e.ctrlKey || e.metaKey, extend: e.shiftKey })
      }
      onDoubleClick={() => props.onPlay(track, index)}
      onContextMenu={openMenu}
      onKeyDown={(e) => {
        if (e.key === 'Enter') props.onPlay(track, index)
      }}
      tabIndex={0}
    >
      <div role="cell" className="cell col-index">
        <button
          className="row-play"
          aria-label={`Play ${title}`}
          onClick={() => props.onPlay(track, index)}
        >
          {props.playing ? '♪' : '▶'}
        </button>
        <span className="row-number">{index + 1}</span>
      </div>
      <div role="cell" className="cell col-title" title={title}>
        {track.derived.title ? <Derived text={title} from="file name" /> : title}
        {track.missingSince !== null ? <span className="badge">missing</span> : null}
        {props.unplayable !== null && track.missingSince === null ? (
          <span className="badge error" data-testid="unplayable-badge" title={props.unplayable}>
            won’t play
          </span>
        ) : null}
      </div>
      {shows('artist') ? (
        <div role="cell" className="cell col-artist">
          {track.derived.artist ? (
            <Derived text={trackArtist(track)} from="folder" />
          ) : (
            trackArtist(track)
          )}
        </div>
      ) : null}
      {shows('album') ? (
        <div role="cell" className="cell col-album">
          {track.derived.album && track.album !== null ? (
            <Derived text={track.album} from="folder" />
          ) : (
            (track.album ?? '')
          )}
        </div>
      ) : null}
      {shows('duration') ? (
        <div role="cell" className="cell col-duration">
          {formatTime(track.duration)}
        </div>
      ) : null}
      {shows('format') ? (
        <div role="cell" className="cell col-format">
          {track.error ? (
            <span className="badge error" title={track.error}>
              unreadable
            </span>
          ) : (
            (track.format ?? '')
          )}
        </div>
      ) : null}
      <div role="cell" className="cell col-marks">
        <MarkButtons
          current={props.mark}
          onMark={(mark) => props.onMark(track, mark)}
          compact
          subject={title}
        />
      </div>
      <div role="cell" className="cell-menu">
        <button className="row-menu" aria-label={`More for ${title}`} onClick={openMenu}>
          ⋯
        </button>
      </div>
    </div>
  )
})
