// Insights, for listeners first: "For you" says how the picks go and what the taste is in songs;
// "Advanced" holds the taste model's charts (its runs over time and what it has made of the
// marks), each saved as SVG or PNG.
import { useEffect, useState } from 'react'
import type { Track } from '../../../../shared/domain'
import type { Bridge } from '../../lib/bridge'
import { usePersistedState } from '../../lib/persisted'
import { TabPanel, Tabs } from '../../components/Tabs'
import { ListenerPanel } from './ListenerPanel'
import { ModelPanel } from './ModelPanel'
import { RunsPanel } from './RunsPanel'
import './insights.css'

export interface InsightsViewProps {
  bridge: Bridge
  onPlay: (track: Track) => void
  onQueue: (track: Track) => void
}

/** New marks reach the live run and the model; wait for a burst of them to settle. */
const REFRESH_DELAY_MS = 800

const INSIGHTS_TABS = [
  { id: 'listener', label: 'For you' },
  { id: 'advanced', label: 'Advanced' },
] as const

type InsightsTab = (typeof INSIGHTS_TABS)[number]['id']

export function InsightsView({ bridge, onPlay, onQueue }: InsightsViewProps) {
  const [refreshKey, setRefreshKey] = useState(0)
  const [tab, setTab] = usePersistedState<InsightsTab>('insightsTab', 'listener', (v) =>
    INSIGHTS_TABS.some((t) => t.id === v),
  )
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null
    const off = bridge.onEvent((event) => {
      if (
        event.name !== 'labelsChanged' &&
        event.name !== 'analysisFinished' &&
        event.name !== 'modelUpdated'
      )
        return
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
      <Tabs
        label="Insights"
        idPrefix="insights"
        tabs={INSIGHTS_TABS}
        value={tab}
        onChange={setTab}
      />
      <TabPanel idPrefix="insights" id="listener" shown={tab === 'listener'}>
        {tab === 'listener' ? (
          <ListenerPanel
            bridge={bridge}
            refreshKey={refreshKey}
            onPlay={onPlay}
            onQueue={onQueue}
          />
        ) : null}
      </TabPanel>
      <TabPanel idPrefix="insights" id="advanced" shown={tab === 'advanced'}>
        {tab === 'advanced' ? (
          <>
            <p className="muted">
              How the taste model learns: its runs over time, and what it has made of your marks so
              far. The symbols behind each chart are under its Details.
            </p>
            <RunsPanel bridge={bridge} refreshKey={refreshKey} />
            <ModelPanel bridge={bridge} refreshKey={refreshKey} />
          </>
        ) : null}
      </TabPanel>
    </section>
  )
}
