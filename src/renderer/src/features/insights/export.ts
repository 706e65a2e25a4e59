// Saving a chart: the Plot figure serialised as a self-contained SVG (its colour legend drawn in,
// since Plot renders swatch legends as HTML), and a PNG made by drawing that SVG on a canvas.

const SVG_NS = 'http://www.w3.org/2000/svg'
const LEGEND_ROW_HEIGHT = 18
/** PNGs are drawn at twice the on-screen size, so they stay sharp on high-density screens. */
export const PNG_SCALE = 2

export interface LegendEntry {
  label: string
  color: string
}

export interface ChartExport {
  /** The SVG document's text, with an XML namespace, explicit size, colours and legend. */
  svg: string
  width: number
  height: number
  background: string
}

/** The chart's own SVG in a Plot figure (not the small swatch SVGs of its legend). */
export function chartSvgOf(root: Element): SVGSVGElement | null {
  if (root.tagName.toLowerCase() === 'svg') return root as SVGSVGElement
  for (const child of Array.from(root.children)) {
    if (child.tagName.toLowerCase() === 'svg') return child as SVGSVGElement
  }
  return root.querySelector('svg')
}

function numberAttribute(element: Element, name: string, fallback: number): number {
  const value = Number(element.getAttribute(name))
  return Number.isFinite(value) && value > 0 ? value : fallback
}

/**
 * A standalone SVG of the chart: Plot draws axes in `currentColor`, which a file opened on its own
 * would show black on transparent, so the page's text and background colours are written in.
 */
export function exportChart(
  root: Element,
  options: { legend?: LegendEntry[]; color?: string; background?: string; font?: string } = {},
): ChartExport | null {
  const chart = chartSvgOf(root)
  if (!chart) return null
  const width = numberAttribute(chart, 'width', 640)
  const chartHeight = numberAttribute(chart, 'height', 400)
  const legend = options.legend ?? []
  const height = chartHeight + (legend.length > 0 ? legend.length * LEGEND_ROW_HEIGHT + 8 : 0)
  const color = options.color ?? '#222222'
  const background = options.background ?? '#ffffff'
  const font = options.font ?? 'system-ui, sans-serif'

  const document = root.ownerDocument
  const outer = document.createElementNS(SVG_NS, 'svg')
  outer.setAttribute('xmlns', SVG_NS)
  outer.setAttribute('width', String(width))
  outer.setAttribute('height', String(height))
  outer.setAttribute('viewBox', `0 0 ${width} ${height}`)
  outer.setAttribute('style', `color: ${color}; font-family: ${font}; font-size: 10px`)
  const backdrop = document.createElementNS(SVG_NS, 'rect')
  backdrop.setAttribute('width', '100%')
  backdrop.setAttribute('height', '100%')
  backdrop.setAttribute('fill', background)
  outer.appendChild(backdrop)

  const copy = chart.cloneNode(true) as SVGSVGElement
  copy.setAttribute('x', '0')
  copy.setAttribute('y', '0')
  copy.setAttribute('width', String(width))
  copy.setAttribute('height', String(chartHeight))
  outer.appendChild(copy)

  legend.forEach((entry, index) => {
    const y = chartHeight + 4 + index * LEGEND_ROW_HEIGHT
    const swatch = document.createElementNS(SVG_NS, 'rect')
    swatch.setAttribute('x', '12')
    swatch.setAttribute('y', String(y + 3))
    swatch.setAttribute('width', '12')
    swatch.setAttribute('height', '12')
    swatch.setAttribute('fill', entry.color)
    const text = document.createElementNS(SVG_NS, 'text')
    text.setAttribute('x', '30')
    text.setAttribute('y', String(y + 13))
    text.setAttribute('fill', 'currentColor')
    text.setAttribute('font-size', '12')
    text.textContent = entry.label
    outer.append(swatch, text)
  })

  const svg = new XMLSerializer().serializeToString(outer)
  return {
    svg: svg.startsWith('<?xml') ? svg : `<?xml version="1.0" encoding="UTF-8"?>\n${svg}`,
    width,
    height,
    background,
  }
}

/** The exported SVG drawn on a canvas at `scale`× and encoded as PNG. */
export function pngFromChart(chart: ChartExport, scale = PNG_SCALE): Promise<Blob> {
  return new Promise((resolve, reject) => {
    const image = new Image()
    image.onload = () => {
      const canvas = document.createElement('canvas')
      canvas.width = Math.round(chart.width * scale)
      canvas.height = Math.round(chart.height * scale)
      const context = canvas.getContext('2d')
      if (!context) {
        reject(new Error('This browser cannot draw the chart as an image.'))
        return
      }
      context.fillStyle = chart.background
      context.fillRect(0, 0, canvas.width, canvas.height)
      context.drawImage(image, 0, 0, canvas.width, canvas.height)
      canvas.toBlob((blob) => {
        if (blob) resolve(blob)
        else reject(new Error('The chart could not be turned into a PNG image.'))
      }, 'image/png')
    }
    image.onerror = () => reject(new Error('The chart could not be drawn as an image.'))
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(chart.svg)}`
  })
}

/** Hands a file to the browser's download (an <a download> click). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.style.display = 'none'
  document.body.appendChild(link)
  link.click()
  link.remove()
  // The download has taken its copy once the click's task has run.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** "Cumulative reward, 3 runs" → "cumulative-reward-3-runs". */
export function fileNameFor(title: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{Letter}\p{Number}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
  return slug || 'chart'
}
