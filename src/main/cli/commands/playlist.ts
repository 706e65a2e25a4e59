import { resolve } from 'node:path'
import { writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'
import { CliError } from '../output'
import type { Engine } from '../../engine'
import { TOP_PLAYLIST_ID, TOP_PLAYLIST_NAME, type PlaylistId } from '../../../shared/playlists'

const USAGE = 'attune playlist show NAME | export NAME FILE | import FILE [--name NAME]'

/**
 * `attune playlist show NAME`, `export NAME FILE` (M3U8, paths relative to FILE) and
 * `import FILE [--name NAME]`: the app's contract calls on playlists.
 */
export async function run(ctx: Context, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { name: { type: 'string' } })
  const [action, ...rest] = positionals
  if (action === 'import') {
    const [file] = rest
    if (!file || rest.length > 1) throw new CliError(`Say which file to import: ${USAGE}`, 2)
    const summary = await (
      await ctx.engine()
    ).handlers.importPlaylist({
      path: resolve(file),
      ...(values.name !== undefined ? { name: values.name } : {}),
    })
    if (ctx.json) {
      writeJson(ctx.io, summary)
      return 0
    }
    const { playlist, matched, missingCount, missing } = summary
    ctx.io.stdout.write(
      `Imported “${playlist.name}”: ${matched} song${matched === 1 ? '' : 's'} found in the library` +
        (missingCount > 0
          ? `, ${missingCount} not in it (kept, shown as missing until their files are scanned):\n` +
            missing.map((m) => `  line ${m.line}: ${m.path}\n`).join('') +
            (missingCount > missing.length ? `  … and ${missingCount - missing.length} more\n` : '')
          : '.\n'),
    )
    return 0
  }
  if (action === 'export') {
    const [name, file] = rest
    if (!name || !file || rest.length > 2)
      throw new CliError(`Say which playlist and which file: ${USAGE}`, 2)
    const engine = await ctx.engine()
    const written = await engine.handlers.exportPlaylist({
      id: await playlistId(engine, name),
      path: resolve(file),
    })
    if (ctx.json) {
      writeJson(ctx.io, { ...written, text: undefined })
      return 0
    }
    ctx.io.stdout.write(
      `Wrote “${written.name}” (${written.entries} songs${
        written.missing > 0 ? `, ${written.missing} of them missing from the library` : ''
      }) to ${written.file ?? file}\n`,
    )
    return 0
  }
  if (action === 'show') {
    const [name] = rest
    if (!name || rest.length > 1) throw new CliError(`Say which playlist: ${USAGE}`, 2)
    const engine = await ctx.engine()
    const playlist = await engine.handlers.getPlaylist({ id: await playlistId(engine, name) })
    if (ctx.json) {
      writeJson(ctx.io, playlist)
      return 0
    }
    for (const entry of playlist.entries) {
      const who = entry.track?.artist ? ` · ${entry.track.artist}` : ''
      const gone = entry.missing ? '  (missing)' : ''
      ctx.io.stdout.write(
        `${String(entry.position + 1).padStart(3)}  ${entry.title}${who}${gone}\n`,
      )
    }
    return 0
  }
  throw new CliError(`Say what to do: ${USAGE}`, 2)
}

/** A playlist's id by its name (any case); the live one by its name too. */
async function playlistId(engine: Engine, name: string): Promise<PlaylistId> {
  if (name.trim().toLowerCase() === TOP_PLAYLIST_NAME.toLowerCase()) return TOP_PLAYLIST_ID
  const saved = await engine.handlers.listPlaylists({ live: false })
  const found = saved.find((p) => p.name.toLowerCase() === name.trim().toLowerCase())
  if (!found) {
    const names = saved.map((p) => `“${p.name}”`).join(', ')
    throw new CliError(
      `There is no playlist called “${name}”. ${names ? `There are: ${names}, and “${TOP_PLAYLIST_NAME}”.` : `There is only “${TOP_PLAYLIST_NAME}”.`}`,
    )
  }
  return found.id
}
