// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import {
  explainedVariancePlot,
  histogramPlot,
  labelCountsPlot,
  learnedFeaturesPlot,
  picksKeptPlot,
  picksKeptStatement,
  runsPlot,
} from '../../src/renderer/src/features/insights/charts'
import {
  chartSvgOf,
  exportChart,
  fileNameFor,
} from '../../src/renderer/src/features/insights/export'
import { visibleRuns } from '../../src/renderer/src/features/insights/RunsPanel'
import {
  initialSelection,
  metricsOf,
  pickMetric,
} from '../../src/renderer/src/features/insights/run-choice'
import type { PicksKept, RunSummary, TasteInsights } from '../../src/shared/insights'
import { EMPTY_WORDS } from '../../src/renderer/src/features/insights/ListenerPanel'
import { FakeBridge, fakeSuggestion } from './fake-bridge'
import { renderApp } from './render-app'

afterEach(() => {
  cleanup()
  localStorage.clear()
})

/** The Insights view on its Advanced tab (the model's charts). */
function renderInsights(bridge: FakeBridge) {
  renderApp(bridge)
  fireEvent.click(screen.getByRole('button', { name: 'Insights' }))
  fireEvent.click(screen.getByRole('tab', { name: 'Advanced' }))
}

function run(id: number, name: string, kind: string, metrics: string[]): RunSummary {
  return {
    id,
    name,
    kind,
    params: {},
    space: 'attune-dsp-v1',
    createdAt: 1_764_460_800_000 + id,
    metrics,
  }
}

/** A rising and a flat curve, 20 steps each. */
function withTwoRuns(bridge: FakeBridge): void {
  const metrics = ['cumulativeReward', 'hitRate', 'reward']
  bridge.runs = [run(2, 'LinUCB α=1', 'linucb', metrics), run(1, 'Random picks', 'random', metrics)]
  for (const name of metrics) {
    for (const id of [1, 2]) {
      bridge.metricPoints.set(
        `${id}:${name}`,
        Array.from({ length: 20 }, (_, i) => ({
          step: i + 1,
          value: id === 2 ? i * 0.5 : 0.1,
          time: 1_764_460_800_000 + i * 1000,
        })),
      )
    }
  }
}

const INSIGHTS: TasteInsights = {
  space: 'attune-dsp-v1',
  tracks: 40,
  inputDims: 90,
  k: 4,
  explainedVariance: [0.3, 0.2, 0.1, 0.05],
  predicted: [
    { start: -1, end: 0, count: 10 },
    { start: 0, end: 1, count: 30 },
  ],
  bonus: [{ start: 0, end: 0.5, count: 40 }],
  labels: [
    { mark: 'like', origin: 'mark', count: 3 },
    { mark: 'not_for_me', origin: 'import', count: 2 },
  ],
  rows: 5,
  learned: [
    { name: 'tempo_bpm', label: 'tempo', weight: -0.8, words: 'slower tempo' },
    { name: 'loudness_p50_db', label: 'typical loudness', weight: -0.4, words: 'quieter' },
    { name: 'key_strength', label: 'tonal clarity', weight: 0.3, words: 'more tonal' },
  ],
  summary: 'You lean towards slower, quieter, more tonal tracks.',
  examples: [],
}

/** The line paths of the runs chart. */
const linePaths = () =>
  screen.getByTestId('runs-chart').querySelectorAll('g[data-mark="line"] path').length

/** Three days of picks: 2 kept and 1 skipped, none, then 1 kept and 1 turned down. */
const PICKS: PicksKept = {
  period: 'day',
  buckets: [
    { start: new Date(2026, 11, 1).getTime(), kept: 2, skipped: 1, turnedDown: 0 },
    { start: new Date(2026, 11, 2).getTime(), kept: 0, skipped: 0, turnedDown: 0 },
    { start: new Date(2026, 11, 3).getTime(), kept: 1, skipped: 0, turnedDown: 1 },
  ],
  undecided: 2,
}

