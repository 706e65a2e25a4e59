// The runs chart: pick runs (the live model, offline evaluations) and a metric, and see them
// overlaid as lines over steps or time.
import { useCallback, useEffect, useId, useMemo, useState } from 'react'
import type { MetricSeriesView, RunSummary } from '../../../../shared/insights'
import type { Bridge } from '../../lib/bridge'
import { errorText } from '../../lib/format'
import { ChartCard } from './ChartCard'
import { metricLabel, runsPlot, type XAxis } from './charts'
import { initialSelection, MAX_PLOTTED_RUNS, metricsOf, pickMetric } from './run-choice'

export interface RunsPanelProps {
  bridge: Bridge
  /** Bumped to re-read the runs and the plotted series (new rewards logged, say). */
  refreshKey: number
}

function formatDate(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

export function RunsPanel({ bridge, refreshKey }: RunsPanelProps) {
  const metricPickerId = useId()
  const [runs, setRuns] = useState<RunSummary[] | null>(null)
  const [runsError, setRunsError] = useState<string | null>(null)
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set())
  const [wantedMetric, setWantedMetric] = useState<string | null>(null)
  const [xAxis, setXAxis] = useState<XAxis>('step')
  /** The last answer, with the runs and metric it answers for. */
  const [answer, setAnswer] = useState<{ key: string; series: MetricSeriesView[] } | null>(null)
  const [seriesError, setSeriesError] = useState<string | null>(null)
  const [reloads, setReloads] = useState(0)
  // One `attune eval` writes a run per policy, seed and PCA size (over a hundred): let the listener
  // narrow the list by words in the name, kind or space ("linucb", "seed 1", "live").
  const [filter, setFilter] = useState('')

  useEffect(() => {
    let cancelled = false
    bridge.api
      .listRuns()
      .then((list) => {
        if (cancelled) return
        setRuns(list)
        setRunsError(null)
        setChosen((previous) => {
          const kept = new Set([...previous].filter((id) => list.some((r) => r.id === id)))
          return kept.size > 0 ? kept : initialSelection(list)
        })
      })
      .catch((e: unknown) => {
        if (cancelled) return
        setRuns((r) => r ?? [])
        setRunsError(`The runs could not be read: ${errorText(e)}`)
      })
    return () => {
      cancelled = true
    }
  }, [bridge, refreshKey, reloads])

  const available = useMemo(() => metricsOf(runs ?? [], chosen), [runs, chosen])
  const metric = pickMetric(available, wantedMetric)
  // Newest first, as listed; the contract takes at most MAX_PLOTTED_RUNS.
  const runIds = useMemo(
    () => (runs ?? []).filter((r) => chosen.has(r.id)).map((r) => r.id),
    [runs, chosen],
  )
  const runIdsKey = runIds.join(',')
  const seriesKey = `${runIdsKey}|${metric ?? ''}`
  // Until the answer for these runs and this metric arrives, nothing is plotted (not stale lines).
  const series = answer?.key === seriesKey ? answer.series : null

  useEffect(() => {
    if (runIds.length === 0 || metric === null) return
    let cancelled = false
    const key = `${runIds.join(',')}|${metric}`
    bridge.api
      .getMetricSeries({ runIds: runIds.slice(0, MAX_PLOTTED_RUNS), name: metric })
      .then((found) => {
        if (cancelled) return
        setAnswer({ key, series: found })
        setSeriesError(null)
      })
      .catch((e: unknown) => {
        if (cancelled) return
        setAnswer({ key, series: [] })
        setSeriesError(`The ${metricLabel(metric)} curves could not be read: ${errorText(e)}`)
      })
    return () => {
      cancelled = true
    }
    // runIdsKey stands for runIds (a new array on every runs reload).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [bridge, runIdsKey, metric, refreshKey, reloads])

  const toggle = (id: number, on: boolean) =>
    setChosen((previous) => {
      const next = new Set(previous)
      if (on) next.add(id)
      else next.delete(id)
      return next
    })

  const build = useCallback(
    () => runsPlot(series ?? [], runs ?? [], metric ?? '', xAxis),
    [series, runs, metric, xAxis],
  )

  const full = chosen.size >= MAX_PLOTTED_RUNS
  const plotted = (series ?? []).filter((s) => s.points.length > 0)

  return (
    <section className="insights-runs" aria-labelledby={`${metricPickerId}-heading`}>
      <h3 id={`${metricPickerId}-heading`} className="insights-heading">
        How the model learned, run by run{' '}
        <button type="button" onClick={() => setReloads((n) => n + 1)}>
          Refresh
        </button>
      </h3>
      {runsError ? <p className="inline-error">{runsError}</p> : null}
      {runs === null ? <p className="empty-note">Loading…</p> : null}
      {runs !== null && runs.length === 0 && !runsError ? (
        <p className="empty-note" data-testid="runs-empty">
          No runs yet. Runs appear as the model learns from your marks, or run{' '}
          <code>attune eval</code>.
        </p>
      ) : null}
      {runs !== null && runs.length > 0 ? (
        <>
          {runs.length > FILTER_FROM ? (
            <label className="run-filter">
              Show runs matching{' '}
              <input
                type="search"
                value={filter}
                placeholder="e.g. live, linucb, seed 1"
                onChange={(e) => setFilter(e.target.value)}
              />
            </label>
          ) : null}
          <div className="run-list-wrap">
            <table className="run-list" aria-label="Runs">
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Started</th>
                  <th scope="col">Space</th>
                </tr>
              </thead>
              <tbody>
                {visibleRuns(runs, filter, chosen).map((run) => (
                  <tr key={run.id} data-testid="run-row">
                    <td>
                      <label>
                        <input
                          type="checkbox"
                          checked={chosen.has(run.id)}
                          disabled={!chosen.has(run.id) && full}
                          onChange={(e) => toggle(run.id, e.target.checked)}
                        />{' '}
                        {run.name}
                      </label>
                    </td>
                    <td>{run.kind}</td>
                    <td>{formatDate(run.createdAt)}</td>
                    <td>{run.space ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {visibleRuns(runs, filter, chosen).length === 0 ? (
              <p className="empty-note">No run matches “{filter}”.</p>
            ) : null}
          </div>
          {full ? (
            <p className="muted">
              {MAX_PLOTTED_RUNS} runs are plotted at most; untick one to choose another.
            </p>
          ) : null}
          <div className="run-controls">
            <label>
              Metric{' '}
              <select
                value={metric ?? ''}
                disabled={available.length === 0}
                onChange={(e) => setWantedMetric(e.target.value)}
              >
                {available.map((name) => (
                  <option key={name} value={name}>
                    {metricLabel(name)}
                  </option>
                ))}
              </select>
            </label>
            <fieldset className="x-axis">
              <legend>X axis</legend>
              <label>
                <input
                  type="radio"
                  name={`${metricPickerId}-x`}
                  checked={xAxis === 'step'}
                  onChange={() => setXAxis('step')}
                />{' '}
                Step
              </label>
              <label>
                <input
                  type="radio"
                  name={`${metricPickerId}-x`}
                  checked={xAxis === 'time'}
                  onChange={() => setXAxis('time')}
                />{' '}
                Time
              </label>
            </fieldset>
          </div>
          {seriesError ? <p className="inline-error">{seriesError}</p> : null}
          {chosen.size === 0 ? (
            <p className="empty-note">Tick one or more runs to plot them.</p>
          ) : metric === null ? (
            <p className="empty-note">The chosen runs have no metrics recorded yet.</p>
          ) : series === null ? (
            <p className="empty-note">Loading the {metricLabel(metric)} curves…</p>
          ) : plotted.length === 0 && !seriesError ? (
            <p className="empty-note">The chosen runs have no {metricLabel(metric)} points yet.</p>
          ) : (
            <ChartCard
              title={`How each run did: ${metricLabel(metric)}`}
              description={`One line per run, by ${xAxis === 'step' ? 'step (each thing you did)' : 'time'}.`}
              details={`The metric “${metric}”, as the run logged it.`}
              build={build}
              exportLegend
              testId="runs-chart"
            />
          )}
        </>
      ) : null}
    </section>
  )
}

/** Above this many runs the list gets a filter box. */
const FILTER_FROM = 8

/**
 * The runs whose name, kind or space contains every word of the filter (case-insensitive);
 * ticked runs always stay in view, so a filter never hides what is plotted.
 */
export function visibleRuns(
  runs: readonly RunSummary[],
  filter: string,
  chosen: ReadonlySet<number>,
): RunSummary[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return [...runs]
  return runs.filter((run) => {
    if (chosen.has(run.id)) return true
    const text = `${run.name} ${run.kind} ${run.space ?? ''}`.toLowerCase()
    return words.every((word) => text.includes(word))
  })
}
