// One chart of the Insights view: a titled card that mounts an Observable Plot figure and offers
// it as an SVG or a PNG file.
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react'
import type { Plot } from '@observablehq/plot'
import { errorText } from '../../lib/format'
import { downloadBlob, exportChart, fileNameFor, pngFromChart, type LegendEntry } from './export'

export type PlotFigure = (SVGSVGElement | HTMLElement) & Plot

export interface ChartCardProps {
  title: string
  /** One line under the title saying how to read the chart. */
  description?: ReactNode
  /** The technical names and symbols behind the chart, folded under "Details". */
  details?: ReactNode
  /** Makes the figure; a new function (new data) redraws it. */
  build: () => PlotFigure
  /** Draw the colour scale's legend into the saved files (Plot's swatches are HTML). */
  exportLegend?: boolean
  /** Test id of the figure's holder. */
  testId?: string
}

/** The first colour that is not transparent, from the element up (the card's own background). */
function backgroundOf(element: Element | null): string {
  for (let node = element; node; node = node.parentElement) {
    const color = getComputedStyle(node).backgroundColor
    if (color && color !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(color)) return color
  }
  return '#ffffff'
}

function legendOf(figure: PlotFigure): LegendEntry[] {
  const scale = figure.scale('color')
  const domain = Array.from(scale?.domain ?? [])
  const range = Array.from(scale?.range ?? [])
  if (range.length === 0) return []
  return domain.map((value, index) => ({
    label: String(value),
    color: String(range[index % range.length]),
  }))
}

export function ChartCard({
  title,
  description,
  details,
  build,
  exportLegend,
  testId,
}: ChartCardProps) {
  const headingId = useId()
  const holder = useRef<HTMLDivElement>(null)
  const figure = useRef<PlotFigure | null>(null)
  const [saveError, setSaveError] = useState<string | null>(null)

  // Plot builds a detached element; the effect below only places it in the card.
  const drawn = useMemo((): { figure: PlotFigure | null; error: string | null } => {
    try {
      const built = build()
      // Plot names its mark groups ("rect", "rule") with aria-label on plain <g> elements, which
      // ARIA does not allow and which mean nothing to a listener: the chart's title says it.
      // The mark's name stays as data-mark.
      for (const group of built.querySelectorAll('g[aria-label]')) {
        group.setAttribute('data-mark', group.getAttribute('aria-label') ?? '')
        group.removeAttribute('aria-label')
      }
      return { figure: built, error: null }
    } catch (error) {
      return { figure: null, error: `This chart could not be drawn: ${errorText(error)}` }
    }
  }, [build])
  const drawError = drawn.error

  useEffect(() => {
    const node = holder.current
    const element = drawn.figure
    figure.current = element
    if (!node) return
    if (!element) {
      node.replaceChildren()
      return
    }
    node.replaceChildren(element)
    return () => {
      element.remove()
      if (figure.current === element) figure.current = null
    }
  }, [drawn])

  const exported = () => {
    const element = figure.current
    if (!element) return null
    const style = getComputedStyle(holder.current ?? element)
    return exportChart(element, {
      legend: exportLegend ? legendOf(element) : [],
      color: style.color || '#222222',
      background: backgroundOf(holder.current),
      font: style.fontFamily || 'system-ui, sans-serif',
    })
  }

  const saveSvg = () => {
    const chart = exported()
    if (!chart) return
    setSaveError(null)
    downloadBlob(new Blob([chart.svg], { type: 'image/svg+xml' }), `${fileNameFor(title)}.svg`)
  }

  const savePng = () => {
    const chart = exported()
    if (!chart) return
    setSaveError(null)
    pngFromChart(chart)
      .then((blob) => downloadBlob(blob, `${fileNameFor(title)}.png`))
      .catch((error: unknown) => setSaveError(errorText(error)))
  }

  return (
    <section className="card chart-card" aria-labelledby={headingId}>
      <div className="chart-head">
        <h3 id={headingId}>{title}</h3>
        <div className="chart-actions">
          <button type="button" onClick={saveSvg} disabled={drawError !== null}>
            Save SVG
          </button>
          <button type="button" onClick={savePng} disabled={drawError !== null}>
            Save PNG
          </button>
        </div>
      </div>
      {description ? <p className="muted chart-description">{description}</p> : null}
      <div className="chart" ref={holder} data-testid={testId} />
      {details ? (
        <details className="chart-details">
          <summary>Details</summary>
          <p className="muted">{details}</p>
        </details>
      ) : null}
      {drawError ? <p className="inline-error">{drawError}</p> : null}
      {saveError ? (
        <p className="inline-error" role="alert">
          {saveError}
        </p>
      ) : null}
    </section>
  )
}
