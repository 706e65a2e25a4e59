// The browser host: the same engine in Node, served over HTTP on loopback. Calls are derived from
// the contract (POST /api/<call>), events stream as server-sent events, audio goes through the
// engine's media route. Every request needs the per-run token (query, header or cookie).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeWebStream } from 'node:stream/web'
import {
  ContractError,
  isCallName,
  parseArgs,
  type EngineEvent,
  type Handlers,
} from '../../shared/contract'

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

const COOKIE = 'attune_token'
const MAX_BODY = 1 << 20
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host)
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const host = options.host ?? '127.0.0.1'
  const log = options.log ?? (() => undefined)
  const staticDir = resolve(options.staticDir)
  const sseClients = new Set<ServerResponse>()
  const unsubscribe = options.engine.subscribe((event) => {
    const data = `data: ${JSON.stringify(event)}\n\n`
    for (const client of sseClients) client.write(data)
  })

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request failed: ${(error as Error).stack ?? String(error)}`)
      if (!res.headersSent) sendJson(res, 500, { error: 'The engine failed on this request.' })
      else res.destroy()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://host.invalid')
    const presented = url.searchParams.get('token') ?? bearer(req) ?? cookie(req, COOKIE)
    if (!presented || !sameToken(presented, token)) {
      sendJson(res, 401, {
        error: 'This Attune host needs the link with its access token (printed when it started).',
      })
      return
    }
    // A valid token in the address becomes a same-site cookie, so assets, audio and events follow.
    if (url.searchParams.has('token')) {
      res.setHeader('Set-Cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`)
    }
    res.setHeader('X-Content-Type-Options', 'nosniff')
    const path = url.pathname
    if (path === '/api/events') return events(req, res)
    if (path.startsWith('/api/')) return api(path.slice(5), req, res)
    if (path.startsWith('/media/') || path.startsWith('/covers/')) return media(req, res, url)
    return serveStatic(path, req, res)
  }

  async function api(name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isCallName(name)) return sendJson(res, 404, { error: `There is no call '${name}'.` })
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'Calls are POST requests.' })
    let raw: unknown
    try {
      const body = await readBody(req)
      raw = body.length ? JSON.parse(body) : {}
    } catch {
      return sendJson(res, 400, { error: 'The request body is not JSON.' })
    }
    try {
      const handler = options.engine.handlers[name] as (args: unknown) => unknown
      const result = await handler(parseArgs(name, raw))
      sendJson(res, 200, { result: result ?? null })
    } catch (error) {
      const status = error instanceof ContractError ? 400 : 500
      sendJson(res, status, { error: (error as Error).message })
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

  async function media(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const headers = new Headers()
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(key, value)
    }
    const request = new Request(url, { method: req.method ?? 'GET', headers })
    const response = await options.engine.media(request)
    res.statusCode = response.status
    response.headers.forEach((value, key) => res.setHeader(key, value))
    if (!response.body || req.method === 'HEAD') return void res.end()
    const body = Readable.fromWeb(response.body as NodeWebStream<Uint8Array>)
    res.on('close', () => body.destroy())
    body.pipe(res)
  }

  function serveStatic(path: string, req: IncomingMessage, res: ServerResponse): void {
    let decoded: string
    try {
      decoded = decodeURIComponent(path)
    } catch {
      return sendJson(res, 400, { error: 'Bad address.' })
    }
    // Refuse any parent-folder step outright, however it was encoded.
    if (decoded.split(/[/\\]/).includes('..') || decoded.includes('\0')) {
      return sendJson(res, 403, { error: 'Outside the app.' })
    }
    const relative = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^([/\\])+/, '')
    let file = join(staticDir, relative)
    if (!file.startsWith(staticDir + sep)) return sendJson(res, 403, { error: 'Outside the app.' })
    if (!existsSync(file) || !statSync(file).isFile()) {
      // Client-side routes fall back to the app; missing assets are 404.
      if (extname(relative)) return sendJson(res, 404, { error: 'Not found.' })
      file = join(staticDir, 'index.html')
      if (!existsSync(file)) {
        return sendJson(res, 503, { error: 'The app is not built yet: run npm run build.' })
      }
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': statSync(file).size,
      'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'max-age=3600',
    })
    if (req.method === 'HEAD') return void res.end()
    createReadStream(file).pipe(res)
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(options.port ?? 0, host, () => ok())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0)
  const shownHost = host.includes(':') ? `[${host}]` : host
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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        fail(new Error('request body too large'))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')))
    req.on('error', fail)
  })
}
