// Local stand-ins for ListenBrainz and Last.fm that check every request against the services'
// documented APIs (paths, methods, auth, body schema, signatures) and answer as they do, with
// scripted failures (429, 5xx, service errors) to test retries. Started by the tests on loopback.
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { z } from 'zod'

export interface Scripted {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

interface Running {
  url: string
  port: number
  /** Requests that broke the documented API (each a sentence); a test expects none. */
  violations: string[]
  /** Every request seen, in order: method and path (and the listen type or Last.fm method). */
  requests: string[]
  close(): Promise<void>
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(port, '127.0.0.1', () => ok())
  })
  return (server.address() as AddressInfo).port
}

// https://listenbrainz.readthedocs.io/en/latest/users/json.html
const trackMetadata = z
  .object({
    artist_name: z.string().min(1),
    track_name: z.string().min(1),
    release_name: z.string().min(1).optional(),
    additional_info: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
const listenBrainzBody = z.discriminatedUnion('listen_type', [
  z
    .object({
      listen_type: z.literal('single'),
      payload: z
        .array(
          z
            .object({ listened_at: z.number().int().positive(), track_metadata: trackMetadata })
            .strict(),
        )
        .length(1),
    })
    .strict(),
  z
    .object({
      listen_type: z.literal('import'),
      payload: z
        .array(
          z
            .object({ listened_at: z.number().int().positive(), track_metadata: trackMetadata })
            .strict(),
        )
        .min(1)
        .max(1000),
    })
    .strict(),
  z
    .object({
      listen_type: z.literal('playing_now'),
      payload: z.array(z.object({ track_metadata: trackMetadata }).strict()).length(1),
    })
    .strict(),
])

export interface ListenBrainzListen {
  listened_at: number
  track_metadata: z.infer<typeof trackMetadata>
}

export interface FakeListenBrainz extends Running {
  token: string
  user: string
  listens: ListenBrainzListen[]
  playingNow: string[]
  /** Answers for the next submit-listens calls, before the normal 200. */
  script: Scripted[]
}

export async function startListenBrainz(port = 0): Promise<FakeListenBrainz> {
  const fake: FakeListenBrainz = {
    url: '',
    port: 0,
    token: 'lb-token-1234',
    user: 'rob',
    listens: [],
    playingNow: [],
    violations: [],
    requests: [],
    script: [],
    close: () => Promise.resolve(),
  }
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x')
      const body = await readBody(req)
      const auth = req.headers['authorization']
      const authorised = auth === `Token ${fake.token}`
      if (url.pathname === '/1/validate-token') {
        fake.requests.push(`${req.method} ${url.pathname}`)
        if (req.method !== 'GET') fake.violations.push(`validate-token with ${req.method}`)
        if (!authorised) {
          return send(res, 200, { code: 200, message: 'Token invalid.', valid: false })
        }
        return send(res, 200, {
          code: 200,
          message: 'Token valid.',
          valid: true,
          user_name: fake.user,
        })
      }
      if (url.pathname !== '/1/submit-listens') {
        fake.violations.push(`unknown path ${url.pathname}`)
        return send(res, 404, { code: 404, error: 'Not found' })
      }
      if (req.method !== 'POST') fake.violations.push(`submit-listens with ${req.method}`)
      if (!String(req.headers['content-type']).startsWith('application/json')) {
        fake.violations.push(`submit-listens with content type ${req.headers['content-type']}`)
      }
      if (!authorised) {
        fake.requests.push(`POST /1/submit-listens (bad token)`)
        return send(res, 401, { code: 401, error: 'Invalid authorization token.' })
      }
      let parsed
      try {
        parsed = listenBrainzBody.safeParse(JSON.parse(body))
      } catch {
        fake.violations.push('submit-listens body is not JSON')
        return send(res, 400, { code: 400, error: 'Cannot parse JSON document.' })
      }
      if (!parsed.success) {
        fake.violations.push(`submit-listens body: ${parsed.error.message}`)
        return send(res, 400, { code: 400, error: 'Invalid JSON document submitted.' })
      }
      fake.requests.push(
        `POST /1/submit-listens ${parsed.data.listen_type} ×${parsed.data.payload.length}`,
      )
      const scripted = parsed.data.listen_type === 'playing_now' ? undefined : fake.script.shift()
      if (scripted) return send(res, scripted.status, scripted.body ?? {}, scripted.headers)
      if (parsed.data.listen_type === 'playing_now') {
        fake.playingNow.push(parsed.data.payload[0]!.track_metadata.track_name)
      } else {
        fake.listens.push(...parsed.data.payload)
      }
      send(res, 200, { status: 'ok' })
    })()
  })
  fake.port = await listen(server, port)
  fake.url = `http://127.0.0.1:${fake.port}`
  fake.close = () => new Promise((ok) => server.close(() => ok()))
  return fake
}

export interface LastfmScrobble {
  artist: string
  track: string
  timestamp: number
  album?: string
  duration?: string
}

export interface FakeLastfm extends Running {
  apiKey: string
  secret: string
  sessionKey: string
  user: string
  scrobbles: LastfmScrobble[]
  nowPlaying: string[]
  /** Request tokens handed out, and whether the listener allowed Attune on the auth page. */
  tokens: Map<string, boolean>
  /** Answers for the next track.scrobble calls, before the normal one. */
  script: Scripted[]
  /** Ignored-message codes for the next scrobbles, by position in the next batch. */
  ignore: Map<number, number>
}