describe('Insights for listeners', () => {
  it('opens on “For you” and tells a new listener in words what to do', async () => {
    const bridge = new FakeBridge()
    bridge.listenerInsights = { ...bridge.listenerInsights, analysed: true }
    renderApp(bridge)
    fireEvent.click(screen.getByRole('button', { name: 'Insights' }))
    const tab = screen.getByRole('tab', { name: 'For you' })
    expect(tab.getAttribute('aria-selected')).toBe('true')
    expect((await screen.findByTestId('picks-kept')).textContent).toContain(EMPTY_WORDS.picks)
    expect(screen.getByTestId('probably-love-empty').textContent).toBe(EMPTY_WORDS.notLearned)
    expect(screen.getByTestId('like-songs-like-empty').textContent).toBe(
      EMPTY_WORDS.examplesNotLearned,
    )
    // The model's charts wait in the other tab.
    expect(screen.queryByRole('heading', { name: /How sure the model is/ })).toBeNull()
  })

  it('shows the picks kept per day, songs to play or queue, and the taste as songs', async () => {
    const bridge = new FakeBridge()
    const [a, b, c] = bridge.tracks
    bridge.listenerInsights = {
      picksKept: PICKS,
      probablyLove: [fakeSuggestion(a!, 0, {}), fakeSuggestion(b!, 1, {})],
      likeSongsLike: [{ track: c!, mark: 'love' }],
      analysed: true,
      learned: true,
    }
    const { player } = renderApp(bridge)
    fireEvent.click(screen.getByRole('button', { name: 'Insights' }))
    const picks = await screen.findByRole('region', { name: 'How many of Attune’s picks you kept' })
    expect(within(picks).getByText('You kept 3 of the 5 picks Attune made (60 %).')).toBeTruthy()
    await waitFor(() => expect(picks.querySelector('svg')).not.toBeNull())
    expect(picks.textContent).toContain('2 picks have no answer yet')

    const love = screen.getByRole('list', { name: 'Songs you’ll probably love' })
    expect(within(love).getAllByTestId('probably-love-entry')).toHaveLength(2)
    fireEvent.click(within(love).getByRole('button', { name: `Add ${a!.title} to the queue` }))
    await waitFor(() =>
      expect(player.getSnapshot().queue.items.map((i) => i.entry.trackId)).toEqual([a!.id]),
    )
    fireEvent.click(within(love).getByRole('button', { name: `Play ${b!.title}` }))
    await waitFor(() => expect(player.getSnapshot().track?.id).toBe(b!.id))

    const examples = screen.getByRole('list', { name: 'You like songs like' })
    expect(examples.textContent).toContain(`${c!.title} by ${c!.artist}, which you loved`)
  })
})

describe('Insights tabs', () => {
  it('move with the arrow keys, focus the chosen tab and remember it after a reload', () => {
    const bridge = new FakeBridge()
    renderApp(bridge)
    fireEvent.click(screen.getByRole('button', { name: 'Insights' }))
    const forYou = screen.getByRole('tab', { name: 'For you' })
    fireEvent.keyDown(forYou, { key: 'ArrowRight' })
    const advanced = screen.getByRole('tab', { name: 'Advanced' })
    expect(advanced.getAttribute('aria-selected')).toBe('true')
    expect(document.activeElement).toBe(advanced)
    expect(forYou.getAttribute('tabindex')).toBe('-1')
    expect(screen.getByRole('tabpanel', { name: 'Advanced' })).toBeTruthy()
    cleanup()
    renderApp(bridge)
    fireEvent.click(screen.getByRole('button', { name: 'Insights' }))
    expect(screen.getByRole('tab', { name: 'Advanced' }).getAttribute('aria-selected')).toBe('true')
    fireEvent.keyDown(screen.getByRole('tab', { name: 'Advanced' }), { key: 'ArrowLeft' })
    expect(screen.getByRole('tab', { name: 'For you' }).getAttribute('aria-selected')).toBe('true')
  })
})

