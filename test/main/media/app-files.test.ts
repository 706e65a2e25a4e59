// The built renderer as the browser host and the Electron shell's attune://app/ scheme serve it:
// one handler, real files in a temp folder.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppFilesHandler, isMediaPath } from '../../../src/main/media/app-files'

let base: string
let dir: string
const INDEX = '<!doctype html><title>Attune</title>'

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'attune-app-files-'))
  dir = join(base, 'renderer')
  mkdirSync(join(dir, 'assets'), { recursive: true })
  writeFileSync(join(dir, 'index.html'), INDEX)
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'export const a = 1\n')
  writeFileSync(join(dir, 'assets', 'inter.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]))
  writeFileSync(join(base, 'secret.txt'), 'not for pages')
  symlinkSync(join(base, 'secret.txt'), join(dir, 'assets', 'leak.js'))
})
afterAll(() => rmSync(base, { recursive: true, force: true }))

const get = (path: string, method = 'GET') =>
  createAppFilesHandler(dir)(new Request(`attune://app${path}`, { method }))

describe('app files', () => {
  it('serves the page and its assets with their types, on any scheme', async () => {
    const page = await get('/')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('cache-control')).toBe('no-cache')
    expect(await page.text()).toBe(INDEX)
    const script = await get('/assets/index-abc.js')
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(script.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await script.text()).toBe('export const a = 1\n')
    const font = await get('/assets/inter.woff2')
    expect(font.headers.get('content-type')).toBe('font/woff2')
    expect(font.headers.get('content-length')).toBe('4')
    const overHttp = await createAppFilesHandler(dir)(
      new Request('http://127.0.0.1:4000/index.html'),
    )
    expect(await overHttp.text()).toBe(INDEX)
  })

  it('answers HEAD with the headers and no body', async () => {
    const head = await get('/index.html', 'HEAD')
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String(INDEX.length))
    expect(await head.text()).toBe('')
  })

  it('falls back to the page for client routes; missing assets are 404', async () => {
    expect(await (await get('/settings')).text()).toBe(INDEX)
    const missing = await get('/assets/gone.js')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ error: 'Not found.' })
  })

  it('never serves a file outside the app folder', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/a%00b',
    ]) {
      const res = await get(path)
      expect([403, 404], path).toContain(res.status)
      expect(await res.text()).not.toContain('not for pages')
    }
    // A symlink inside the folder that leads out of it counts as absent.
    const link = await get('/assets/leak.js')
    expect(link.status).toBe(404)
    expect(await link.text()).not.toContain('not for pages')
  })

  it('refuses bad addresses and methods in words', async () => {
    const bad = await get('/%E0%A4%A')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: 'Bad address.' })
    const post = await get('/index.html', 'POST')
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
  })

  it('says the app is not built when there is no page', async () => {
    for (const path of ['/', '/index.html', '/settings']) {
      const res = await createAppFilesHandler(join(base, 'nothing'))(
        new Request(`attune://app${path}`),
      )
      expect(res.status, path).toBe(503)
      expect(await res.json()).toEqual({ error: 'The app is not built yet: run npm run build.' })
    }
  })

  it('routes media and covers to the media route, everything else to the app', () => {
    expect(isMediaPath('/media/12')).toBe(true)
    expect(isMediaPath('/covers/abc')).toBe(true)
    expect(isMediaPath('/index.html')).toBe(false)
    expect(isMediaPath('/mediafile.js')).toBe(false)
    expect(isMediaPath('/assets/media/x.js')).toBe(false)
  })
})
