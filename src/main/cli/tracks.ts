// Naming tracks on the command line: by id or path, and in words.
import { resolve } from 'node:path'
import type { Handlers } from '../../shared/contract'
import type { Track } from '../../shared/domain'
import { CliError } from './output'

export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path
}

/** The track named by an id or a path (absolute, or relative to the current folder). */
export async function findTrack(
  engine: Pick<Handlers, 'getTrack' | 'getTrackByPath'>,
  text: string | undefined,
  usage: string,
): Promise<Track> {
  if (!text) throw new CliError(`Say which track: ${usage}`, 2)
  const track = /^\d+$/.test(text)
    ? await engine.getTrack({ id: Number(text) })
    : ((await engine.getTrackByPath({ path: resolve(text) })) ??
      (await engine.getTrackByPath({ path: text })))
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
