import { mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMediaHandler, type MediaHandler } from '../../../src/main/media'
import { FIXTURES, insertRoot, insertTrack, tempLibrary, type TempLibrary } from './library-rows'

const FORMATS_DIR = join(FIXTURES, 'formats')
const FORMAT_FILES = readdirSync(FORMATS_DIR).sort()

const EXPECTED_TYPES: Record<string, string> = {
  'aac-faststart.m4a': 'audio/mp4',
  'aac.m4a': 'audio/mp4',
  'alac.m4a': 'audio/mp4',
  'cbr320-cover.mp3': 'audio/mpeg',
  'cd.flac': 'audio/flac',
  'f32.wav': 'audio/wav',
  'hires-24-96k.flac': 'audio/flac',
  'mono-22k.mp3': 'audio/mpeg',
  'mono-8k.wav': 'audio/wav',
  'opus-in-ogg.ogg': 'audio/ogg; codecs=opus',
  'opus.opus': 'audio/ogg; codecs=opus',
  's16.aiff': 'audio/aiff',
  's16.wav': 'audio/wav',
  's24.wav': 'audio/wav',
  'vbr.mp3': 'audio/mpeg',
  'vorbis.ogg': 'audio/ogg',
}

function request(
  url: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Request {
  return new Request(url, { method: init.method ?? 'GET', headers: init.headers ?? {} })
}

async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer())
}

