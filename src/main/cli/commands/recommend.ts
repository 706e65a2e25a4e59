import { formatTable, writeJson } from '../output'
import type { Context } from '../context'
import { parse, wholeNumber } from '../args'
import { fileName, score } from '../tracks'
import type { Suggestion } from '../../../shared/contract'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { values } = parse(args, { n: { type: 'string' } })
  const n = wholeNumber(values.n, '--n') ?? 10
  const suggestions = await (await ctx.engine()).handlers.recommend({ n })
  const rows = suggestions.map(({ track, ...pick }) => ({
    trackId: track?.id ?? null,
    ...pick,
    track,
  }))
  if (ctx.json) {
    writeJson(ctx.io, suggestions.map(suggestionJson))
    return 0
  }
  if (rows.length === 0) {
    ctx.io.stdout.write(
      'Nothing to recommend right now: every analysed song was played lately, is queued or is marked not for me.\n',
    )
    return 0
  }
  ctx.io.stdout.write(
    formatTable(
      ['id', 'title', 'artist', 'score', 'bonus', 'ucb', 'why'],
      rows.map((r) => [
        r.trackId,
        r.track ? (r.track.title ?? fileName(r.track.path)) : null,
        r.track?.artist ?? null,
        score(r.mean),
        score(r.bonus),
        score(r.ucb),
        r.why.line,
      ]),
    ) + '\n',
  )
  return 0
}

/**
 * A suggestion as `--json` prints it: the listener-words reason under `why` (its numbers under
 * `why.details`), the song's tags beside, no ranking internals.
 */
export function suggestionJson({
  track,
  meanAtRank: _rank,
  tasteAtRank: _taste,
  ...pick
}: Suggestion): Record<string, unknown> {
  return {
    trackId: track?.id ?? null,
    ...pick,
    title: track?.title ?? null,
    artist: track?.artist ?? null,
    album: track?.album ?? null,
    path: track?.path ?? null,
  }
}
