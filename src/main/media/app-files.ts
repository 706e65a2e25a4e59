import { readFile, realpath, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'

/**
 * The built renderer (index.html, scripts, styles, fonts) as web `Request` → `Response`: the
 * browser host serves it over HTTP and the Electron shell over its privileged `attune://app/`
 * scheme, so both hosts answer the same bytes, types and errors from one place (as the media
 * route does for audio and covers).
 */
export type AppFilesHandler = (request: Request) => Promise<Response>

export const APP_FILE_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
}

/** Paths the media route answers (audio and covers); everything else is an app file. */
export function isMediaPath(pathname: string): boolean {
  return /^\/(media|covers)\//.test(pathname)
}

function errorResponse(status: number, error: string): Response {
  return new Response(JSON.stringify({ error }), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  })
}

export function createAppFilesHandler(directory: string): AppFilesHandler {
  const root = resolve(directory)
  let realRoot: string | null = null

  /** The size of a regular file inside the app folder (symlinks leading out of it count as absent). */
  async function regularFileSize(file: string): Promise<number | null> {
    try {
      const info = await stat(file)
      if (!info.isFile()) return null
      realRoot ??= await realpath(root)
      return (await realpath(file)).startsWith(realRoot + sep) ? info.size : null
    } catch {
      return null
    }
  }

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405, headers: { Allow: 'GET, HEAD' } })
    }
    let decoded: string
    try {
      decoded = decodeURIComponent(new URL(request.url).pathname)
    } catch {
      return errorResponse(400, 'Bad address.')
    }
    // Refuse any parent-folder step outright, however it was encoded.
    if (decoded.split(/[/\\]/).includes('..') || decoded.includes('\0')) {
      return errorResponse(403, 'Outside the app.')
    }
    const relative = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^([/\\])+/, '')
    let file = join(root, relative)
    if (!file.startsWith(root + sep)) return errorResponse(403, 'Outside the app.')
    let size = await regularFileSize(file)
    if (size === null) {
      // Client-side routes fall back to the app; missing assets are 404.
      if (extname(relative) && relative !== 'index.html') return errorResponse(404, 'Not found.')
      file = join(root, 'index.html')
      size = await regularFileSize(file)
      if (size === null) return errorResponse(503, 'The app is not built yet: run npm run build.')
    }
    const headers = {
      'Content-Type': APP_FILE_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(size),
      'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'max-age=3600',
      'X-Content-Type-Options': 'nosniff',
    }
    // The renderer's files are small (the largest script is a few hundred kB): read whole.
    const body = request.method === 'HEAD' ? null : await readFile(file)
    return new Response(body, { status: 200, headers })
  }
}
