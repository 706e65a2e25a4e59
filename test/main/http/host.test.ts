import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Engine } from '../../../src/main/engine'
import { startHost, type RunningHost } from '../../../src/main/http/server'
import { CALL_NAMES } from '../../../src/shared/contract'
import { FIXTURES, tempDir } from '../../helpers/temp'

let engine: Engine
let host: RunningHost
let base: string
let cleanup: () => void
let cleanupDir: string

beforeAll(async () => {
  const t = tempDir()
  cleanup = t.cleanup
  cleanupDir = t.dir
  const staticDir = join(t.dir, 'renderer')
  mkdirSync(staticDir)
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Attune</title>')
  engine = new Engine({ dbPath: join(t.dir, 'library.db') })
  await engine.handlers.addRoot({ path: join(FIXTURES, 'formats') })
  await engine.scan()
  host = await startHost({ engine, staticDir })
  base = new URL(host.url).origin
})

afterAll(async () => {
  await host.close()
  await engine.close()
  cleanup()
})

const call = (name: string, body: unknown, token = host.token) =>
  fetch(`${base}/api/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('the contract', () => {
  it('has a handler for every call', () => {
    expect(Object.keys(engine.handlers).sort()).toEqual([...CALL_NAMES].sort())
  })
})

describe('browser host', () => {
  it('prints a loopback URL that carries the token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/)
  })

  it('refuses requests without the token, or with a wrong one', async () => {
    expect((await fetch(`${base}/`)).status).toBe(401)
    expect((await fetch(`${base}/media/1`)).status).toBe(401)
    expect((await call('getStatus', {}, 'wrong-token')).status).toBe(401)
  })

  it('turns the token into a same-site cookie named for its port, and takes it out of the address', async () => {
    const response = await fetch(host.url, { redirect: 'manual' })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/')
    const cookie = response.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(new RegExp(`^attune_token_${new URL(base).port}=`))
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    const page = await fetch(`${base}/`, { headers: { cookie: cookie.split(';')[0] ?? '' } })
    expect(page.status).toBe(200)
    const again = await fetch(`${base}/api/getStatus`, {
      method: 'POST',
      headers: {
        cookie: cookie.split(';')[0] ?? '',
        'content-type': 'application/json',
        'sec-fetch-site': 'same-origin',
      },
      body: '{}',
    })
    expect(again.status).toBe(200)
  })

  it('answers calls through the contract and rejects bad arguments with 400', async () => {
    const status = (await (await call('getStatus', {})).json()) as { result: { tracks: number } }
    expect(status.result.tracks).toBeGreaterThan(10)
    const page = (await (await call('listTracks', { search: 'northerners', limit: 5 })).json()) as {
      result: { total: number }
    }
    expect(page.result.total).toBeGreaterThan(0)
    const bad = await call('listTracks', { limit: -3 })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toMatch(/limit/)
    expect((await call('noSuchCall', {})).status).toBe(404)
  })

  it('answers a failed call with its code and words for the listener, naming no command', async () => {
    // Scanned, never analysed: the taste worker has nothing to score.
    const discover = await call('discover', { n: 5 })
    expect(discover.status).toBe(409)
    const body = (await discover.json()) as { error: string; code: string }
    expect(body).toEqual({ code: 'not-analysed', error: 'No song is analysed yet.' })
    const bad = (await (await call('listTracks', { limit: -3 })).json()) as { code: string }
    expect(bad.code).toBe('bad-input')
    const gone = await call('removeRoot', { path: '/not/a/library/folder' })
    expect(gone.status).toBe(404)
    expect(((await gone.json()) as { code: string }).code).toBe('not-found')
  })

  it('streams media with Range through the engine route, and refuses path traversal', async () => {
    const page = (await (await call('listTracks', { search: 's16', limit: 1 })).json()) as {
      result: { tracks: { id: number }[] }
    }
    const id = page.result.tracks[0]?.id
    expect(id).toBeDefined()
    const partial = await fetch(`${base}/media/${id}`, {
      headers: { authorization: `Bearer ${host.token}`, range: 'bytes=0-99' },
    })
    expect(partial.status).toBe(206)
    expect((await partial.arrayBuffer()).byteLength).toBe(100)
    const traversal = await fetch(`${base}/media/..%2F..%2F..%2Fetc%2Fpasswd`, {
      headers: { authorization: `Bearer ${host.token}` },
    })
    expect([400, 403, 404]).toContain(traversal.status)
    const staticTraversal = await fetch(`${base}/..%2F..%2Fetc%2Fpasswd`, {
      headers: { authorization: `Bearer ${host.token}` },
    })
    expect([403, 404]).toContain(staticTraversal.status)
  })

  it('imports a playlist on this computer as labels, through the contract', async () => {
    const playlist = join(cleanupDir, 'liked.m3u8')
    writeFileSync(playlist, `#EXTM3U\n${join(FIXTURES, 'formats', 's16.wav')}\n/nowhere/gone.mp3\n`)
    const response = await call('importLabels', { path: playlist, as: 'love' })
    const { result } = (await response.json()) as {
      result: { labelled: number; unmatched: { line: number }[] }
    }
    expect(result.labelled).toBe(1)
    expect(result.unmatched).toEqual([{ line: 3, path: '/nowhere/gone.mp3' }])
    const labels = (await (await call('listLabels', {})).json()) as {
      result: { mark: string; origin: string }[]
    }
    expect(labels.result).toContainEqual(
      expect.objectContaining({ mark: 'love', origin: 'import' }),
    )
  })

  it('pushes engine events to the browser as server-sent events', async () => {
    const controller = new AbortController()
    const response = await fetch(`${base}/api/events`, {
      headers: { authorization: `Bearer ${host.token}` },
      signal: controller.signal,
    })
    const reader: ReadableStreamDefaultReader<Uint8Array> = response.body!.getReader()
    const track = (await (await call('listTracks', { limit: 1 })).json()) as {
      result: { tracks: { id: number }[] }
    }
    await call('setMark', { trackId: track.result.tracks[0]!.id, mark: 'like' })
    let text = ''
    while (!text.includes('labelsChanged')) {
      const chunk: { done: boolean; value?: Uint8Array } = await reader.read()
      if (chunk.done) break
      text += new TextDecoder().decode(chunk.value ?? new Uint8Array())
    }
    controller.abort()
    expect(text).toContain('"name":"labelsChanged"')
  })
})
