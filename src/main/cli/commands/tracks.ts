import type { Track } from '../../../shared/domain'
import { CliError, formatDuration, formatTable, writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'
import { fileName } from '../tracks'

/** The contract's largest page: longer lists are read page after page. */
const PAGE = 5000

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { values } = parse(args, {
    search: { type: 'string' },
    limit: { type: 'string' },
    missing: { type: 'boolean', default: false },
  })
  const limit = values.limit === undefined ? undefined : Number(values.limit)
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new CliError('--limit takes a whole number.', 2)
  }
  const engine = (await ctx.engine()).handlers
  const tracks: Track[] = []
  while (limit === undefined || tracks.length < limit) {
    const want = limit === undefined ? PAGE : Math.min(PAGE, limit - tracks.length)
    const page = await engine.listTracks({
      ...(typeof values.search === 'string' ? { search: values.search } : {}),
      includeMissing: values.missing === true,
      offset: tracks.length,
      limit: want,
    })
    tracks.push(...page.tracks)
    if (page.tracks.length < want) break
  }
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
