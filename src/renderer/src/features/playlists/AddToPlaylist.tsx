// "Add to playlist…" (a song's menu) and "Save as playlist" (the queue): a small dialog listing
// the listener's playlists, and a name for a new one.
import { useEffect, useState } from 'react'
import type { Track } from '../../../../shared/domain'
import type { PlaylistSummary } from '../../../../shared/playlists'
import { Dialog } from '../../components/Dialog'
import type { Bridge } from '../../lib/bridge'
import { errorText } from '../../lib/format'

export interface AddToPlaylistProps {
  bridge: Bridge
  /** The dialog's title ("Add Dawn to a playlist", "Save the queue as a playlist"). */
  title: string
  tracks: readonly Track[] | readonly number[]
  /** Offer the existing playlists too (the queue is saved as a new one only). */
  existing?: boolean
  /** Called with what was done, in words (for a notice). */
  onDone: (message: string) => void
  onClose: () => void
}

export function AddToPlaylist({
  bridge,
  title,
  tracks,
  existing = true,
  onDone,
  onClose,
}: AddToPlaylistProps) {
  const [playlists, setPlaylists] = useState<PlaylistSummary[] | null>(existing ? null : [])
  const [name, setName] = useState('')
  const [error, setError] = useState<string | null>(null)
  const trackIds = tracks.map((t) => (typeof t === 'number' ? t : t.id))
  const songs = trackIds.length === 1 ? 'one song' : `${trackIds.length} songs`

  useEffect(() => {
    if (!existing) return
    bridge.api
      .listPlaylists({ live: false })
      .then(setPlaylists)
      .catch((e: unknown) => setError(`Your playlists could not be read: ${errorText(e)}`))
  }, [bridge, existing])

  const addTo = (playlist: PlaylistSummary) => {
    if (typeof playlist.id !== 'number') return
    bridge.api
      .addToPlaylist({ id: playlist.id, trackIds })
      .then(() => {
        onDone(`Added ${songs} to ${playlist.name}.`)
        onClose()
      })
      .catch((e: unknown) => setError(`That was not added: ${errorText(e)}`))
  }
  const create = () => {
    const wanted = name.trim()
    if (!wanted) return
    bridge.api
      .createPlaylist({ name: wanted, trackIds })
      .then((saved) => {
        onDone(`Saved ${songs} as the playlist ${saved.name}.`)
        onClose()
      })
      .catch((e: unknown) => setError(`The playlist was not saved: ${errorText(e)}`))
  }

  return (
    <Dialog
      title={title}
      titleId="add-to-playlist-title"
      className="add-to-playlist"
      onClose={onClose}
    >
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
      {existing && playlists === null && !error ? <p className="muted">Loading…</p> : null}
      {playlists && playlists.length > 0 ? (
        <ul className="playlist-choices" aria-label="Your playlists">
          {playlists.map((p) => (
            <li key={String(p.id)}>
              <button onClick={() => addTo(p)}>{p.name}</button>
            </li>
          ))}
        </ul>
      ) : null}
      <form
        className="playlist-new"
        onSubmit={(event) => {
          event.preventDefault()
          create()
        }}
      >
        <input
          aria-label="New playlist name"
          placeholder="A new playlist’s name"
          value={name}
          maxLength={200}
          autoFocus
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" disabled={!name.trim()}>
          {existing ? 'New playlist' : 'Save'}
        </button>
      </form>
      <button className="link-button" onClick={onClose}>
        Cancel
      </button>
    </Dialog>
  )
}
