// The taste model as it stands: what it has learned in plain words, how it scores the library,
// how much of the library's variety its PCA keeps, and the labels it learns from.
import { useCallback, useEffect, useState } from 'react'
import type { TasteInsights } from '../../../../shared/insights'
import type { Bridge } from '../../lib/bridge'
import { errorText } from '../../lib/format'
import { ChartCard } from './ChartCard'
import {
  explainedVarianceStatement,
  explainedVariancePlot,
  histogramPlot,
  labelCountsPlot,
  learnedFeaturesPlot,
} from './charts'

export interface ModelPanelProps {
  bridge: Bridge
  refreshKey: number
}

type Loaded = { state: 'loading' } | { state: 'ready'; insights: TasteInsights | null }

export function ModelPanel({ bridge, refreshKey }: ModelPanelProps) {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' })
  const [error, setError] = useState<string | null>(null)
  const [reloads, setReloads] = useState(0)

  useEffect(() => {
    let cancelled = false
    bridge.api
      .getInsights()
      .then((insights) => {
        if (cancelled) return
        setLoaded({ state: 'ready', insights })
        setError(null)
      })
      .catch((e: unknown) => {
        if (cancelled) return
        setLoaded({ state: 'ready', insights: null })
        setError(errorText(e))
      })
    return () => {
      cancelled = true
    }
  }, [bridge, refreshKey, reloads])

  const insights = loaded.state === 'ready' ? loaded.insights : null

  return (
    <section className="insights-model" aria-labelledby="insights-model-heading">
      <h3 id="insights-model-heading" className="insights-heading">
        The taste model as it stands{' '}
        <button type="button" onClick={() => setReloads((n) => n + 1)}>
          Refresh
        </button>
      </h3>
      {loaded.state === 'loading' ? <p className="empty-note">Loading…</p> : null}
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
      {loaded.state === 'ready' && !insights && !error ? (
        <p className="empty-note" data-testid="model-empty">
          Analyse your library to see what the model has learned.
        </p>
      ) : null}
      {insights ? <ModelCharts insights={insights} /> : null}
    </section>
  )
}

function ModelCharts({ insights }: { insights: TasteInsights }) {
  const buildLearned = useCallback(() => learnedFeaturesPlot(insights.learned), [insights])
  const buildPredicted = useCallback(
    () => histogramPlot(insights.predicted, 'expected enjoyment'),
    [insights],
  )
  const buildBonus = useCallback(() => histogramPlot(insights.bonus, 'still to learn'), [insights])
  const buildVariance = useCallback(
    () => explainedVariancePlot(insights.explainedVariance),
    [insights],
  )
  const buildLabels = useCallback(() => labelCountsPlot(insights.labels), [insights])
  const labelled = insights.labels.reduce((sum, l) => sum + l.count, 0)

  return (
    <>
      <div className="card learned" data-testid="model-learned">
        <h4>What the model has learned</h4>
        <p className="learned-summary">{insights.summary}</p>
        <p className="muted">
          {insights.tracks} songs in {insights.space}; learned from {insights.rows}{' '}
          {insights.rows === 1 ? 'row' : 'rows'} (marks and listens); {insights.k} of{' '}
          {insights.inputDims} dimensions kept.
        </p>
        {insights.learned.length > 0 ? (
          <ul className="learned-features" aria-label="Features the model weighs most">
            {insights.learned.map((f) => (
              <li key={f.name}>
                <span className="learned-words">{f.words}</span>{' '}
                <span className="muted">({f.label})</span>
                <span
                  className={`weight-bar ${f.weight >= 0 ? 'positive' : 'negative'}`}
                  role="meter"
                  aria-label={`Weight of ${f.label}`}
                  aria-valuemin={-maxWeight(insights)}
                  aria-valuemax={maxWeight(insights)}
                  aria-valuenow={f.weight}
                  style={{ width: `${(48 * Math.abs(f.weight)) / maxWeight(insights)}%` }}
                />
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">Nothing yet: mark a few songs and the model starts to lean.</p>
        )}
      </div>
      {insights.learned.length > 0 ? (
        <ChartCard
          title="What makes a song score higher or lower"
          description="Green raises how much Attune expects you to enjoy a song, red lowers it."
          details="The taste model's weights θ mapped back through the PCA components onto the standardised audio features."
          build={buildLearned}
        />
      ) : null}
      <ChartCard
        title="How much Attune expects you to enjoy your songs"
        description="How many songs get each expected enjoyment: right is more, left is less."
        details="The predicted score θ·x of every analysed song (the model's mean, before exploration)."
        build={buildPredicted}
      />
      <ChartCard
        title="How sure the model is about your taste"
        description="How much the model has yet to learn about each song: further right means less known, so more likely to be tried as a surprise."
        details="The exploration bonus α·√(xᵀA⁻¹x) of every analysed song (α is the exploration setting)."
        build={buildBonus}
      />
      <ChartCard
        title="How much of your library's variety the model sees"
        description={explainedVarianceStatement(insights.explainedVariance, insights.inputDims)}
        details={`PCA explained variance: the share of the standardised features' variance each of the ${insights.k} principal components kept captures, and the running total.`}
        build={buildVariance}
      />
      {labelled > 0 ? (
        <ChartCard
          title="The songs you marked, by mark"
          details="Labels in force per mark: your own marks and imported lists (the last mark of each song counts)."
          description={`${labelled} ${labelled === 1 ? 'song' : 'songs'} labelled, by your marks or imported lists.`}
          build={buildLabels}
        />
      ) : (
        <p className="empty-note">No labels yet: mark songs, or import a playlist in Settings.</p>
      )}
    </>
  )
}

function maxWeight(insights: TasteInsights): number {
  return Math.max(1e-12, ...insights.learned.map((f) => Math.abs(f.weight)))
}
