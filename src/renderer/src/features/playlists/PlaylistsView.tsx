// The Playlists view: the live "Top 50 for me now" and the listener's playlists on the left; the
// chosen one on the right with its songs in order (missing ones greyed, kept), to play, queue,
// rename, reorder (drag, or the ↑ ↓ buttons), start a radio from, export or delete (with Undo).
// Import takes a file from the file picker (an upload, which works in the app and in a browser)
// or a path.
import { useCallback, useEffect, useState } from 'react'
import type { Track } from '../../../../shared/domain'
import {
  TOP_PLAYLIST_ID,
  type Playlist,
  type PlaylistId,
  type PlaylistImportSummary,
  type PlaylistSummary,
} from '../../../../shared/playlists'
import { MAX_SEED_SONGS } from '../../../../shared/radio'
import type { Notice } from '../../components/MarkNotice'
import type { Bridge } from '../../lib/bridge'
import { useDragReorder } from '../../lib/drag-reorder'
import { errorText, formatTime, trackArtist } from '../../lib/format'

/** The browser host takes request bodies up to 1 MB: bigger playlists are imported by path. */
const MAX_UPLOAD_BYTES = 900_000

export interface PlaylistsViewProps {
  bridge: Bridge
  refreshKey: number
  onPlay: (tracks: Track[]) => void
  onQueue: (tracks: Track[]) => void
  onNotice: (notice: Omit<Notice, 'id'>) => void
}

