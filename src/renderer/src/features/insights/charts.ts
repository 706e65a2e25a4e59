// The Insights charts as Observable Plot figures, built from plain data (no React here).
import * as Plot from '@observablehq/plot'
import type {
  HistogramBin,
  PicksKept,
  LearnedFeature,
  MetricSeriesView,
  RunSummary,
  TasteInsights,
} from '../../../../shared/insights'
import { MARK_INFO, markLabel } from '../../lib/marks'
import type { PlotFigure } from './ChartCard'

export type XAxis = 'step' | 'time'

const WIDTH = 640
const ACCENT = '#7c9cff'
const ACCENT_2 = '#a78bfa'
const POSITIVE = '#4ade80'
const NEGATIVE = '#ff6b6b'

/** The name a run goes by in legends: its name and id (two runs may share a name). */
export function runLabel(run: Pick<RunSummary, 'id' | 'name'>): string {
  return `${run.name} (#${run.id})`
}

/** "cumulativeReward" / "mean_squared_error" → "cumulative reward" / "mean squared error". */
export function metricName(name: string): string {
  return name
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
}

/** The metrics the live model and `attune eval` log, in a listener's words (keyed by metricName). */
const METRIC_WORDS: Record<string, string> = {
  'squared error': 'how far off each guess was',
  mse: 'how far off its guesses are on average',
  'mean squared error': 'how far off its guesses are on average',
  reward: 'how much you enjoyed each song',
  'cumulative reward': 'enjoyment added up',
  bonus: 'how new each song was to it',
  'mean bonus': 'how new the songs were to it, on average',
  'model norm': 'how strongly it leans',
  'sign accuracy': 'how often it guessed like or dislike right',
  'sign correct': 'whether it guessed like or dislike right',
  'hit rate': 'share of picks you liked',
  accuracy: 'how often it guessed right',
  auc: 'how well it tells liked from not liked songs',
}

/** A metric in words ("enjoyment added up"); an unknown one by its name ("mean squared error"). */
export function metricLabel(name: string): string {
  const plain = metricName(name)
  return METRIC_WORDS[plain] ?? plain
}

/** Song counts are whole: ticks between them (0.5 songs) stay unlabelled. */
const wholeNumbers = (d: number): string => (Number.isInteger(d) ? String(d) : '')

interface SeriesRow {
  run: string
  step: number
  time: Date
  value: number
}

/** One line per run, overlaid, coloured by run with a legend. */
export function runsPlot(
  series: readonly MetricSeriesView[],
  runs: readonly RunSummary[],
  metric: string,
  x: XAxis,
): PlotFigure {
  const byId = new Map(runs.map((r) => [r.id, r]))
  const labels = series.map((s) => {
    const run = byId.get(s.runId)
    return run ? runLabel(run) : `run #${s.runId}`
  })
  const rows: SeriesRow[] = series.flatMap((s, i) =>
    s.points.map((p) => ({
      run: labels[i] ?? '',
      step: p.step,
      time: new Date(p.time),
      value: p.value,
    })),
  )
  return Plot.plot({
    ariaLabel: `${metricLabel(metric)} by ${x}, one line per run`,
    width: WIDTH,
    height: 320,
    marginLeft: 56,
    grid: true,
    x: { label: x === 'step' ? 'step →' : 'time →', type: x === 'step' ? 'linear' : 'time' },
    y: { label: `↑ ${metricLabel(metric)}` },
    color: { legend: true, domain: labels, type: 'categorical' },
    marks: [
      Plot.lineY(rows, { x, y: 'value', stroke: 'run', strokeWidth: 1.6 }),
      Plot.dot(
        // A run with a single point would draw no line; show it as a dot.
        rows.filter((row) => series.find((_, i) => labels[i] === row.run)?.points.length === 1),
        { x, y: 'value', fill: 'run' },
      ),
    ],
  })
}

/** Bars over [start, end) with the number of songs in each. */
export function histogramPlot(bins: readonly HistogramBin[], xLabel: string): PlotFigure {
  return Plot.plot({
    ariaLabel: `songs by ${xLabel}`,
    width: WIDTH,
    height: 220,
    marginLeft: 48,
    x: { label: `${xLabel} →` },
    y: { label: '↑ songs', grid: true, tickFormat: wholeNumbers },
    marks: [
      Plot.rectY(bins, { x1: 'start', x2: 'end', y: 'count', fill: ACCENT, inset: 0.5 }),
      Plot.ruleY([0]),
    ],
  })
}

/** Each PCA component's share of the variance (bars) and the running total (line). */
export function explainedVariancePlot(shares: readonly number[]): PlotFigure {
  let total = 0
  const rows = shares.map((share, i) => {
    total += share
    return { component: i + 1, share, cumulative: total }
  })
  return Plot.plot({
    ariaLabel: 'share of the variance per PCA component, and the running total',
    width: WIDTH,
    height: 240,
    marginLeft: 48,
    x: {
      label: 'component →',
      type: 'band',
      tickFormat: (d: number) => (d % 5 === 1 || rows.length <= 16 ? String(d) : ''),
    },
    // `percent` multiplies the data by 100, so the domain is in percent as well.
    y: { label: '↑ share of variance (%)', domain: [0, 100], percent: true, grid: true },
    marks: [
      Plot.barY(rows, { x: 'component', y: 'share', fill: ACCENT }),
      Plot.lineY(rows, { x: 'component', y: 'cumulative', stroke: ACCENT_2, strokeWidth: 2 }),
      Plot.dot(rows, { x: 'component', y: 'cumulative', fill: ACCENT_2, r: 2.5 }),
      Plot.ruleY([0]),
    ],
  })
}

