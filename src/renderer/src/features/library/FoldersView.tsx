// The library as its folders: the library folders, then each folder's sub-folders (with how many
// tracks they hold) and its own tracks. Any folder plays or queues with everything inside it, and
// its menu (the ⋯ button or a right-click) also has "Never play this folder".
import { useCallback, useEffect, useState, type MouseEvent } from 'react'
import type { FolderListing, FolderSummary } from '../../../../shared/contract'
import type { Track } from '../../../../shared/domain'
import type { RadioSeed } from '../../../../shared/radio'
import { ContextMenu, type MenuItem } from '../../components/ContextMenu'
import type { Bridge } from '../../lib/bridge'
import { errorText, formatTime, trackArtist, trackTitle } from '../../lib/format'

export interface FoldersViewProps {
  bridge: Bridge
  refreshKey: number
  onPlay: (tracks: Track[]) => void
  onQueue: (tracks: Track[]) => void
  /** "Never play this folder": the folder's songs are not picked for the listener any more. */
  onNeverPlay: (folderPath: string) => void
  /** "Start radio" from a folder (everything inside it). */
  onStartRadio?: ((seed: RadioSeed) => void) | undefined
}

function plural(n: number, one: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : `${one}s`}`
}

export function FoldersView({
  bridge,
  refreshKey,
  onPlay,
  onQueue,
  onNeverPlay,
  onStartRadio,
}: FoldersViewProps) {
  const [path, setPath] = useState<string | null>(null)
  const [menu, setMenu] = useState<{ folder: FolderSummary; x: number; y: number } | null>(null)
  const closeMenu = useCallback(() => setMenu(null), [])
  const [listing, setListing] = useState<FolderListing | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [note, setNote] = useState<string | null>(null)

  useEffect(() => {
    let current = true
    bridge.api
      .listFolder(path === null ? {} : { path })
      .then((answer) => {
        if (!current) return
        setListing(answer)
        setError(null)
      })
      .catch((e: unknown) => {
        if (current) setError(`This folder could not be read: ${errorText(e)}`)
      })
    return () => {
      current = false
    }
  }, [bridge, path, refreshKey])

  const open = (next: string | null) => {
    setNote(null)
    setPath(next)
  }

  /** Every track in the folder and its sub-folders, then `hand` them over. */
  const withFolder = (folder: FolderSummary | string, hand: (tracks: Track[]) => void) => {
    const folderPath = typeof folder === 'string' ? folder : folder.path
    bridge.api
      .listFolderTracks({ path: folderPath })
      .then(({ tracks, total }) => {
        setError(null)
        setNote(
          total > tracks.length
            ? `Only the first ${tracks.length.toLocaleString('en')} of ${total.toLocaleString('en')} tracks were taken.`
            : null,
        )
        if (tracks.length > 0) hand(tracks)
        else setNote('This folder has no tracks to play.')
      })
      .catch((e: unknown) => setError(`The folder’s tracks could not be read: ${errorText(e)}`))
  }

  const openMenu = (folder: FolderSummary, event: MouseEvent) => {
    event.preventDefault()
    setMenu({ folder, x: event.clientX, y: event.clientY })
  }
  const menuItems = (folder: FolderSummary): MenuItem[] => [
    { label: 'Play', onSelect: () => withFolder(folder, onPlay) },
    { label: 'Add to queue', onSelect: () => withFolder(folder, onQueue) },
    ...(onStartRadio
      ? [
          {
            label: 'Start radio',
            onSelect: () => onStartRadio({ kind: 'folder', path: folder.path }),
          },
        ]
      : []),
    {
      label: 'Never play this folder',
      separatorBefore: true,
      onSelect: () => onNeverPlay(folder.path),
    },
  ]

  const shown = listing !== null && listing.path === path ? listing : null
  const here = shown?.trail[shown.trail.length - 1]
  return (
    <section className="folders" aria-label="Folders">
      <nav className="breadcrumbs" aria-label="Folder path">
        <button onClick={() => open(null)} aria-current={path === null ? 'page' : undefined}>
          Library folders
        </button>
        {shown?.trail.map((step, i) => (
          <span key={step.path} className="crumb">
            <span aria-hidden="true" className="muted">
              ›
            </span>
            <button
              onClick={() => open(step.path)}
              aria-current={i === shown.trail.length - 1 ? 'page' : undefined}
              title={step.path}
            >
              {step.name}
            </button>
          </span>
        ))}
      </nav>
      {here ? (
        <div className="group-actions">
          <button onClick={() => withFolder(here.path, onPlay)}>Play folder</button>
          <button onClick={() => withFolder(here.path, onQueue)}>Add folder to queue</button>
          {onStartRadio ? (
            <button onClick={() => onStartRadio({ kind: 'folder', path: here.path })}>
              Start radio
            </button>
          ) : null}
        </div>
      ) : null}
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
      {note ? <p className="group-cut">{note}</p> : null}
      {shown === null && !error ? <p className="empty-note">Loading…</p> : null}
      {shown && shown.folders.length === 0 && shown.tracks.length === 0 ? (
        <p className="empty-note">
          {path === null
            ? 'No library folders yet: add one in Settings.'
            : 'No tracks in this folder.'}
        </p>
      ) : null}
      {shown && shown.folders.length > 0 ? (
        <ul className="folder-list" aria-label={path === null ? 'Library folders' : 'Folders'}>
          {shown.folders.map((folder) => (
            <li
              key={folder.path}
              data-testid="folder"
              onContextMenu={(event) => openMenu(folder, event)}
            >
              <button className="folder-open" onClick={() => open(folder.path)} title={folder.path}>
                <span className="folder-icon" aria-hidden="true" />
                <span className="folder-name">{folder.name}</span>
                <span className="muted">{plural(folder.trackCount, 'track')}</span>
              </button>
              <button
                className="small"
                aria-label={`Play ${folder.name}`}
                onClick={() => withFolder(folder, onPlay)}
              >
                Play
              </button>
              <button
                className="small"
                aria-label={`Add ${folder.name} to queue`}
                onClick={() => withFolder(folder, onQueue)}
              >
                Queue
              </button>
              <button
                className="row-menu"
                aria-label={`More for ${folder.name}`}
                onClick={(event) => openMenu(folder, event)}
              >
                ⋯
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {shown && shown.tracks.length > 0 ? (
        <ol className="album-tracks" aria-label="Tracks in this folder">
          {shown.tracks.map((track, index) => (
            <li
              key={track.id}
              data-testid="folder-track"
              onDoubleClick={() => onPlay(shown.tracks.slice(index))}
              className={track.error ? 'failed' : undefined}
            >
              <button
                className="row-play"
                aria-label={`Play ${trackTitle(track)}`}
                onClick={() => onPlay(shown.tracks.slice(index))}
              >
                ▶
              </button>
              <span className="muted">{index + 1}</span>
              <span className="album-track-title">{trackTitle(track)}</span>
              <span className="muted album-track-artist">{trackArtist(track)}</span>
              <span className="muted">{formatTime(track.duration)}</span>
            </li>
          ))}
        </ol>
      ) : null}
      {menu ? (
        <ContextMenu
          x={menu.x}
          y={menu.y}
          title={menu.folder.name}
          items={menuItems(menu.folder)}
          onClose={closeMenu}
        />
      ) : null}
    </section>
  )
}
