// axe-core in a page of the app: WCAG 2 A/AA violations, contrast included, as one line each.
// The page must bypass the app's CSP (script-src 'self' refuses the injected script).
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

interface AxeResult {
  violations: {
    id: string
    impact: string
    nodes: { target: string[]; failureSummary: string }[]
  }[]
}

export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"')))
    await page.addScriptTag({ path: AXE })
  const result = await page.evaluate<AxeResult>(
    `window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })`,
  )
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary.split('\n')[1] ?? ''}`),
  )
}
