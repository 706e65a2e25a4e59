// Naming tracks on the command line: by id or path, and in words.
import { resolve } from 'node:path'
import type { Engine } from '../engine'
import type { Track } from '../../shared/domain'
import { CliError } from './output'

export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path
}

/** The track named by an id or a path (absolute, or relative to the current folder). */
export function findTrack(
  store: Pick<Engine['tracks'], 'getTrack' | 'getTrackByPath'>,
  text: string | undefined,
  usage: string,
): Track {
  if (!text) throw new CliError(`Say which track: ${usage}`, 2)
  const track = /^\d+$/.test(text)
    ? store.getTrack(Number(text))
    : (store.getTrackByPath(resolve(text)) ?? store.getTrackByPath(text))
  if (!track) {
    throw new CliError(
      `There is no track '${text}' in the library. Find its id with: attune tracks --search WORDS`,
    )
  }
  return track
}

export function trackName(track: Track): string {
  const title = track.title ?? fileName(track.path)
  return track.artist ? `${title} (${track.artist})` : title
}

export const score = (value: number): string => value.toFixed(3)