describe('media route: serving tracks', () => {
  let library: TempLibrary
  let handle: MediaHandler
  const idOf = new Map<string, number>()
  let missingId = 0
  let unscannedId = 0
  let goneId = 0
  let unicodeId = 0

  beforeAll(() => {
    library = tempLibrary()
    const rootId = insertRoot(library.db, FIXTURES)
    for (const file of FORMAT_FILES)
      idOf.set(file, insertTrack(library.db, { path: join(FORMATS_DIR, file), rootId }))
    missingId = insertTrack(library.db, {
      path: join(FIXTURES, 'music/nexuiz/moved-away.mp3'),
      missingSince: 1,
    })
    unscannedId = insertTrack(library.db, {
      path: join(FORMATS_DIR, 'vbr.mp3.placeholder'),
      scanned: false,
    })
    goneId = insertTrack(library.db, { path: join(FORMATS_DIR, 'deleted-since-scan.mp3'), rootId })
    unicodeId = insertTrack(library.db, {
      path: join(FIXTURES, 'broken', 'Ünïcødé — 曲 (live) ♫.mp3'),
      rootId,
    })
    handle = createMediaHandler({ db: library.db })
  })
  afterAll(() => library.cleanUp())

  const url = (file: string): string => `http://127.0.0.1:4000/media/${idOf.get(file)}`

  it('has a fixture in every format', () => {
    expect(FORMAT_FILES).toEqual(Object.keys(EXPECTED_TYPES).sort())
  })

  it.each(FORMAT_FILES)(
    'serves all of %s with 200, its length, its type and its exact bytes',
    async (file) => {
      const onDisk = readFileSync(join(FORMATS_DIR, file))
      const response = await handle(request(url(file)))
      expect(response.status).toBe(200)
      expect(response.headers.get('Accept-Ranges')).toBe('bytes')
      expect(response.headers.get('Content-Length')).toBe(String(onDisk.length))
      expect(response.headers.get('Content-Type')).toBe(EXPECTED_TYPES[file])
      expect(response.headers.get('Content-Range')).toBeNull()
      expect((await bytesOf(response)).equals(onDisk)).toBe(true)
    },
  )

  it.each(FORMAT_FILES)(
    'serves a closed range of %s as 206 with the bytes at those offsets',
    async (file) => {
      const onDisk = readFileSync(join(FORMATS_DIR, file))
      const start = 1000
      const end = Math.min(onDisk.length - 1, 70_000)
      const response = await handle(
        request(url(file), { headers: { Range: `bytes=${start}-${end}` } }),
      )
      expect(response.status).toBe(206)
      expect(response.headers.get('Content-Range')).toBe(`bytes ${start}-${end}/${onDisk.length}`)
      expect(response.headers.get('Content-Length')).toBe(String(end - start + 1))
      expect(response.headers.get('Content-Type')).toBe(EXPECTED_TYPES[file])
      expect((await bytesOf(response)).equals(onDisk.subarray(start, end + 1))).toBe(true)
    },
  )

  it('serves an open-ended range from its start to the end of the file', async () => {
    const onDisk = readFileSync(join(FORMATS_DIR, 'cd.flac'))
    const start = 123_457
    const response = await handle(
      request(url('cd.flac'), { headers: { Range: `bytes=${start}-` } }),
    )
    expect(response.status).toBe(206)
    expect(response.headers.get('Content-Range')).toBe(
      `bytes ${start}-${onDisk.length - 1}/${onDisk.length}`,
    )
    expect(response.headers.get('Content-Length')).toBe(String(onDisk.length - start))
    expect((await bytesOf(response)).equals(onDisk.subarray(start))).toBe(true)
  })

  it('serves a suffix range as the last n bytes', async () => {
    const onDisk = readFileSync(join(FORMATS_DIR, 'vorbis.ogg'))
    const response = await handle(request(url('vorbis.ogg'), { headers: { Range: 'bytes=-500' } }))
    expect(response.status).toBe(206)
    expect(response.headers.get('Content-Range')).toBe(
      `bytes ${onDisk.length - 500}-${onDisk.length - 1}/${onDisk.length}`,
    )
    expect(response.headers.get('Content-Length')).toBe('500')
    expect((await bytesOf(response)).equals(onDisk.subarray(onDisk.length - 500))).toBe(true)
  })

  it('serves the whole file for a suffix longer than the file', async () => {
    const onDisk = readFileSync(join(FORMATS_DIR, 'mono-22k.mp3'))
    const response = await handle(
      request(url('mono-22k.mp3'), { headers: { Range: `bytes=-${onDisk.length * 3}` } }),
    )
    expect(response.status).toBe(206)
    expect(response.headers.get('Content-Range')).toBe(
      `bytes 0-${onDisk.length - 1}/${onDisk.length}`,
    )
    expect((await bytesOf(response)).equals(onDisk)).toBe(true)
  })

  it('clamps a range whose end lies past the end of the file', async () => {
    const onDisk = readFileSync(join(FORMATS_DIR, 'opus.opus'))
    const start = onDisk.length - 10
    const response = await handle(
      request(url('opus.opus'), { headers: { Range: `bytes=${start}-99999999` } }),
    )
    expect(response.status).toBe(206)
    expect(response.headers.get('Content-Range')).toBe(
      `bytes ${start}-${onDisk.length - 1}/${onDisk.length}`,
    )
    expect(response.headers.get('Content-Length')).toBe('10')
    expect((await bytesOf(response)).equals(onDisk.subarray(start))).toBe(true)
  })

  it('serves a one-byte range at the very end', async () => {
    const onDisk = readFileSync(join(FORMATS_DIR, 's16.aiff'))
    const last = onDisk.length - 1
    const response = await handle(
      request(url('s16.aiff'), { headers: { Range: `bytes=${last}-${last}` } }),
    )
    expect(response.status).toBe(206)
    expect(response.headers.get('Content-Length')).toBe('1')
    expect((await bytesOf(response)).equals(onDisk.subarray(last))).toBe(true)
  })

  it.each(['bytes=SIZE-', 'bytes=SIZE-SIZE', 'bytes=99999999-', 'bytes=-0'])(
    'answers %s with 416 and the size in Content-Range',
    async (template) => {
      const size = statSync(join(FORMATS_DIR, 'vbr.mp3')).size
      const response = await handle(
        request(url('vbr.mp3'), { headers: { Range: template.replaceAll('SIZE', String(size)) } }),
      )
      expect(response.status).toBe(416)
      expect(response.headers.get('Content-Range')).toBe(`bytes */${size}`)
      await response.arrayBuffer()
    },
  )

  it('answers several ranges with the whole file (allowed by RFC 9110 §14.2)', async () => {
    const onDisk = readFileSync(join(FORMATS_DIR, 'vbr.mp3'))
    const response = await handle(
      request(url('vbr.mp3'), { headers: { Range: 'bytes=0-9, 100-199' } }),
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Length')).toBe(String(onDisk.length))
    expect((await bytesOf(response)).equals(onDisk)).toBe(true)
  })

  it.each(['bytes=abc', 'bytes=10-5', 'items=0-9', 'bytes 0-9', 'bytes=0x10-'])(
    'ignores a Range header it cannot parse (%s) and serves the whole file',
    async (range) => {
      const size = statSync(join(FORMATS_DIR, 'vbr.mp3')).size
      const response = await handle(request(url('vbr.mp3'), { headers: { Range: range } }))
      expect(response.status).toBe(200)
      expect(response.headers.get('Content-Length')).toBe(String(size))
      await response.arrayBuffer()
    },
  )

  it('answers HEAD with the headers of a GET and no body', async () => {
    const size = statSync(join(FORMATS_DIR, 'cd.flac')).size
    const whole = await handle(request(url('cd.flac'), { method: 'HEAD' }))
    expect(whole.status).toBe(200)
    expect(whole.headers.get('Content-Length')).toBe(String(size))
    expect(whole.headers.get('Accept-Ranges')).toBe('bytes')
    expect(whole.headers.get('Content-Type')).toBe('audio/flac')
    expect(whole.body).toBeNull()

    const part = await handle(
      request(url('cd.flac'), { method: 'HEAD', headers: { Range: 'bytes=10-19' } }),
    )
    expect(part.status).toBe(206)
    expect(part.headers.get('Content-Range')).toBe(`bytes 10-19/${size}`)
    expect(part.headers.get('Content-Length')).toBe('10')
    expect(part.body).toBeNull()
  })

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])(
    'refuses %s with 405 and says what is allowed',
    async (method) => {
      const response = await handle(request(url('vbr.mp3'), { method }))
      expect(response.status).toBe(405)
      expect(response.headers.get('Allow')).toBe('GET, HEAD')
    },
  )

  it.each(['abc', '0', '-1', '1.5', '1e3', '0x10', '99999999999999999999', '%ZZ', ''])(
    'answers a malformed track id (%s) with 400',
    async (id) => {
      const response = await handle(request(`http://127.0.0.1:4000/media/${id}`))
      expect(response.status).toBe(400)
      expect(await response.text()).toMatch(/not a valid track id/)
    },
  )

  it('answers an unknown track id with 404', async () => {
    const response = await handle(request('http://127.0.0.1:4000/media/424242'))
    expect(response.status).toBe(404)
    expect(await response.text()).toMatch(/no such track/)
  })

  it.each([
    '/media/..%2F..%2Fetc%2Fpasswd',
    '/media/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd',
    '/media/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/media/1%2F..%2F..%2Fetc%2Fpasswd',
    '/media/%2Fetc%2Fpasswd',
    '/covers/..%2F..%2Fetc%2Fpasswd',
  ])('refuses percent-encoded traversal %s', async (path) => {
    const response = await handle(request(`http://127.0.0.1:4000${path}`))
    expect(response.status).toBe(400)
    expect(await response.text()).not.toMatch(/root:/)
  })

  it('refuses a plain ../ traversal, which URL parsing turns into an unknown address', async () => {
    const response = await handle(request('http://127.0.0.1:4000/media/../../etc/passwd'))
    expect(response.status).toBe(404)
    expect(await response.text()).not.toMatch(/root:/)
  })

  it('answers addresses that are not media or covers with 404', async () => {
    const response = await handle(request(`http://127.0.0.1:4000/tracks/${idOf.get('vbr.mp3')}`))
    expect(response.status).toBe(404)
  })

  it('works behind any prefix and on a custom scheme', async () => {
    const size = statSync(join(FORMATS_DIR, 'vbr.mp3')).size
    const id = idOf.get('vbr.mp3')
    for (const address of [
      `http://127.0.0.1:4000/api/v1/media/${id}?token=abc`,
      `attune-media://media/${id}`,
    ]) {
      const response = await handle(request(address))
      expect(response.status).toBe(200)
      expect(response.headers.get('Content-Length')).toBe(String(size))
      await response.arrayBuffer()
    }
  })

  it('refuses a track marked missing with 404 and a plain-words reason', async () => {
    const response = await handle(request(`http://127.0.0.1:4000/media/${missingId}`))
    expect(response.status).toBe(404)
    expect(await response.text()).toMatch(/file is missing/)
  })

  it('refuses a track whose file is gone since the scan with 404 and a plain-words reason', async () => {
    const response = await handle(request(`http://127.0.0.1:4000/media/${goneId}`))
    expect(response.status).toBe(404)
    expect(await response.text()).toMatch(/file is missing/)
  })

  it('refuses a track that was never scanned (a placeholder from an imported log)', async () => {
    const response = await handle(request(`http://127.0.0.1:4000/media/${unscannedId}`))
    expect(response.status).toBe(404)
    expect(await response.text()).toMatch(/not been scanned/)
  })

  it('serves a file with a Unicode name', async () => {
    const onDisk = readFileSync(join(FIXTURES, 'broken', 'Ünïcødé — 曲 (live) ♫.mp3'))
    const response = await handle(request(`http://127.0.0.1:4000/media/${unicodeId}`))
    expect(response.status).toBe(200)
    expect((await bytesOf(response)).equals(onDisk)).toBe(true)
  })

  it('honours If-Range: a range asked against another version of the file gets the whole file', async () => {
    const first = await handle(request(url('vbr.mp3'), { method: 'HEAD' }))
    const etag = first.headers.get('ETag') ?? ''
    expect(etag).toMatch(/^".+"$/)
    const same = await handle(
      request(url('vbr.mp3'), { headers: { Range: 'bytes=0-9', 'If-Range': etag } }),
    )
    expect(same.status).toBe(206)
    await same.arrayBuffer()
    const other = await handle(
      request(url('vbr.mp3'), { headers: { Range: 'bytes=0-9', 'If-Range': '"stale"' } }),
    )
    expect(other.status).toBe(200)
    await other.arrayBuffer()
  })

  it('answers 304 when the listener already has this version', async () => {
    const first = await handle(request(url('vbr.mp3'), { method: 'HEAD' }))
    const response = await handle(
      request(url('vbr.mp3'), { headers: { 'If-None-Match': first.headers.get('ETag') ?? '' } }),
    )
    expect(response.status).toBe(304)
    expect(response.body).toBeNull()
  })

  it.runIf(process.platform === 'linux')(
    'closes the file after HEAD, 416, a finished read and a read stopped mid-stream',
    async () => {
      const openFiles = (): number => readdirSync('/proc/self/fd').length
      const before = openFiles()
      const response = await handle(request(url('f32.wav')))
      const reader = response.body?.getReader()
      await reader?.read()
      await reader?.cancel()
      for (const init of [
        { method: 'HEAD' },
        { headers: { Range: 'bytes=99999999-' } },
        { headers: { Range: 'bytes=0-0' } },
      ]) {
        const other = await handle(request(url('f32.wav'), init))
        await other.arrayBuffer()
      }
      for (let waited = 0; waited < 2000 && openFiles() > before; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(openFiles()).toBeLessThanOrEqual(before)
    },
  )
})

