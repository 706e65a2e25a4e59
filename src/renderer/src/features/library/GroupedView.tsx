// Artists and albums as simple grouped lists, built from the first GROUP_LIMIT tracks in the
// engine's order (a listAlbums/listArtists call would lift that limit; see the report).
import { useEffect, useMemo, useState } from 'react'
import type { Track } from '../../../../shared/domain'
import type { Bridge } from '../../lib/bridge'
import { errorText, formatTime, trackArtist, trackTitle } from '../../lib/format'

export const GROUP_LIMIT = 5000

interface Group {
  name: string
  sub: string
  coverId: string | null
  tracks: Track[]
}

export interface GroupedViewProps {
  bridge: Bridge
  by: 'artist' | 'album'
  search: string
  refreshKey: number
  onPlay: (tracks: Track[]) => void
  onQueue: (tracks: Track[]) => void
}

export function GroupedView({ bridge, by, search, refreshKey, onPlay, onQueue }: GroupedViewProps) {
  const [tracks, setTracks] = useState<Track[] | null>(null)
  const [total, setTotal] = useState(0)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let current = true
    bridge.api
      .listTracks({
        sort: by === 'artist' ? 'artist' : 'album',
        limit: GROUP_LIMIT,
        ...(search ? { search } : {}),
      })
      .then((page) => {
        if (!current) return
        setTracks(page.tracks)
        setTotal(page.total)
      })
      .catch((e: unknown) => current && setError(`The library could not be read: ${errorText(e)}`))
    return () => {
      current = false
    }
  }, [bridge, by, search, refreshKey])

  const groups = useMemo(() => {
    const map = new Map<string, Group>()
    for (const track of tracks ?? []) {
      const name =
        by === 'artist'
          ? (track.albumArtist ?? track.artist ?? 'Unknown artist')
          : (track.album ?? 'Unknown album')
      const key = by === 'artist' ? name : `${name}\u0000${track.albumArtist ?? track.artist ?? ''}`
      let group = map.get(key)
      if (!group) {
        group = { name, sub: by === 'album' ? trackArtist(track) : '', coverId: null, tracks: [] }
        map.set(key, group)
      }
      group.coverId ??= track.coverId
      group.tracks.push(track)
    }
    return [...map.values()]
  }, [tracks, by])

  if (error) return <p className="inline-error">{error}</p>
  if (!tracks) return <p className="empty-note">Loading…</p>
  return (
    <section className="grouped" aria-label={by === 'artist' ? 'Artists' : 'Albums'}>
      {total > tracks.length ? (
        <p className="muted">
          Showing the first {tracks.length} of {total} tracks; search to narrow it down.
        </p>
      ) : null}
      {groups.map((group) => (
        <article className="group" key={`${group.name}/${group.sub}`} data-testid={`${by}-group`}>
          {group.coverId ? (
            <img
              className="group-cover"
              src={bridge.coverUrl(group.coverId)}
              alt=""
              width={96}
              height={96}
              loading="lazy"
            />
          ) : (
            <div className="group-cover cover-empty" aria-hidden="true">
              ♪
            </div>
          )}
          <div className="group-body">
            <h3>{group.name}</h3>
            <p className="muted">
              {group.sub ? `${group.sub} · ` : ''}
              {group.tracks.length} {group.tracks.length === 1 ? 'track' : 'tracks'}
            </p>
            <div className="group-actions">
              <button onClick={() => onPlay(group.tracks)}>Play</button>
              <button onClick={() => onQueue(group.tracks)}>Add to queue</button>
            </div>
            <ol className="group-tracks">
              {group.tracks.slice(0, 50).map((t) => (
                <li key={t.id} onDoubleClick={() => onPlay([t])}>
                  <span>{trackTitle(t)}</span>
                  <span className="muted">{formatTime(t.duration)}</span>
                </li>
              ))}
            </ol>
          </div>
        </article>
      ))}
    </section>
  )
}