function plural(n: number, one: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : `${one}s`}`
}

function present(playlist: Playlist): Track[] {
  return playlist.entries.flatMap((e) => (e.missing || !e.track ? [] : [e.track]))
}

export function PlaylistsView({
  bridge,
  refreshKey,
  onPlay,
  onQueue,
  onNotice,
}: PlaylistsViewProps) {
  const [list, setList] = useState<PlaylistSummary[] | null>(null)
  const [selected, setSelected] = useState<PlaylistId | null>(null)
  const [open, setOpen] = useState<Playlist | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [listKey, setListKey] = useState(0)
  const reload = useCallback(() => setListKey((k) => k + 1), [])

  useEffect(() => {
    let current = true
    bridge.api
      .listPlaylists()
      .then((answer) => {
        if (!current) return
        setList(answer)
        setSelected((was) =>
          was !== null && answer.some((p) => p.id === was) ? was : (answer[0]?.id ?? null),
        )
      })
      .catch((e: unknown) => {
        if (current) setError(`The playlists could not be read: ${errorText(e)}`)
      })
    return () => {
      current = false
    }
  }, [bridge, refreshKey, listKey])

  // The live list follows the model: read again when it has learned (a mark, a play's end).
  useEffect(() => {
    if (selected !== TOP_PLAYLIST_ID) return
    return bridge.onEvent((event) => {
      if (event.name === 'modelUpdated') reload()
    })
  }, [bridge, selected, reload])

  useEffect(() => {
    // With none chosen, nothing is shown (the detail shows only the chosen playlist).
    if (selected === null) return
    let current = true
    bridge.api
      .getPlaylist({ id: selected })
      .then((playlist) => {
        if (current) setOpen(playlist)
      })
      .catch((e: unknown) => {
        if (current) setError(`This playlist could not be read: ${errorText(e)}`)
      })
    return () => {
      current = false
    }
  }, [bridge, selected, refreshKey, listKey])

  /** Runs a change, then shows its answer (a playlist) or reads the list again. */
  const change = (action: Promise<unknown>, failed: string) => {
    action
      .then((answer) => {
        setError(null)
        if (isPlaylist(answer)) setOpen(answer)
        reload()
      })
      .catch((e: unknown) => setError(`${failed}: ${errorText(e)}`))
  }

  const remove = (playlist: Playlist) => {
    if (typeof playlist.id !== 'number') return
    const id = playlist.id
    bridge.api
      .deletePlaylist({ id })
      .then(() => {
        setSelected(null)
        reload()
        onNotice({
          message: `Deleted the playlist ${playlist.name}.`,
          undo: () => {
            bridge.api
              .restorePlaylist({ id })
              .then(() => {
                setSelected(id)
                reload()
              })
              .catch((e: unknown) => setError(`That could not be undone: ${errorText(e)}`))
          },
        })
      })
      .catch((e: unknown) => setError(`The playlist was not deleted: ${errorText(e)}`))
  }

  return (
    <section className="playlists" aria-label="Playlists">
      <div className="playlist-side">
        {list === null && !error ? <p className="empty-note">Loading…</p> : null}
        {list && list.length === 0 ? (
          <p className="empty-note">
            No playlists yet. Save the queue as one (in the queue panel), add songs from their menu,
            or import an M3U8 file below.
          </p>
        ) : null}
        {list && list.length > 0 ? (
          <ul className="playlist-list" aria-label="Your playlists">
            {list.map((p) => (
              <li key={String(p.id)}>
                <button
                  className={`playlist-item${p.id === selected ? ' active' : ''}`}
                  aria-current={p.id === selected ? 'true' : undefined}
                  data-testid="playlist-item"
                  onClick={() => setSelected(p.id)}
                >
                  <span className="playlist-name">{p.name}</span>
                  <span className="muted">
                    {p.live ? 'live · ' : ''}
                    {plural(p.entryCount, 'song')}
                    {p.missingCount > 0 ? ` · ${p.missingCount} missing` : ''}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <ImportForm
          bridge={bridge}
          onImported={(summary) => {
            setSelected(summary.playlist.id)
            reload()
            onNotice({ message: importWords(summary) })
          }}
          onError={setError}
        />
      </div>
      <div className="playlist-detail">
        {error ? (
          <p className="inline-error" role="alert">
            {error}
          </p>
        ) : null}
        {open && open.id === selected ? (
          <PlaylistDetail
            key={String(open.id)}
            bridge={bridge}
            playlist={open}
            onPlay={onPlay}
            onQueue={onQueue}
            onNotice={onNotice}
            onError={setError}
            onRename={(name) =>
              typeof open.id === 'number' &&
              change(bridge.api.renamePlaylist({ id: open.id, name }), 'The name was not changed')
            }
            onMove={(from, to) =>
              typeof open.id === 'number' &&
              change(
                bridge.api.movePlaylistEntry({ id: open.id, from, to }),
                'The song was not moved',
              )
            }
            onRemoveEntry={(position) =>
              typeof open.id === 'number' &&
              change(
                bridge.api.removePlaylistEntries({ id: open.id, positions: [position] }),
                'The song was not taken out',
              )
            }
            onDelete={() => remove(open)}
          />
        ) : null}
      </div>
    </section>
  )
}

function isPlaylist(answer: unknown): answer is Playlist {
  return typeof answer === 'object' && answer !== null && 'entries' in answer
}

function importWords(summary: PlaylistImportSummary): string {
  const { playlist, matched, missingCount, missing } = summary
  const first = missing[0]
  return (
    `Imported ${playlist.name}: ${plural(matched, 'song')} found in your library` +
    (missingCount > 0
      ? `, ${missingCount} not (kept greyed until their files are scanned${first ? `; for example ${first.path}` : ''}).`
      : '.')
  )
}

interface DetailProps {
  bridge: Bridge
  playlist: Playlist
  onPlay: (tracks: Track[]) => void
  onQueue: (tracks: Track[]) => void
  onNotice: (notice: Omit<Notice, 'id'>) => void
  onError: (message: string) => void
  onRename: (name: string) => void
  onMove: (from: number, to: number) => void
  onRemoveEntry: (position: number) => void
  onDelete: () => void
}

function PlaylistDetail({
  bridge,
  playlist,
  onPlay,
  onQueue,
  onNotice,
  onError,
  onRename,
  onMove,
  onRemoveEntry,
  onDelete,
}: DetailProps) {
  const [renaming, setRenaming] = useState(false)
  const [name, setName] = useState(playlist.name)
  const { dropAt, rowProps } = useDragReorder(onMove, !playlist.live)
  const editable = !playlist.live
  const songs = present(playlist)

  const download = () => {
    bridge.api
      .exportPlaylist({ id: playlist.id })
      .then((answer) => {
        const url = URL.createObjectURL(
          new Blob([answer.text], { type: 'audio/x-mpegurl;charset=utf-8' }),
        )
        const link = document.createElement('a')
        link.href = url
        link.download = `${answer.name.replace(/[\\/:*?"<>|]/g, '_')}.m3u8`
        document.body.append(link)
        link.click()
        link.remove()
        setTimeout(() => URL.revokeObjectURL(url), 10_000)
      })
      .catch((e: unknown) => onError(`The playlist was not exported: ${errorText(e)}`))
  }
  /** A radio seeded with the playlist's songs: the auto-queue keeps close to them while it runs. */
  const startRadio = () => {
    const name = playlist.live ? playlist.name : `the playlist ${playlist.name}`
    bridge.api
      .startRadio({
        seed: {
          kind: 'tracks',
          trackIds: songs.slice(0, MAX_SEED_SONGS).map((t) => t.id),
          name,
        },
      })
      .then(() =>
        onNotice({ message: `Radio from ${name}: the auto-queue now picks songs close to it.` }),
      )
      .catch((e: unknown) => onError(`The radio did not start: ${errorText(e)}`))
  }
  const saveTo = (path: string) =>
    bridge.api
      .exportPlaylist({ id: playlist.id, path })
      .then((answer) => {
        onNotice({
          message: `Saved ${answer.name} (${plural(answer.entries, 'song')}) to ${answer.file ?? path}.`,
        })
        return true
      })
      .catch((e: unknown) => {
        onError(`The playlist was not exported: ${errorText(e)}`)
        return false
      })

  return (
    <div className="playlist-open" aria-label={playlist.name}>
      {renaming ? (
        <form
          className="playlist-rename"
          onSubmit={(event) => {
            event.preventDefault()
            if (name.trim()) onRename(name.trim())
            setRenaming(false)
          }}
        >
          <input
            aria-label="Playlist name"
            value={name}
            maxLength={200}
            autoFocus
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setRenaming(false)
            }}
          />
          <button type="submit">Save name</button>
        </form>
      ) : (
        <h2 className="playlist-title" data-testid="playlist-title">
          {playlist.name}
        </h2>
      )}
      <p className="muted">
        {playlist.live
          ? 'The songs Attune thinks you would most like to hear now, best first; it changes as it learns.'
          : null}{' '}
        {plural(playlist.entryCount, 'song')} · {formatTime(playlist.duration)}
        {playlist.missingCount > 0
          ? ` · ${playlist.missingCount} not in your library now (greyed; they come back when their files do)`
          : ''}
      </p>
      <div className="group-actions">
        <button
          aria-label={`Play ${playlist.name}`}
          disabled={songs.length === 0}
          onClick={() => onPlay(songs)}
        >
          Play
        </button>
        <button
          aria-label={`Add ${playlist.name} to queue`}
          disabled={songs.length === 0}
          onClick={() => onQueue(songs)}
        >
          Add to queue
        </button>
        <button
          aria-label={`Start radio from ${playlist.name}`}
          disabled={songs.length === 0}
          onClick={startRadio}
        >
          Start radio
        </button>
        {editable ? <button onClick={() => setRenaming(true)}>Rename</button> : null}
        <button onClick={download}>Download M3U8</button>
        {editable ? (
          <button aria-label={`Delete ${playlist.name}`} onClick={onDelete}>
            Delete
          </button>
        ) : null}
      </div>
      <PathForm
        className="playlist-export"
        label="Save as M3U8 file on this computer"
        placeholder="Or save to a file: /home/me/Music/list.m3u8"
        button="Save file"
        onSubmit={saveTo}
      />
      {playlist.entries.length === 0 ? (
        <p className="empty-note">
          {playlist.live
            ? 'Nothing yet: Attune needs analysed songs to choose from.'
            : 'No songs in this playlist yet: add some from a song’s menu.'}
        </p>
      ) : (
        <ol className="playlist-entries" aria-label="Songs in this playlist">
          {playlist.entries.map((entry, index) => {
            const track = entry.track
            const missing = entry.missing || !track
            return (
              <li
                key={`${entry.position}:${entry.path}`}
                data-testid="playlist-entry"
                data-missing={missing ? 'true' : undefined}
                className={`${missing ? 'missing' : ''}${dropAt === index ? ' drop-target' : ''}`}
                title={missing ? `Not in your library now: ${entry.path}` : undefined}
                {...rowProps(index)}
                onDoubleClick={() => {
                  if (!missing)
                    onPlay(present({ ...playlist, entries: playlist.entries.slice(index) }))
                }}
              >
                <button
                  className="row-play"
                  aria-label={`Play ${entry.title}`}
                  disabled={missing}
                  onClick={() =>
                    onPlay(present({ ...playlist, entries: playlist.entries.slice(index) }))
                  }
                >
                  ▶
                </button>
                <span className="muted">{index + 1}</span>
                <span className="album-track-title">{entry.title}</span>
                <span className="muted album-track-artist">
                  {missing ? 'missing' : trackArtist(track)}
                </span>
                <span className="muted">{formatTime(track?.duration)}</span>
                {editable ? (
                  <span className="playlist-entry-actions">
                    <button
                      className="icon-button small"
                      aria-label={`Move ${entry.title} up`}
                      disabled={index === 0}
                      onClick={() => onMove(index, index - 1)}
                    >
                      ↑
                    </button>
                    <button
                      className="icon-button small"
                      aria-label={`Move ${entry.title} down`}
                      disabled={index === playlist.entries.length - 1}
                      onClick={() => onMove(index, index + 1)}
                    >
                      ↓
                    </button>
                    <button
                      className="icon-button small"
                      aria-label={`Take ${entry.title} out`}
                      onClick={() => onRemoveEntry(index)}
                    >
                      ✕
                    </button>
                  </span>
                ) : null}
              </li>
            )
          })}
        </ol>
      )}
    </div>
  )
}

