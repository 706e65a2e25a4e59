import { resolve } from 'node:path'
import { formatTable, CliError, writeJson } from '../output'
import type { Context } from '../context'
import { parse, wholeNumber } from '../args'
import { fileName, findTrack } from '../tracks'
import { suggestionJson } from './recommend'
import type { Engine } from '../../engine'
import { closenessWords, type RadioSeed, type RadioStatus } from '../../../shared/radio'
import type { Suggestion } from '../../../shared/contract'

const USAGE =
  'attune radio SEED [--closeness 0-1] [--n 10] (SEED: a song id or path, artist:NAME, album:NAME or folder:PATH), or attune radio --stop'

/**
 * `attune radio SEED`: starts a radio from a song, an artist, an album or a folder (the app's
 * "Start radio"), and lists the songs it would play next; `--stop` ends it; no SEED says which
 * runs. The radio is kept in the database, so the app on the same library follows it.
 */
export async function run(ctx: Context, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    stop: { type: 'boolean' },
    n: { type: 'string' },
    closeness: { type: 'string' },
  })
  const n = wholeNumber(values.n, '--n') ?? 10
  const closeness = values.closeness === undefined ? undefined : Number(values.closeness)
  if (closeness !== undefined && !(closeness >= 0 && closeness <= 1)) {
    throw new CliError('--closeness takes a number from 0 (wander) to 1 (close to the seed).', 2)
  }
  if (values.stop && positionals.length > 0)
    throw new CliError(`Either a SEED or --stop: ${USAGE}`, 2)
  const text = positionals.join(' ').trim()
  const engine = await ctx.engine()
  if (closeness !== undefined) {
    await engine.handlers.updateSettings({ section: 'radio', patch: { closeness } })
  }
  let status: RadioStatus
  if (values.stop) status = await engine.handlers.stopRadio(undefined)
  else if (text) status = await engine.handlers.startRadio({ seed: await seedOf(engine, text) })
  else status = await engine.handlers.radioStatus(undefined)
  const next = status.radio ? await engine.handlers.recommend({ n }) : []
  if (ctx.json) {
    writeJson(ctx.io, {
      radio: status.radio,
      closeness: status.closeness,
      next: next.map(suggestionJson),
    })
    return 0
  }
  if (!status.radio) {
    ctx.io.stdout.write(
      values.stop
        ? 'The radio has ended: the auto-queue follows your taste alone.\n'
        : `No radio is playing. Start one with: ${USAGE}\n`,
    )
    return 0
  }
  ctx.io.stdout.write(
    `Radio from ${status.radio.label} (${status.radio.songs === 1 ? 'one song' : `${status.radio.songs} songs`}; ${closenessWords(status.closeness).toLowerCase()}).\n`,
  )
  ctx.io.stdout.write(nextTable(next) + '\n')
  return 0
}

function nextTable(next: Suggestion[]): string {
  if (next.length === 0) {
    return 'No song left for it: every analysed song is queued, turned down, played lately or in the seed.'
  }
  return formatTable(
    ['id', 'title', 'artist', 'why'],
    next.map(({ track, why }) => [
      track?.id ?? null,
      track ? (track.title ?? fileName(track.path)) : null,
      track?.artist ?? null,
      why.line,
    ]),
  )
}

/** The seed a command-line SEED names: `artist:`, `album:`, `folder:`, else a song. */
async function seedOf(engine: Engine, text: string): Promise<RadioSeed> {
  const [, prefix, rest] = /^(artist|album|folder):(.*)$/s.exec(text) ?? []
  const name = rest?.trim() ?? ''
  if (prefix && !name) throw new CliError(`Say which ${prefix}: ${USAGE}`, 2)
  switch (prefix) {
    case 'folder':
      return { kind: 'folder', path: resolve(name) }
    case 'artist': {
      const { artists } = await engine.handlers.listArtists({ search: name, limit: 50 })
      const same = artists.find((a) => a.name.toLowerCase() === name.toLowerCase())
      return { kind: 'artist', artist: same?.name ?? name }
    }
    case 'album': {
      const { albums } = await engine.handlers.listAlbums({ search: name, limit: 50 })
      const same = albums.filter((a) => a.title.toLowerCase() === name.toLowerCase())
      const album = same[0] ?? (albums.length === 1 ? albums[0] : undefined)
      if (!album) {
        throw new CliError(
          albums.length === 0
            ? `There is no album '${name}' in the library.`
            : `Several albums match '${name}': ${albums
                .slice(0, 5)
                .map((a) => a.title)
                .join(', ')}. Say its whole title.`,
        )
      }
      return { kind: 'album', album: album.key }
    }
    default:
      return { kind: 'track', trackId: (await findTrack(engine.handlers, text, USAGE)).id }
  }
}