describe('picks kept chart', () => {
  it('stacks kept, skipped and turned down per day, with a legend', () => {
    const figure = picksKeptPlot(PICKS)
    const chart = chartSvgOf(figure)!
    const heights = Array.from(chart.querySelectorAll('rect'))
      .map((r) => Number(r.getAttribute('height')))
      .filter((h) => h > 0)
    // Day 1: kept 2, skipped 1; day 3: kept 1, turned down 1 (empty ones draw nothing).
    expect(heights).toHaveLength(4)
    const domain = Array.from(figure.scale('color')?.domain ?? [], String)
    expect(domain).toEqual(['kept', 'skipped', 'turned down'])
  })

  it('says the share kept in words, and nothing without decided picks', () => {
    expect(picksKeptStatement(PICKS)).toBe('You kept 3 of the 5 picks Attune made (60 %).')
    expect(picksKeptStatement({ period: 'day', buckets: [], undecided: 4 })).toBeNull()
    expect(
      picksKeptStatement({ period: 'week', buckets: PICKS.buckets.slice(0, 1), undecided: 0 }),
    ).toBe('You kept 2 of the 3 picks Attune made this week (67 %).')
  })

  it('shows the marks legend only when some labels were imported', () => {
    const own = labelCountsPlot([{ mark: 'like', origin: 'mark', count: 3 }])
    expect(own.querySelector('[class*="swatches"]')).toBeNull()
    const both = labelCountsPlot(INSIGHTS.labels)
    expect(both.textContent).toContain('imported lists')
  })
})

