import { CliError, writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'
import { findTrack, trackName, score } from '../tracks'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { positionals } = parse(args, {})
  const engine = (await ctx.engine()).handlers
  const track = await findTrack(engine, positionals[0], 'attune explain TRACK')
  const explanation = await engine.explain({ trackId: track.id })
  if (!explanation) {
    throw new CliError(
      `${trackName(track)} has no audio vector in the model's space yet. Run: attune analyze`,
    )
  }
  if (ctx.json) {
    writeJson(ctx.io, {
      ...explanation,
      title: track.title,
      artist: track.artist,
      path: track.path,
    })
    return 0
  }
  const out = ctx.io.stdout
  out.write(`${trackName(track)}\n`)
  out.write(`  ${explanation.why.line}\n`)
  out.write(`  details:\n`)
  out.write(
    `  score (mean) ${score(explanation.mean)}, bonus ${score(explanation.bonus)}, ucb ${score(explanation.ucb)}\n`,
  )
  const label = explanation.label
  out.write(
    `  label: ${label ? `${label.mark.replace(/_/g, ' ')} (${label.origin === 'mark' ? 'your mark' : 'imported'})` : 'none'}\n`,
  )
  for (const row of explanation.rows) {
    out.write(
      `  counts as: ${row.kind === 'label' ? 'its label' : 'a listen'}, reward ${row.reward >= 0 ? '+' : ''}${row.reward} at weight ${row.weight}\n`,
    )
  }
  if (explanation.coldStart) {
    out.write('  Nothing learned yet: mark or play a few songs first.\n')
    return 0
  }
  out.write(
    `  baseline ${score(explanation.baseline)} (what the model expects of an average song); what moved it most:\n`,
  )
  for (const feature of explanation.features) {
    out.write(
      `  ${feature.effect === 'raised' ? 'raised by' : 'lowered by'}: ${feature.phrase} (${feature.contribution >= 0 ? '+' : ''}${feature.contribution.toFixed(3)})\n`,
    )
  }
  return 0
}