describe('media route: only files inside the library roots', () => {
  let library: TempLibrary
  let handle: MediaHandler
  let root = ''
  const ids: Record<string, number> = {}

  beforeAll(() => {
    library = tempLibrary()
    root = join(library.dir, 'Music')
    mkdirSync(join(root, 'album'), { recursive: true })
    // A real audio file inside the root (copied into the temp dir, never into the repository).
    writeFileSync(join(root, 'album', 'inside.mp3'), readFileSync(join(FORMATS_DIR, 'vbr.mp3')))
    writeFileSync(join(library.dir, 'outside.mp3'), readFileSync(join(FORMATS_DIR, 'vbr.mp3')))
    symlinkSync(join(FORMATS_DIR, 'cd.flac'), join(root, 'escape.flac'))
    symlinkSync(FORMATS_DIR, join(root, 'escape-folder'))
    symlinkSync(join(root, 'album', 'inside.mp3'), join(root, 'alias.mp3'))
    const rootId = insertRoot(library.db, root)
    ids.inside = insertTrack(library.db, { path: join(root, 'album', 'inside.mp3'), rootId })
    ids.symlinkOut = insertTrack(library.db, { path: join(root, 'escape.flac'), rootId })
    ids.folderSymlinkOut = insertTrack(library.db, {
      path: join(root, 'escape-folder', 'vorbis.ogg'),
      rootId,
    })
    ids.symlinkIn = insertTrack(library.db, { path: join(root, 'alias.mp3'), rootId })
    ids.dotDot = insertTrack(library.db, { path: `${root}/album/../../outside.mp3`, rootId })
    ids.notInAnyRoot = insertTrack(library.db, { path: join(FORMATS_DIR, 'vbr.mp3'), rootId: null })
    handle = createMediaHandler({ db: library.db })
  })
  afterAll(() => library.cleanUp())

  const get = (id: number | undefined): Promise<Response> =>
    handle(request(`http://127.0.0.1:4000/media/${id}`))

  it('serves a file inside a root', async () => {
    const response = await get(ids.inside)
    expect(response.status).toBe(200)
    expect((await bytesOf(response)).equals(readFileSync(join(FORMATS_DIR, 'vbr.mp3')))).toBe(true)
  })

  it('serves a symlink inside a root that points to a file inside the root', async () => {
    const response = await get(ids.symlinkIn)
    expect(response.status).toBe(200)
    await response.arrayBuffer()
  })

  it('refuses a symlink inside a root that points outside it with 403', async () => {
    const response = await get(ids.symlinkOut)
    expect(response.status).toBe(403)
    expect(await response.text()).toMatch(/outside your library folders/)
  })

  it('refuses a file reached through a symlinked folder that leads outside the root', async () => {
    const response = await get(ids.folderSymlinkOut)
    expect(response.status).toBe(403)
    await response.arrayBuffer()
  })

  it('refuses a stored path that climbs out of the root with ..', async () => {
    const response = await get(ids.dotDot)
    expect(response.status).toBe(403)
    await response.arrayBuffer()
  })

  it('refuses a track that lies in no library root', async () => {
    const response = await get(ids.notInAnyRoot)
    expect(response.status).toBe(403)
    await response.arrayBuffer()
  })

  it('refuses every track once its root is removed from the library', async () => {
    const other = tempLibrary()
    try {
      const trackId = insertTrack(other.db, { path: join(FORMATS_DIR, 'vbr.mp3') })
      const response = await createMediaHandler({ db: other.db })(
        request(`http://127.0.0.1:4000/media/${trackId}`),
      )
      expect(response.status).toBe(403)
      await response.arrayBuffer()
    } finally {
      other.cleanUp()
    }
  })
})