describe('Insights view', () => {
  it('says in words that there are no runs and nothing analysed yet', async () => {
    const bridge = new FakeBridge()
    renderInsights(bridge)
    expect((await screen.findByTestId('runs-empty')).textContent).toBe(
      'No runs yet. Runs appear as the model learns from your marks, or run attune eval.',
    )
    expect((await screen.findByTestId('model-empty')).textContent).toBe(
      'Analyse your library to see what the model has learned.',
    )
    expect(bridge.callsOf('getMetricSeries')).toHaveLength(0)
  })

  it('plots the newest run, and ticking another one requests and overlays both', async () => {
    const bridge = new FakeBridge()
    withTwoRuns(bridge)
    renderInsights(bridge)
    const linucb = await screen.findByRole('checkbox', { name: 'LinUCB α=1' })
    const random = screen.getByRole('checkbox', { name: 'Random picks' })
    expect((linucb as HTMLInputElement).checked).toBe(true)
    expect((random as HTMLInputElement).checked).toBe(false)
    await waitFor(() =>
      expect(bridge.callsOf('getMetricSeries')).toEqual([
        { runIds: [2], name: 'cumulativeReward' },
      ]),
    )
    await waitFor(() => expect(linePaths()).toBe(1))

    fireEvent.click(random)
    await waitFor(() =>
      expect(bridge.callsOf('getMetricSeries').at(-1)).toEqual({
        runIds: [2, 1],
        name: 'cumulativeReward',
      }),
    )
    await waitFor(() => expect(linePaths()).toBe(2))
    const legend = screen.getByTestId('runs-chart').textContent ?? ''
    expect(legend).toContain('LinUCB α=1 (#2)')
    expect(legend).toContain('Random picks (#1)')

    fireEvent.change(screen.getByRole('combobox', { name: 'Metric' }), {
      target: { value: 'hitRate' },
    })
    await waitFor(() =>
      expect(bridge.callsOf('getMetricSeries').at(-1)).toEqual({ runIds: [2, 1], name: 'hitRate' }),
    )
    expect(
      screen.getByRole('heading', { name: 'How each run did: share of picks you liked' }),
    ).toBeTruthy()

    // Time on the x axis redraws from the same series, with no new request.
    const requests = bridge.callsOf('getMetricSeries').length
    fireEvent.click(screen.getByRole('radio', { name: 'Time' }))
    await waitFor(() => expect(linePaths()).toBe(2))
    expect(bridge.callsOf('getMetricSeries')).toHaveLength(requests)

    // Unticking every run leaves a note instead of an empty chart.
    fireEvent.click(linucb)
    fireEvent.click(random)
    expect(await screen.findByText('Tick one or more runs to plot them.')).toBeTruthy()
  })

  it('narrows a long list of runs by the words typed, keeping the ticked run in view', async () => {
    const bridge = new FakeBridge()
    const metrics = ['cumulativeReward']
    bridge.runs = [
      ...Array.from({ length: 5 }, (_, i) =>
        run(20 - i, `replay linucb α=1 seed ${i + 1}`, 'linucb', metrics),
      ),
      ...Array.from({ length: 5 }, (_, i) =>
        run(10 - i, `replay random seed ${i + 1}`, 'random', metrics),
      ),
    ]
    renderInsights(bridge)
    await screen.findByRole('checkbox', { name: 'replay linucb α=1 seed 1' })
    expect(screen.getAllByTestId('run-row')).toHaveLength(10)

    fireEvent.change(screen.getByRole('searchbox', { name: /show runs matching/i }), {
      target: { value: 'random seed 2' },
    })
    const rows = screen.getAllByTestId('run-row').map((row) => row.textContent ?? '')
    // The newest run is ticked (plotted), so it stays; of the rest only the match.
    expect(rows).toHaveLength(2)
    expect(rows[0]).toContain('replay linucb α=1 seed 1')
    expect(rows[1]).toContain('replay random seed 2')

    fireEvent.change(screen.getByRole('searchbox', { name: /show runs matching/i }), {
      target: { value: 'thompson' },
    })
    expect(screen.getAllByTestId('run-row')).toHaveLength(1)
  })

  it('matches every word of the filter in the name, kind or space, case-insensitively', () => {
    const runs = [
      run(1, 'live · attune-dsp-v1 · k=32', 'live', []),
      run(2, 'replay LinUCB seed 1', 'linucb', []),
      run(3, 'replay cosine seed 1', 'cosine', []),
    ]
    expect(visibleRuns(runs, '', new Set()).map((r) => r.id)).toEqual([1, 2, 3])
    expect(visibleRuns(runs, 'linucb SEED', new Set()).map((r) => r.id)).toEqual([2])
    expect(visibleRuns(runs, 'seed 1', new Set()).map((r) => r.id)).toEqual([2, 3])
    expect(visibleRuns(runs, 'dsp', new Set()).map((r) => r.id)).toEqual([1, 2, 3])
    expect(visibleRuns(runs, 'cosine', new Set([1])).map((r) => r.id)).toEqual([1, 3])
  })

  it('shows what the model learned in words, with every chart offered as SVG and PNG', async () => {
    const bridge = new FakeBridge()
    withTwoRuns(bridge)
    bridge.insights = INSIGHTS
    renderInsights(bridge)
    const learned = await screen.findByTestId('model-learned')
    expect(learned.textContent).toContain('You lean towards slower, quieter, more tonal tracks.')
    const features = within(learned).getByRole('list', { name: 'Features the model weighs most' })
    expect(
      within(features)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['slower tempo (tempo)', 'quieter (typical loudness)', 'more tonal (tonal clarity)'])
    const titles = [
      'What makes a song score higher or lower',
      'How much Attune expects you to enjoy your songs',
      'How sure the model is about your taste',
      "How much of your library's variety the model sees",
      'The songs you marked, by mark',
    ]
    for (const title of titles) {
      const card = screen.getByRole('region', { name: title })
      expect(within(card).getByRole('button', { name: 'Save SVG' })).toBeTruthy()
      expect(within(card).getByRole('button', { name: 'Save PNG' })).toBeTruthy()
      await waitFor(() => expect(card.querySelector('svg')).not.toBeNull())
    }
    const runsCard = await screen.findByRole('region', {
      name: 'How each run did: enjoyment added up',
    })
    expect(within(runsCard).getByRole('button', { name: 'Save SVG' })).toBeTruthy()
    expect(
      screen.getByText(/The 4 components kept hold 65 % of the variety of 90 features/),
    ).toBeTruthy()
  })

  it('shows the engine’s error in words when the model cannot be read', async () => {
    const bridge = new FakeBridge()
    bridge.insightsError =
      'Attune could not work out what the taste model has learned: the worker stopped.'
    renderInsights(bridge)
    expect((await screen.findByRole('alert')).textContent).toContain(
      'could not work out what the taste model has learned',
    )
    expect(screen.queryByTestId('model-empty')).toBeNull()
  })
})

