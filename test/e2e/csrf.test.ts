// CSRF in real Chromium (issue 15): a listener who opened Attune's link (so the browser holds its
// cookie) visits a page on another port of 127.0.0.1. SameSite cookies do not separate ports, so
// the page tries everything a page can send without asking: no-cors fetches with text/plain and
// form bodies, cors fetches, and form posts in frames. Nothing may change: marks, settings, roots.
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/main/engine'
import type { RunningHost } from '../../src/main/http/server'
import { launchChromium } from './host'
import { FIXTURES } from '../helpers/temp'
import { startTestHost, type TestHost } from '../helpers/host'

let running: TestHost
let engine: Engine
let host: RunningHost
let attacker: Server
let attackerOrigin: string
let browser: Browser
let trackId: number

/** What the attack page runs against `target` (the host's origin): every request it can make. */
function attackPage(target: string, track: number): string {
  const calls = [
    ['setMark', { trackId: track, mark: 'not_for_me' }],
    ['updateSettings', { section: 'exploration', patch: { alpha: 2.5 } }],
    ['addRoot', { path: '/etc' }],
    ['addRoot', { path: '/tmp' }],
  ] as const
  const forms = calls
    .map(([name, args], i) => {
      // enctype text/plain sends "name=value": a name of `{"…":…,"x":"` and a value of `"}` make
      // the body valid JSON.
      const json = JSON.stringify({ ...args, x: '' })
      const name_ = json.slice(0, -2)
      return `<iframe name="f${i}"></iframe>
        <form id="form${i}" method="POST" action="${target}/api/${name}" enctype="text/plain" target="f${i}">
          <input name='${name_.replace(/'/g, '&#39;')}' value='"}'>
        </form>
        <form id="url${i}" method="POST" action="${target}/api/${name}" target="f${i}">
          <input name="json" value='${JSON.stringify(args).replace(/'/g, '&#39;')}'>
        </form>`
    })
    .join('\n')
  return `<!doctype html><title>cute cats</title>
  ${forms}
  <script>
    const calls = ${JSON.stringify(calls)};
    window.attack = async () => {
      const tried = [];
      for (const [name, args] of calls) {
        const url = ${JSON.stringify(target)} + '/api/' + name;
        const body = JSON.stringify(args);
        for (const init of [
          { mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' } },
          { mode: 'no-cors', credentials: 'include' },
          { mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
          { mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'application/json' } },
          { mode: 'cors', credentials: 'include', headers: { 'content-type': 'application/json' } },
          { mode: 'cors', credentials: 'include', headers: { 'content-type': 'text/plain' } },
        ]) {
          try { await fetch(url, { method: 'POST', body, ...init }); tried.push('sent') }
          catch (e) { tried.push('blocked') }
        }
        try { navigator.sendBeacon(url, new Blob([body], { type: 'text/plain' })); tried.push('beacon') }
        catch (e) { tried.push('blocked') }
      }
      for (let i = 0; i < calls.length; i++) {
        document.getElementById('form' + i).submit();
        document.getElementById('url' + i).submit();
      }
      await new Promise((r) => setTimeout(r, 1500));
      return tried;
    };
  </script>`
}

beforeAll(async () => {
  running = await startTestHost(join(FIXTURES, 'formats'))
  ;({ engine, host } = running)
  const first = engine.tracks.listTracks({ limit: 1 })[0]
  if (!first) throw new Error('no track scanned')
  trackId = first.id
  const target = new URL(host.url).origin
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end(attackPage(target, trackId))
  })
  await new Promise<void>((ok) => attacker.listen(0, '127.0.0.1', () => ok()))
  const address = attacker.address()
  attackerOrigin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await new Promise<void>((ok) => (attacker ? attacker.close(() => ok()) : ok()))
  await running?.close()
})

function state(): unknown {
  return {
    labels: [...engine.events.currentLabels().entries()],
    settings: engine.settings.get(),
    roots: engine.tracks.listRoots().map((root) => root.path),
    events: engine.events.list({ limit: 1000 }).length,
  }
}

describe('a page on another port of 127.0.0.1', () => {
  it('cannot mark songs, change settings or add folders, though the browser holds the cookie', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    // The listener opens the link: the token becomes a cookie and leaves the address bar.
    await page.goto(host.url)
    expect(page.url()).toBe(`${new URL(host.url).origin}/`)
    expect(await page.textContent('p')).toBe('app')
    const cookies = await context.cookies()
    expect(cookies.map((c) => c.name)).toEqual([`attune_token_${new URL(host.url).port}`])

    const before = state()
    await page.goto(attackerOrigin)
    const tried = await page.evaluate<string[]>('window.attack()')
    expect(tried.length).toBeGreaterThan(20)
    expect(state()).toEqual(before)
    await context.close()
  })

  it('while the app itself, from its own origin, can still make the same calls', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(host.url)
    const status = await page.evaluate(async (id: number) => {
      const response = await fetch('/api/setMark', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ trackId: id, mark: 'love' }),
      })
      return response.status
    }, trackId)
    expect(status).toBe(200)
    expect(engine.events.currentLabels().get(trackId)?.mark).toBe('love')
    await context.close()
  })
})