// https://www.last.fm/api/show/track.scrobble, /api/authspec, /api/errorcodes
export async function startLastfm(port = 0): Promise<FakeLastfm> {
  const fake: FakeLastfm = {
    url: '',
    port: 0,
    apiKey: 'a'.repeat(32),
    secret: 'b'.repeat(32),
    sessionKey: 'session-key-1',
    user: 'rob-fm',
    scrobbles: [],
    nowPlaying: [],
    tokens: new Map(),
    violations: [],
    requests: [],
    script: [],
    ignore: new Map(),
    close: () => Promise.resolve(),
  }
  let tokenCount = 0
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x')
      const body = await readBody(req)
      if (url.pathname !== '/2.0/' || req.method !== 'POST') {
        fake.violations.push(`${req.method} ${url.pathname}`)
        return send(res, 404, { error: 3, message: 'Invalid Method' })
      }
      if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
        fake.violations.push(`content type ${req.headers['content-type']}`)
      }
      const params = Object.fromEntries(new URLSearchParams(body))
      const method = params['method'] ?? ''
      fake.requests.push(`POST /2.0/ ${method}`)
      if (params['format'] !== 'json') fake.violations.push(`${method} without format=json`)
      if (params['api_key'] !== fake.apiKey)
        return send(res, 403, { error: 10, message: 'Invalid API key' })
      const { api_sig: sig, format: _format, ...signed } = params
      const expected = createHash('md5')
        .update(
          Object.keys(signed)
            .sort()
            .map((k) => `${k}${signed[k]}`)
            .join('') + fake.secret,
          'utf8',
        )
        .digest('hex')
      if (sig !== expected) {
        fake.violations.push(`${method} with a bad api_sig`)
        return send(res, 403, { error: 13, message: 'Invalid method signature supplied' })
      }
      if (method === 'auth.getToken') {
        const token = `tok${++tokenCount}`
        fake.tokens.set(token, false)
        return send(res, 200, { token })
      }
      if (method === 'auth.getSession') {
        const token = params['token'] ?? ''
        if (!fake.tokens.has(token)) return send(res, 403, { error: 15, message: 'Invalid token' })
        if (!fake.tokens.get(token)) {
          return send(res, 403, {
            error: 14,
            message: 'Unauthorized Token - This token has not been authorized',
          })
        }
        return send(res, 200, { session: { name: fake.user, key: fake.sessionKey, subscriber: 0 } })
      }
      if (method !== 'track.scrobble' && method !== 'track.updateNowPlaying') {
        fake.violations.push(`unknown method ${method}`)
        return send(res, 400, {
          error: 3,
          message: 'Invalid Method - No method with that name in this package',
        })
      }
      if (params['sk'] !== fake.sessionKey) {
        return send(res, 403, { error: 9, message: 'Invalid session key - Please re-authenticate' })
      }
      if (method === 'track.updateNowPlaying') {
        if (!params['artist'] || !params['track'])
          fake.violations.push('updateNowPlaying without artist/track')
        fake.nowPlaying.push(params['track'] ?? '')
        return send(res, 200, { nowplaying: { track: { '#text': params['track'] } } })
      }
      const batch: LastfmScrobble[] = []
      for (let i = 0; `artist[${i}]` in params || `track[${i}]` in params; i++) {
        const artist = params[`artist[${i}]`]
        const track = params[`track[${i}]`]
        const timestamp = Number(params[`timestamp[${i}]`])
        if (!artist || !track || !Number.isInteger(timestamp) || timestamp <= 0) {
          fake.violations.push(`scrobble ${i} lacks artist, track or timestamp`)
        }
        batch.push({
          artist: artist ?? '',
          track: track ?? '',
          timestamp,
          ...(params[`album[${i}]`] ? { album: params[`album[${i}]`] } : {}),
          ...(params[`duration[${i}]`] ? { duration: params[`duration[${i}]`] } : {}),
        })
      }
      if (batch.length === 0 || batch.length > 50)
        fake.violations.push(`a batch of ${batch.length}`)
      const leftover = Object.keys(params).filter(
        (k) => /\[(\d+)\]$/.test(k) && Number(/\[(\d+)\]$/.exec(k)![1]) >= batch.length,
      )
      if (leftover.length)
        fake.violations.push(`indexed parameters beyond the batch: ${leftover.join(', ')}`)
      const scripted = fake.script.shift()
      if (scripted) return send(res, scripted.status, scripted.body ?? {}, scripted.headers)
      const answers = batch.map((scrobble, i) => {
        const code = fake.ignore.get(i) ?? 0
        if (code === 0) fake.scrobbles.push(scrobble)
        return {
          track: { corrected: '0', '#text': scrobble.track },
          artist: { corrected: '0', '#text': scrobble.artist },
          timestamp: String(scrobble.timestamp),
          ignoredMessage: { code: String(code), '#text': code === 3 ? 'Timestamp too old' : '' },
        }
      })
      fake.ignore.clear()
      const accepted = answers.filter((a) => a.ignoredMessage.code === '0').length
      send(res, 200, {
        scrobbles: {
          scrobble: answers.length === 1 ? answers[0] : answers,
          '@attr': { accepted, ignored: answers.length - accepted },
        },
      })
    })()
  })
  fake.port = await listen(server, port)
  fake.url = `http://127.0.0.1:${fake.port}/2.0/`
  fake.close = () => new Promise((ok) => server.close(() => ok()))
  return fake
}
