// Naming tracks on the command line (by id or path) and asking the taste model about them.
import { resolve } from 'node:path'
import type { TrackStore } from '../library/track-store'
import type { TasteService } from '../taste/service'
import type { Track } from '../../shared/domain'
import type { Context } from './context'
import { CliError, cliErrorText } from './output'

export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path
}

/** The track named by an id or a path (absolute, or relative to the current folder). */
export function findTrack(store: TrackStore, text: string | undefined, usage: string): Track {
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

/** Starts the taste worker on this database; "nothing analysed" becomes a plain-words CliError. */
export async function withTaste<T>(
  ctx: Context,
  use: (taste: TasteService) => Promise<T>,
): Promise<T> {
  const db = ctx.open()
  const { TasteService } = await import('../taste/service')
  let taste: TasteService
  try {
    taste = await TasteService.start({
      db,
      dbPath: ctx.dbPath,
      log: (level, message) => {
        if (level !== 'info') ctx.io.stderr.write(message + '\n')
      },
    })
  } catch (error) {
    throw new CliError(cliErrorText(error))
  }
  try {
    const result = await use(taste)
    await taste.saveSnapshot()
    return result
  } finally {
    await taste.close()
  }
}

export const score = (value: number): string => value.toFixed(3)