/** Import: a file chosen with the file picker (read here, sent as text) or a path on this computer. */
function ImportForm({
  bridge,
  onImported,
  onError,
}: {
  bridge: Bridge
  onImported: (summary: PlaylistImportSummary) => void
  onError: (message: string) => void
}) {
  const importing = (request: Parameters<Bridge['api']['importPlaylist']>[0]) =>
    bridge.api
      .importPlaylist(request)
      .then((summary) => {
        onImported(summary)
        return true
      })
      .catch((e: unknown) => {
        onError(`The playlist was not imported: ${errorText(e)}`)
        return false
      })

  const upload = async (file: File) => {
    if (file.size > MAX_UPLOAD_BYTES) {
      onError(
        `${file.name} is too big to send from here: type its full path in the box below instead.`,
      )
      return
    }
    const bytes = new Uint8Array(await file.arrayBuffer())
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
      onError(`${file.name} is saved as UTF-16 text. Save it as UTF-8 and import it again.`)
      return
    }
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    } catch {
      onError(`${file.name} is not UTF-8 text. Save it as UTF-8 and import it again.`)
      return
    }
    await importing({ text, fileName: file.name })
  }

  return (
    <div className="playlist-import">
      <h3>Import a playlist</h3>
      <label className="file-button">
        Choose an M3U8 file…
        <input
          type="file"
          accept=".m3u8,.m3u,audio/x-mpegurl"
          aria-label="Import an M3U8 file"
          onChange={(e) => {
            const file = e.target.files?.[0]
            e.target.value = ''
            if (file) void upload(file)
          }}
        />
      </label>
      <PathForm
        label="Playlist file on this computer"
        placeholder="or its path: /home/me/Music/list.m3u8"
        button="Import"
        onSubmit={(path) => importing({ path })}
      />
    </div>
  )
}

/** A path typed in full and a button: the form empties once `onSubmit` says it was done. */
function PathForm({
  className,
  label,
  placeholder,
  button,
  onSubmit,
}: {
  className?: string
  label: string
  placeholder: string
  button: string
  onSubmit: (path: string) => Promise<boolean>
}) {
  const [path, setPath] = useState('')
  return (
    <form
      className={className}
      onSubmit={(event) => {
        event.preventDefault()
        if (path.trim()) void onSubmit(path.trim()).then((done) => done && setPath(''))
      }}
    >
      <input
        aria-label={label}
        placeholder={placeholder}
        value={path}
        onChange={(e) => setPath(e.target.value)}
      />
      <button type="submit" disabled={!path.trim()}>
        {button}
      </button>
    </form>
  )
}