describe('model charts', () => {
  /** Every bar's box, in the chart's own pixels. */
  function bars(figure: Element): { x: number; y: number; width: number; height: number }[] {
    return Array.from(figure.querySelectorAll('rect'))
      .filter((r) => r.closest('[aria-label="bar"], [aria-label="rect"]'))
      .map((r) => ({
        x: Number(r.getAttribute('x')),
        y: Number(r.getAttribute('y')),
        width: Number(r.getAttribute('width')),
        height: Number(r.getAttribute('height')),
      }))
  }

  it.each([
    ['PCA explained variance', () => explainedVariancePlot(INSIGHTS.explainedVariance), 4],
    ['predicted scores', () => histogramPlot(INSIGHTS.predicted, 'score'), 2],
    ['labels', () => labelCountsPlot(INSIGHTS.labels), 2],
    ['feature weights', () => learnedFeaturesPlot(INSIGHTS.learned), 3],
  ])('draws the %s bars inside the chart', (_, build, count) => {
    const figure = build()
    const chart = chartSvgOf(figure)!
    const width = Number(chart.getAttribute('width'))
    const height = Number(chart.getAttribute('height'))
    const boxes = bars(figure)
    expect(boxes).toHaveLength(count)
    for (const box of boxes) {
      expect(box.height).toBeGreaterThan(0)
      expect(box.y).toBeGreaterThanOrEqual(0)
      expect(box.y + box.height).toBeLessThanOrEqual(height)
      expect(box.x).toBeGreaterThanOrEqual(0)
      expect(box.x + box.width).toBeLessThanOrEqual(width)
    }
  })

  it('scales the explained variance bars to their share: 30 % is three times 10 %', () => {
    const boxes = bars(explainedVariancePlot([0.3, 0.1]))
    expect((boxes[0]?.height ?? 0) / (boxes[1]?.height ?? 1)).toBeCloseTo(3, 5)
  })
})

describe('runs chart export', () => {
  it('saves a standalone SVG with both lines and the legend drawn in', () => {
    const runs = [
      run(2, 'LinUCB α=1', 'linucb', ['reward']),
      run(1, 'Random', 'random', ['reward']),
    ]
    const series = runs.map((r) => ({
      runId: r.id,
      name: 'reward',
      points: [1, 2, 3].map((step) => ({ step, value: step * r.id, time: step * 1000 })),
    }))
    const figure = runsPlot(series, runs, 'reward', 'step')
    const color = figure.scale('color')
    const colors = Array.from(color?.range ?? [], String)
    const legend = Array.from(color?.domain ?? [], (label, i) => ({
      label: String(label),
      color: colors[i] ?? '',
    }))
    const chart = exportChart(figure, { legend, color: '#e7e9ee', background: '#161a21' })
    expect(chart).not.toBeNull()
    const svg = chart!.svg
    expect(svg).toMatch(/^<\?xml[^>]*>\n<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
    expect(svg.match(/<path/g)?.length).toBeGreaterThanOrEqual(2)
    expect(svg).toContain('LinUCB α=1 (#2)')
    expect(svg).toContain('Random (#1)')
    expect(svg).toContain('fill="#161a21"')
    // Two legend rows below the 320 px chart.
    expect(chart!.height).toBe(320 + 2 * 18 + 8)
  })

  it('names files after the chart title', () => {
    expect(fileNameFor('Runs: cumulative reward')).toBe('runs-cumulative-reward')
    expect(fileNameFor('PCA explained variance')).toBe('pca-explained-variance')
    expect(fileNameFor('…')).toBe('chart')
  })
})

describe('run and metric choice', () => {
  const live = run(5, 'live', 'live', ['bonus', 'cumulativeReward', 'meanSquaredError'])
  const replay = run(4, 'replay', 'linucb', ['hitRate', 'regret'])

  it('starts on the newest live run, else the newest run', () => {
    expect([...initialSelection([replay, live])]).toEqual([5])
    expect([...initialSelection([replay])]).toEqual([4])
    expect(initialSelection([]).size).toBe(0)
  })

  it('offers the chosen runs’ metrics and prefers cumulative reward, then error', () => {
    expect(metricsOf([live, replay], new Set([5, 4]))).toEqual([
      'bonus',
      'cumulativeReward',
      'hitRate',
      'meanSquaredError',
      'regret',
    ])
    expect(pickMetric(['bonus', 'cumulativeReward', 'meanSquaredError'], null)).toBe(
      'cumulativeReward',
    )
    expect(pickMetric(['bonus', 'meanSquaredError'], null)).toBe('meanSquaredError')
    expect(pickMetric(['bonus', 'zeta'], null)).toBe('bonus')
    expect(pickMetric(['bonus', 'zeta'], 'zeta')).toBe('zeta')
    expect(pickMetric(['bonus'], 'zeta')).toBe('bonus')
    expect(pickMetric([], 'zeta')).toBeNull()
  })
})
