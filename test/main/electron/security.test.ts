// The Electron shell's pure checks (Electron itself cannot run here): which pages may call the
// engine over IPC, and which links may open in the system browser.
import { describe, expect, it } from 'vitest'
import { allowedExternalUrl, trustedSender } from '../../../src/main/electron/security'

describe('IPC senders', () => {
  const app = 'attune://app'

  it('trusts only the renderer page on the app scheme, with its hash routes', () => {
    const trusted = trustedSender(app, null)
    expect(trusted('attune://app/index.html')).toBe(true)
    expect(trusted('attune://app/')).toBe(true)
    expect(trusted('attune://app/index.html#/settings')).toBe(true)
    for (const url of [
      undefined,
      '',
      'not a url',
      'file:///etc/passwd',
      'file:///opt/Attune/resources/app/out/renderer/index.html',
      'attune://app/other.html',
      'attune://app/media/1',
      'attune://evil/index.html',
      'attune://user@app/index.html',
      'attunex://app/index.html',
      'https://evil.example/',
      'http://localhost:5173/',
    ])
      expect(trusted(url), String(url)).toBe(false)
  })

  it('trusts the dev server origin only when one is given (development)', () => {
    const trusted = trustedSender(app, 'http://localhost:5173/')
    expect(trusted('http://localhost:5173/#/queue')).toBe(true)
    expect(trusted('http://localhost:5174/')).toBe(false)
    expect(trusted('http://127.0.0.1:5173/')).toBe(false)
  })
})

describe('external links', () => {
  it('opens only https links to allowed sites', () => {
    expect(allowedExternalUrl('https://github.com/attune/attune')).toBe(true)
    for (const url of [
      'http://github.com/',
      'https://evil.example/',
      'https://github.com.evil.example/',
      'https://user:pass@github.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-msdt:/id',
      'not a url',
    ])
      expect(allowedExternalUrl(url), url).toBe(false)
  })
})
