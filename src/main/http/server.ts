// The browser host: the same engine in Node, served over HTTP on loopback. Calls are derived from
// the contract (POST /api/<call>), events stream as server-sent events, audio goes through the
// engine's media route. Every request needs the per-run token (query, header or cookie), a Host
// header naming this host, and no other site behind it: other pages on 127.0.0.1 are other sites
// (SameSite cookies do not separate ports), so calls need a JSON body and this host's own Origin.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeWebStream } from 'node:stream/web'
import { isCallName, parseArgs, type EngineEvent, type Handlers } from '../../shared/contract'
import type { ErrorBody, ErrorCode } from '../../shared/errors'
import { ENGINE_FAILED, errorBody } from '../../shared/errors'
import { createAppFilesHandler, isMediaPath } from '../media/app-files'

export interface HostEngine {
  handlers: Handlers
  media(request: Request): Promise<Response>
  subscribe(listener: (event: EngineEvent) => void): () => void
}

export interface HostOptions {
  engine: HostEngine
  /** Folder with the built renderer (index.html and assets). */
  staticDir: string
  host?: string
  port?: number
  token?: string
  log?: (line: string) => void
}

export interface RunningHost {
  server: Server
  url: string
  token: string
  close(): Promise<void>
}

const MAX_BODY = 1 << 20
/** A larger body is read and dropped up to this much (so the client sees the 413), then cut off. */
const MAX_DRAIN = 64 << 20
/** Deeper JSON is refused before parsing or validation (5,000 levels overflowed the stack). */
export const MAX_JSON_DEPTH = 32

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host)
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const host = options.host ?? '127.0.0.1'
  const log = options.log ?? (() => undefined)
  const appFiles = createAppFilesHandler(options.staticDir)
  const sseClients = new Set<ServerResponse>()
  /** Bound to every address: any IP literal may name it (never a DNS name: rebinding). */
  const anyAddress = host === '0.0.0.0' || host === '::'
  const unsubscribe = options.engine.subscribe((event) => {
    const data = `data: ${JSON.stringify(event)}\n\n`
    for (const client of sseClients) client.write(data)
  })

  // Set once listening: the cookie name and the Host values depend on the port.
  let port = 0
  let cookieName = 'attune_token'
  let allowedHosts = new Set<string>()

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request failed: ${(error as Error).stack ?? String(error)}`)
      if (!res.headersSent) sendJson(res, 500, { error: ENGINE_FAILED, code: 'internal' })
      else res.destroy()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    // No page may frame the app (clickjacking); a CSP header because frame-ancestors cannot be
    // set from a <meta> tag.
    res.setHeader('Content-Security-Policy', "frame-ancestors 'none'")
    res.setHeader('X-Frame-Options', 'DENY')
    res.setHeader('Referrer-Policy', 'no-referrer')
    // DNS rebinding: a page on evil.example whose name resolves to 127.0.0.1 sends Host: evil.example.
    const hostHeader = (req.headers.host ?? '').toLowerCase()
    if (!allowedHosts.has(hostHeader) && !(anyAddress && isIpLiteralHost(hostHeader, port))) {
      sendJson(res, 421, { error: 'This Attune host answers only to its own address.' })
      return
    }
    const url = new URL(req.url ?? '/', 'http://host.invalid')
    const fromQuery = url.searchParams.get('token')
    const fromHeader = bearer(req)
    const fromCookie = cookie(req, cookieName)
    const presented = fromQuery ?? fromHeader ?? fromCookie
    if (!presented || !sameToken(presented, token)) {
      sendJson(res, 401, {
        error: 'This Attune host needs the link with its access token (printed when it started).',
      })
      return
    }
    const path = url.pathname
    const site = header(req, 'sec-fetch-site')
    const origin = header(req, 'origin')
    const ownOrigin = `http://${hostHeader}`
    const opening = req.method === 'GET' && header(req, 'sec-fetch-mode') === 'navigate'
    // A request another site made: Sec-Fetch-Site says so in every current browser, Origin in
    // older ones. Only opening the app's link (a top-level navigation) may come from elsewhere.
    const crossSite =
      (site !== null && site !== 'same-origin' && site !== 'none') ||
      (origin !== null && origin !== ownOrigin)
    if (crossSite && !(opening && !path.startsWith('/api/'))) {
      sendJson(res, 403, { error: 'Attune answers only its own pages.' })
      return
    }
    // A valid token in the address becomes a cookie named for this port (two hosts on one machine
    // keep theirs), and the address loses the token so it stays out of history and screenshots.
    if (fromQuery !== null && req.method === 'GET' && !path.startsWith('/api/')) {
      res.setHeader('Set-Cookie', `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`)
      if (!path.startsWith('/media/') && !path.startsWith('/covers/')) {
        url.searchParams.delete('token')
        const rest = url.searchParams.toString()
        res.writeHead(303, {
          Location: path + (rest ? `?${rest}` : ''),
          'Cache-Control': 'no-store',
        })
        res.end()
        return
      }
    }
    if (path === '/api/events') return events(req, res)
    if (path.startsWith('/api/')) {
      // Calls change state: a browser page elsewhere can send text/plain or a form without asking
      // (no CORS preflight), never application/json; and a cookie alone is a browser's, so the
      // request must say where it comes from.
      if (fromQuery === null && fromHeader === null && site === null && origin === null) {
        sendJson(res, 403, { error: 'Attune answers only its own pages.' })
        return
      }
      return api(path.slice(5), req, res)
    }
    const handler = isMediaPath(path)
      ? (request: Request) => options.engine.media(request)
      : appFiles
    return answerWith(handler, req, res, url)
  }

  async function api(name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isCallName(name)) return sendJson(res, 404, { error: `There is no call '${name}'.` })
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'Calls are POST requests.' })
    const type = (header(req, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase()
    if (type !== 'application/json') {
      req.resume()
      return sendJson(res, 415, {
        error: 'Calls take a JSON body (Content-Type: application/json).',
      })
    }
    const body = await readBody(req)
    if (body === null) {
      return sendJson(res, 413, {
        error: `The request is too large (at most ${MAX_BODY / 1024 / 1024} MB).`,
      })
    }
    if (jsonDepth(body) > MAX_JSON_DEPTH) {
      return sendJson(res, 400, { error: 'The request is nested too deeply.' })
    }
    let raw: unknown
    try {
      raw = body.length ? JSON.parse(body) : {}
    } catch {
      return sendJson(res, 400, { error: 'The request body is not JSON.' })
    }
    try {
      const handler = options.engine.handlers[name] as (args: unknown) => unknown
      const result = await handler(parseArgs(name, raw))
      sendJson(res, 200, { result: result ?? null })
    } catch (error) {
      const answer = errorAnswer(error)
      if (answer.status >= 500) log(`${name} failed: ${(error as Error).stack ?? String(error)}`)
      sendJson(res, answer.status, { error: answer.message, code: answer.code })
    }
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    })
    res.write(': connected\n\n')
    sseClients.add(res)
    req.on('close', () => sseClients.delete(res))
  }

  /** Hands a request to one of the engine's web handlers (media route, app files) and streams back. */
  async function answerWith(
    handler: (request: Request) => Promise<Response>,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> {
    const headers = new Headers()
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(key, value)
    }
    const request = new Request(url, { method: req.method ?? 'GET', headers })
    const response = await handler(request)
    res.statusCode = response.status
    response.headers.forEach((value, key) => res.setHeader(key, value))
    if (!response.body || req.method === 'HEAD') return void res.end()
    const body = Readable.fromWeb(response.body as NodeWebStream<Uint8Array>)
    res.on('close', () => body.destroy())
    body.pipe(res)
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(options.port ?? 0, host, () => ok())
  })
  const address = server.address()
  port = typeof address === 'object' && address ? address.port : (options.port ?? 0)
  const shownHost = host.includes(':') ? `[${host}]` : host
  cookieName = `attune_token_${port}`
  allowedHosts = new Set(
    [shownHost, 'localhost', ...(isLoopback(host) ? ['127.0.0.1', '[::1]'] : [])].map(
      (name) => `${name.toLowerCase()}:${port}`,
    ),
  )
  const url = `http://${shownHost}:${port}/?token=${token}`
  if (!isLoopback(host)) {
    log(
      `WARNING: Attune is listening on ${host}, beyond this computer. Anyone on your network who gets ` +
        'the link can play your music and change your marks.',
    )
  }
  return {
    server,
    url,
    token,
    close: async () => {
      unsubscribe()
      for (const client of sseClients) client.end()
      server.closeAllConnections()
      await new Promise<void>((ok) => server.close(() => ok()))
    },
  }
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization
  return header?.startsWith('Bearer ') ? header.slice(7) : null
}

