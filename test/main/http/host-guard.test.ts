// The browser host accepts only itself (issue 15): its own Host names, JSON calls from its own
// origin, bodies under the limit, shallow JSON, and errors in words with the right status.
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../../src/main/engine'
import { jsonDepth, type RunningHost } from '../../../src/main/http/server'
import { FIXTURES } from '../../helpers/temp'
import { startTestHost, type TestHost } from '../../helpers/host'

let engine: Engine
let host: RunningHost
let base: string
let port: number
let running: TestHost

beforeAll(async () => {
  running = await startTestHost(join(FIXTURES, 'formats'))
  ;({ engine, host, base } = running)
  port = Number(new URL(host.url).port)
})

afterAll(() => running.close())

/** A raw request, so Host and the body can be anything. */
function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((ok, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'POST',
        headers: { authorization: `Bearer ${host.token}`, ...options.headers },
      },
      (res) => {
        let body = ''
        res.on('data', (c: Buffer) => (body += c.toString()))
        res.on('end', () => ok({ status: res.statusCode ?? 0, body, headers: res.headers }))
      },
    )
    req.on('error', fail)
    req.end(options.body)
  })
}

const json = { 'content-type': 'application/json' }
const errorOf = (body: string): string => (JSON.parse(body) as { error: string }).error

describe('the host answers only to its own names', () => {
  it('refuses a Host it is not (DNS rebinding) and accepts 127.0.0.1 and localhost', async () => {
    const evil = await raw('/api/getStatus', {
      headers: { ...json, host: `evil.example:${port}` },
      body: '{}',
    })
    expect(evil.status).toBe(421)
    for (const name of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      expect(
        (await raw('/api/getStatus', { headers: { ...json, host: name }, body: '{}' })).status,
      ).toBe(200)
    }
    expect(
      (await raw('/api/getStatus', { headers: { ...json, host: `localhost:1` }, body: '{}' }))
        .status,
    ).toBe(421)
  })

  it('forbids framing the app', async () => {
    const page = await raw('/', { method: 'GET' })
    expect(page.headers['content-security-policy']).toBe("frame-ancestors 'none'")
    expect(page.headers['x-frame-options']).toBe('DENY')
  })
})

describe('calls come from the host itself', () => {
  it('needs a JSON content type (a page elsewhere can only send text/plain or forms unasked)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      const answer = await raw('/api/setMark', {
        headers: { 'content-type': type },
        body: JSON.stringify({ trackId: 1, mark: 'not_for_me' }),
      })
      expect(answer.status, type).toBe(415)
    }
    expect(engine.events.currentLabels().size).toBe(0)
  })

  it('refuses another origin and another site, even on 127.0.0.1', async () => {
    const other = await raw('/api/getStatus', {
      headers: { ...json, origin: 'http://127.0.0.1:47999' },
      body: '{}',
    })
    expect(other.status).toBe(403)
    const sameSite = await raw('/api/getStatus', {
      headers: { ...json, 'sec-fetch-site': 'same-site' },
      body: '{}',
    })
    expect(sameSite.status).toBe(403)
    const own = await raw('/api/getStatus', {
      headers: { ...json, origin: base, 'sec-fetch-site': 'same-origin' },
      body: '{}',
    })
    expect(own.status).toBe(200)
  })

  it('answers 413 in words for a body over the limit, not a reset connection', async () => {
    const big = await raw('/api/listTracks', {
      headers: json,
      body: JSON.stringify({ search: 'x'.repeat(2 * 1024 * 1024) }),
    })
    expect(big.status).toBe(413)
    expect(errorOf(big.body)).toMatch(/too large/)
  })

  it('refuses 5,000-deep nesting before parsing, with 400', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000)
    expect(jsonDepth(deep)).toBeGreaterThan(32)
    expect(jsonDepth('{"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')).toBe(1)
    const answer = await raw('/api/listTracks', { headers: json, body: `{"search":${deep}}` })
    expect(answer.status).toBe(400)
    expect(errorOf(answer.body)).toMatch(/nested too deeply/)
  })
})

describe('errors say what went wrong in words, with the right status', () => {
  it('answers 404 for a song that is not there, never the raw SQLite message', async () => {
    const answer = await raw('/api/setMark', {
      headers: json,
      body: JSON.stringify({ trackId: 987654, mark: 'like' }),
    })
    expect(answer.status).toBe(404)
    expect(answer.body).not.toMatch(/FOREIGN KEY|constraint|SQLITE/i)
  })

  it('answers 404 when removing a folder that is not a library folder, 400 for a refused one', async () => {
    const remove = await raw('/api/removeRoot', { headers: json, body: '{"path":"/not-a-root"}' })
    expect(remove.status).toBe(404)
    expect(errorOf(remove.body)).toMatch(/not one of the library's folders/)
    const add = await raw('/api/addRoot', { headers: json, body: '{"path":"/etc"}' })
    expect(add.status).toBe(400)
    expect(errorOf(add.body)).toMatch(/system folder/)
  })

  it('answers 400 in words when a label file is a folder, never EISDIR', async () => {
    const answer = await raw('/api/importLabels', {
      headers: json,
      body: JSON.stringify({ path: join(FIXTURES, 'formats') + '/x.m3u', as: 'like' }),
    })
    expect(answer.status).toBe(404)
    expect(answer.body).not.toMatch(/EISDIR|ENOENT/)
  })
})
