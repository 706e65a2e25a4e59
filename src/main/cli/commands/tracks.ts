import { TrackStore } from '../../library/track-store'
import { CliError, formatDuration, formatTable, writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'
import { fileName } from '../tracks'

export function run(ctx: Context, args: string[]): number {
  const { values } = parse(args, {
    search: { type: 'string' },
    limit: { type: 'string' },
    missing: { type: 'boolean', default: false },
  })
  const limit = values.limit === undefined ? undefined : Number(values.limit)
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new CliError('--limit takes a whole number.', 2)
  }
  const store = new TrackStore(ctx.open())
  const tracks = store.listTracks({
    ...(typeof values.search === 'string' ? { search: values.search } : {}),
    includeMissing: values.missing === true,
    ...(limit !== undefined ? { limit } : {}),
  })
  if (ctx.json) {
    writeJson(ctx.io, tracks)
    return 0
  }
  if (tracks.length === 0) {
    ctx.io.stdout.write(
      values.search
        ? 'No track matches that search.\n'
        : 'The library is empty. Run: attune scan DIR\n',
    )
    return 0
  }
  ctx.io.stdout.write(
    formatTable(
      ['id', 'title', 'artist', 'album', 'length', 'format', 'note'],
      tracks.map((t) => [
        t.id,
        t.title ?? fileName(t.path),
        t.artist,
        t.album,
        t.duration === null ? null : formatDuration(t.duration),
        t.format,
        t.error ?? (t.missingSince ? 'missing' : null),
      ]),
    ) + '\n',
  )
  return 0
}