function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return value.join('=')
  }
  return null
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  })
  res.end(text)
}

/**
 * The body as text, or null when it is larger than MAX_BODY: then the rest is read and dropped (up
 * to MAX_DRAIN) so the client gets a 413 answer rather than a reset connection.
 */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((ok, fail) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = declared > MAX_BODY
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) tooLarge = true
      if (size > MAX_DRAIN) {
        ok(null)
        req.destroy()
      } else if (!tooLarge) chunks.push(chunk)
    })
    req.on('end', () => ok(tooLarge ? null : Buffer.concat(chunks).toString('utf8')))
    req.on('error', fail)
  })
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name]
  return typeof value === 'string' ? value : null
}

/** `host:port` where host is an IPv4 or bracketed IPv6 literal and port is ours. */
function isIpLiteralHost(hostHeader: string, port: number): boolean {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\]):(\d+)$/.exec(hostHeader)
  return match !== null && Number(match[2]) === port
}

/**
 * How deep `text` nests arrays and objects, outside strings; stops counting past MAX_JSON_DEPTH.
 * Checked before JSON.parse and validation, which recurse once per level.
 */
export function jsonDepth(text: string): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92)
        i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 91 || c === 123) {
      depth++
      if (depth > deepest) {
        deepest = depth
        if (deepest > MAX_JSON_DEPTH) return deepest
      }
    } else if (c === 93 || c === 125) depth--
  }
  return deepest
}

/** The HTTP status of each error code. */
const STATUS: Record<ErrorCode, number> = {
  'not-analysed': 409,
  'no-vectors': 409,
  'file-missing': 404,
  unreadable: 400,
  busy: 503,
  'read-only': 409,
  'bad-input': 400,
  'not-found': 404,
  conflict: 409,
  internal: 500,
}

/**
 * The status, code and words for a failed call (see errorBody): the listener's mistakes keep their
 * message; anything else is a 500 with a plain message (and the details in the host's log).
 */
export function errorAnswer(error: unknown): ErrorBody & { status: number } {
  const body = errorBody(error)
  return { status: STATUS[body.code], ...body }
}