describe('media route: covers', () => {
  let library: TempLibrary
  let handle: MediaHandler
  let coversDir = ''
  // A 1×1 transparent PNG.
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64',
  )
  const coverId = 'a'.repeat(40)

  beforeAll(() => {
    library = tempLibrary()
    coversDir = join(library.dir, 'library-covers')
    mkdirSync(coversDir)
    writeFileSync(join(coversDir, `${coverId}.png`), png)
    writeFileSync(join(library.dir, 'secret.png'), png)
    symlinkSync(join(library.dir, 'secret.png'), join(coversDir, 'linked.png'))
    const insert = library.db.prepare(
      'INSERT INTO covers (id, mime, file, bytes) VALUES (?, ?, ?, ?)',
    )
    insert.run(coverId, 'image/png', `${coverId}.png`, png.length)
    insert.run('b'.repeat(40), 'image/png', '../secret.png', png.length)
    insert.run('c'.repeat(40), 'image/png', 'linked.png', png.length)
    insert.run('d'.repeat(40), 'image/jpeg', 'deleted.jpg', 10)
    handle = createMediaHandler({ db: library.db, coversDir })
  })
  afterAll(() => library.cleanUp())

  const get = (id: string, headers: Record<string, string> = {}): Promise<Response> =>
    handle(request(`http://127.0.0.1:4000/covers/${id}`, { headers }))

  it('serves a cover image with its type and bytes, cacheable forever', async () => {
    const response = await get(coverId)
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('image/png')
    expect(response.headers.get('Content-Length')).toBe(String(png.length))
    expect(response.headers.get('Cache-Control')).toMatch(/immutable/)
    expect((await bytesOf(response)).equals(png)).toBe(true)
  })

  it('serves a range of a cover', async () => {
    const response = await get(coverId, { Range: 'bytes=0-7' })
    expect(response.status).toBe(206)
    expect((await bytesOf(response)).equals(png.subarray(0, 8))).toBe(true)
  })

  it('answers an unknown cover with 404 and a malformed one with 400', async () => {
    expect((await get('e'.repeat(40))).status).toBe(404)
    expect((await get('not.a.cover')).status).toBe(400)
  })

  it('refuses a cover row whose file climbs out of the covers folder', async () => {
    expect((await get('b'.repeat(40))).status).toBe(403)
  })

  it('refuses a cover that is a symlink to a file outside the covers folder', async () => {
    expect((await get('c'.repeat(40))).status).toBe(403)
  })

  it('answers 404 when the cover image file is gone', async () => {
    expect((await get('d'.repeat(40))).status).toBe(404)
  })

  it('answers 404 for covers when no covers folder was given', async () => {
    const withoutCovers = createMediaHandler({ db: library.db })
    expect((await withoutCovers(request(`http://127.0.0.1:4000/covers/${coverId}`))).status).toBe(
      404,
    )
  })
})