const ORIGIN_LABEL = { mark: 'your marks', import: 'imported lists' } as const

/**
 * Current labels by mark, stacked by where they came from; the colour legend only when some
 * labels were imported (a legend of "your marks" alone says nothing).
 */
export function labelCountsPlot(labels: TasteInsights['labels']): PlotFigure {
  const rows = labels.map((l) => ({
    mark: markLabel(l.mark),
    origin: ORIGIN_LABEL[l.origin],
    count: l.count,
  }))
  const imported = labels.some((l) => l.origin === 'import' && l.count > 0)
  return Plot.plot({
    ariaLabel: 'labelled songs by mark and origin',
    width: WIDTH,
    height: 220,
    marginLeft: 48,
    x: { label: null, domain: MARK_INFO.map((m) => m.label) },
    y: { label: '↑ songs', grid: true, tickFormat: wholeNumbers },
    color: {
      legend: imported,
      domain: Object.values(ORIGIN_LABEL),
      range: [ACCENT, ACCENT_2],
    },
    marks: [Plot.barY(rows, { x: 'mark', y: 'count', fill: 'origin' }), Plot.ruleY([0])],
  })
}

/** The weights of the features the model leans on, positive to the right. */
export function learnedFeaturesPlot(features: readonly LearnedFeature[]): PlotFigure {
  return Plot.plot({
    ariaLabel: 'the weights of the features the model leans on',
    width: WIDTH,
    height: 40 + features.length * 28,
    marginLeft: 200,
    x: { label: 'weight → (more of it raises the score)', grid: true },
    y: { label: null, domain: features.map((f) => f.label) },
    marks: [
      Plot.barX(
        features.filter((f) => f.weight >= 0),
        { x: 'weight', y: 'label', fill: POSITIVE },
      ),
      Plot.barX(
        features.filter((f) => f.weight < 0),
        { x: 'weight', y: 'label', fill: NEGATIVE },
      ),
      Plot.ruleX([0]),
    ],
  })
}

/** "The 8 components kept hold 71 % of the variety of 90 features (bars: each; line: total)." */
export function explainedVarianceStatement(shares: readonly number[], inputDims: number): string {
  const total = shares.reduce((sum, share) => sum + share, 0)
  const components = shares.length === 1 ? 'component kept holds' : 'components kept hold'
  return `The ${shares.length} ${components} ${Math.round(total * 100)} % of the variety of ${inputDims} features (bars: each; line: running total).`
}

/** The kinds of outcome "picks you kept" stacks, bottom up, with their colours. */
const OUTCOMES = [
  { key: 'kept', label: 'kept', color: POSITIVE },
  { key: 'skipped', label: 'skipped', color: '#f5a524' },
  { key: 'turnedDown', label: 'turned down', color: NEGATIVE },
] as const

/** The widest a bar of "picks you kept" gets (a first day alone is a bar, not a wall). */
const MAX_BAR = 80

/**
 * A band scale's padding (inner and outer alike) that keeps `count` bars at most MAX_BAR wide
 * across the plot: the bar width is W·(1 − p)/(count + p), solved for p.
 */
function barPadding(count: number, plotWidth = WIDTH - 80): number {
  const p = (plotWidth - MAX_BAR * count) / (plotWidth + MAX_BAR)
  return Math.min(0.9, Math.max(0.1, p))
}

/** The picks of each day or week, stacked by what became of them. */
export function picksKeptPlot(picks: PicksKept): PlotFigure {
  const rows = picks.buckets.flatMap((bucket) =>
    OUTCOMES.map((o) => ({
      start: new Date(bucket.start),
      outcome: o.label,
      count: bucket[o.key],
    })),
  )
  const format = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' })
  return Plot.plot({
    ariaLabel: `auto-picks per ${picks.period}: kept, skipped and turned down`,
    width: WIDTH,
    height: 240,
    marginLeft: 48,
    x: {
      label: null,
      type: 'band',
      padding: barPadding(picks.buckets.length),
      tickFormat: (d: Date) =>
        picks.period === 'week' ? `week of ${format.format(d)}` : format.format(d),
      tickRotate: picks.buckets.length > 8 ? -30 : 0,
    },
    y: { label: '↑ picks', grid: true, tickFormat: wholeNumbers },
    color: {
      legend: true,
      domain: OUTCOMES.map((o) => o.label),
      range: OUTCOMES.map((o) => o.color),
    },
    marks: [
      Plot.barY(rows, {
        x: 'start',
        y: 'count',
        fill: 'outcome',
        order: OUTCOMES.map((o) => o.label),
      }),
      Plot.ruleY([0]),
    ],
  })
}

/** "You kept 12 of the 15 picks Attune made (80 %)." over every bucket; null without picks. */
export function picksKeptStatement(picks: PicksKept): string | null {
  let kept = 0
  let decided = 0
  for (const b of picks.buckets) {
    kept += b.kept
    decided += b.kept + b.skipped + b.turnedDown
  }
  if (decided === 0) return null
  const weeks = picks.buckets.length
  const since =
    picks.period === 'day' ? '' : weeks === 1 ? ' this week' : ` over the last ${weeks} weeks`
  return `You kept ${kept} of the ${decided} ${decided === 1 ? 'pick' : 'picks'} Attune made${since} (${Math.round((100 * kept) / decided)} %).`
}
