// The offline evaluations as text, for the command line (`attune eval`, `attune eval-embedding`);
// --json prints the reports themselves.
import type {
  EmbeddingQualityReport,
  MeanAndSpread,
  OfflineEvaluation,
  OffPolicyEstimate,
} from '../../shared/evaluation'

function fixed(value: number, digits = 2): string {
  return value.toFixed(digits)
}

function spread(value: MeanAndSpread, digits = 2): string {
  return `${fixed(value.mean, digits)} ± ${fixed(value.sd, digits)}`
}

/** The summary as text tables (what `attune eval` prints without --json). */
export function formatOfflineEvaluation(
  summary: OfflineEvaluation,
  formatTable: (headers: string[], rows: (string | number | null)[][]) => string,
): string {
  const lines: string[] = []
  const { labels } = summary
  lines.push(
    `Labelled songs: ${labels.total} (${labels.likes} liked, ${labels.nots} not for me). ` +
      `Auto-queue picks logged: ${summary.autoPicks.logged} (${summary.autoPicks.withOutcome} with a known outcome).`,
  )
  if (summary.note) lines.push('', summary.note)
  for (const space of summary.spaces) {
    lines.push(
      '',
      `== ${space.space} (${space.dim} dims, ${space.vectors} songs; labelled with a vector: ` +
        `${space.labelled.likes} liked, ${space.labelled.nots} not for me)`,
      '',
      'Taste model (ridge, like vs not for me, cross-validated):',
    )
    if (space.classifierNote) lines.push(`  ${space.classifierNote}`)
    else {
      lines.push(
        formatTable(
          ['PCA', 'k', 'folds', 'accuracy', 'ROC AUC'],
          space.classifier.map((c) => [
            String(c.pcaSize),
            c.k,
            c.folds,
            spread(c.accuracy),
            spread(c.rocAuc),
          ]),
        ),
      )
    }
    lines.push('', 'Replay on the labelled songs (each song picked at most once):')
    if (space.replayNote) lines.push(`  ${space.replayNote}`)
    else {
      lines.push(
        formatTable(
          ['PCA', 'k', 'policy', 'picks', 'reward', 'hit rate', 'regret'],
          space.replay.map((r) => [
            String(r.pcaSize),
            r.k,
            r.policy,
            r.horizon,
            spread(r.cumulativeReward, 1),
            spread(r.hitRate),
            spread(r.regret, 1),
          ]),
        ),
      )
    }
    lines.push(
      '',
      'Off-policy estimates from the auto-queue (mean reward per pick, 95% bootstrap):',
    )
    if (space.offPolicy.loggedValue !== null) {
      lines.push(
        `  ${space.offPolicy.rounds} rounds; the live auto-queue earned ${fixed(space.offPolicy.loggedValue)} per pick.`,
      )
    }
    if (space.offPolicy.note) lines.push(`  ${space.offPolicy.note}`)
    if (space.offPolicy.estimates.length > 0) {
      const interval = (e: OffPolicyEstimate): string =>
        `${fixed(e.value)} [${fixed(e.interval.lower)}, ${fixed(e.interval.upper)}]`
      lines.push(
        formatTable(
          ['PCA', 'k', 'policy', 'IPS', 'SNIPS', 'DR', 'ESS'],
          space.offPolicy.estimates.map((e) => [
            String(e.pcaSize),
            e.k,
            e.policy,
            interval(e.ips),
            interval(e.snips),
            interval(e.doublyRobust),
            fixed(e.ips.effectiveSampleSize, 1),
          ]),
        ),
      )
    }
  }
  return lines.join('\n')
}

const percent = (value: number) => (Number.isNaN(value) ? '–' : `${(value * 100).toFixed(1)} %`)

/** The report as Markdown, for the command line. */
export function formatQualityReport(report: EmbeddingQualityReport): string {
  const lines: string[] = []
  lines.push(`## Embedding quality: ${report.space} (${report.dim} dimensions)`)
  lines.push('')
  lines.push(
    `${report.tracks} tracks in ${report.classes.length} groups (by ${report.labelSource}), ${report.folds}-fold cross-validation` +
      `${report.repeats > 1 ? ` repeated ${report.repeats} times` : ''}, seed ${report.seed}.`,
  )
  if (report.excludedClasses.length > 0) {
    lines.push(
      `Left out (fewer than ${report.folds} tracks): ${report.excludedClasses.map((c) => `${c.label} (${c.tracks})`).join(', ')}.`,
    )
  }
  if (report.sampledOut > 0) lines.push(`${report.sampledOut} tracks were left out by sampling.`)
  lines.push('')
  lines.push('| measure | accuracy |')
  lines.push('|---|---|')
  lines.push(`| linear probe (ridge, cross-validated) | ${percent(report.linearAccuracy)} |`)
  lines.push(`| nearest neighbour (1-NN, leave-one-out) | ${percent(report.oneNN)} |`)
  lines.push(`| 5 nearest neighbours | ${percent(report.fiveNN)} |`)
  lines.push(`| always the largest group | ${percent(report.majorityBaseline)} |`)
  lines.push(`| chance (1 / groups) | ${percent(report.chance)} |`)
  lines.push('')
  lines.push('| group | tracks | linear probe | 1-NN |')
  lines.push('|---|---|---|---|')
  for (const c of report.classes) {
    lines.push(`| ${c.label} | ${c.tracks} | ${percent(c.linearAccuracy)} | ${percent(c.oneNN)} |`)
  }
  lines.push('')
  lines.push(`Confusion (rows: true group, columns: linear probe's answer):`)
  lines.push('')
  lines.push(`| | ${report.classes.map((c) => c.label).join(' | ')} |`)
  lines.push(`|---|${report.classes.map(() => '---').join('|')}|`)
  report.confusion.forEach((row, k) => {
    lines.push(`| ${report.classes[k]?.label ?? k} | ${row.join(' | ')} |`)
  })
  if (report.ablation.length > 0) {
    lines.push('')
    lines.push('| without | dims left | linear probe | 1-NN | 5-NN |')
    lines.push('|---|---|---|---|---|')
    lines.push(
      `| (nothing) | ${report.dim} | ${percent(report.linearAccuracy)} | ${percent(report.oneNN)} | ${percent(report.fiveNN)} |`,
    )
    for (const a of report.ablation) {
      lines.push(
        `| ${a.name} | ${a.dim} | ${percent(a.linearAccuracy)} | ${percent(a.oneNN)} | ${percent(a.fiveNN)} |`,
      )
    }
  }
  return lines.join('\n')
}
