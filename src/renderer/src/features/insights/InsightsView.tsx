// Insights: how the taste model's runs went (metrics overlaid per run) and what the model has
// learned, as charts that can be saved as SVG or PNG.
import { useEffect, useState } from 'react'
import type { Bridge } from '../../lib/bridge'
import { ModelPanel } from './ModelPanel'
import { RunsPanel } from './RunsPanel'
import './insights.css'

export interface InsightsViewProps {
  bridge: Bridge
}

/** New marks reach the live run and the model; wait for a burst of them to settle. */
const REFRESH_DELAY_MS = 800

export function InsightsView({ bridge }: InsightsViewProps) {
  const [refreshKey, setRefreshKey] = useState(0)
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null
    const off = bridge.onEvent((event) => {
      if (event.name !== 'labelsChanged' && event.name !== 'analysisFinished') return
      if (timer !== null) clearTimeout(timer)
      timer = setTimeout(() => setRefreshKey((k) => k + 1), REFRESH_DELAY_MS)
    })
    return () => {
      off()
      if (timer !== null) clearTimeout(timer)
    }
  }, [bridge])
  return (
    <section className="settings insights" aria-label="Insights">
      <h2>Insights</h2>
      <p className="muted">
        How the taste model learns: its runs over time, and what it has made of your marks so far.
      </p>
      <RunsPanel bridge={bridge} refreshKey={refreshKey} />
      <ModelPanel bridge={bridge} refreshKey={refreshKey} />
    </section>
  )
}
