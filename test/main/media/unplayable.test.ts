// Never pick what cannot play (issue 10, item 4), through the engine on real files in a temp
// library: the Ogg Chromium's demuxer rejects is served decoded by the engine (`?decode=1`), a
// file of garbage never reaches a pick, and a track the player reports unplayable stays out of the
// auto-queue and Discover until its file changes.
import { copyFileSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../../../src/main/engine'
import { seededRandom } from '../../../src/shared/random'
import { FIXTURES, tempDir } from '../../helpers/temp'

const ODD = join(FIXTURES, '../corpus/odd')
const MUSIC = join(FIXTURES, 'music')

let temp: ReturnType<typeof tempDir>
let engine: Engine
let folder: string
const idOf = new Map<string, number>()

beforeAll(async () => {
  temp = tempDir()
  folder = join(temp.dir, 'music')
  mkdirSync(folder)
  for (const file of readdirSync(ODD)) copyFileSync(join(ODD, file), join(folder, `odd-${file}`))
  for (const soundtrack of ['wesnoth', 'nexuiz']) {
    for (const file of readdirSync(join(MUSIC, soundtrack)).sort().slice(0, 4))
      copyFileSync(join(MUSIC, soundtrack, file), join(folder, `${soundtrack}-${file}`))
  }
  // Random bytes under an audio name: no player, no decoder can make sound of it.
  const random = seededRandom(9)
  writeFileSync(
    join(folder, 'garbage.ogg'),
    Uint8Array.from({ length: 200_000 }, () => Math.floor(random() * 256)),
  )
  engine = new Engine({ dbPath: join(temp.dir, 'attune.db'), autoQueueSeed: 4 })
  await engine.handlers.addRoot({ path: folder })
  await engine.scan()
  await engine.analyse()
  for (const track of engine.tracks.listTracks({ limit: 100 }))
    idOf.set(track.path.slice(folder.length + 1), track.id)
}, 300_000)

afterAll(async () => {
  await engine?.close()
  temp?.cleanup()
})

const media = (trackId: number, query = ''): Promise<Response> =>
  engine.media(new Request(`http://attune.test/media/${trackId}${query}`))

describe('tracks the browser cannot play', () => {
  it('are served decoded by the engine on ?decode=1, as a WAV with Range support', async () => {
    const odd = idOf.get('odd-hr-savino-ocean.ogg')!
    expect(odd).toBeDefined()
    const original = await media(odd)
    expect(original.headers.get('Content-Type')).toBe('audio/ogg')
    await original.arrayBuffer()
    const decoded = await media(odd, '?decode=1')
    expect(decoded.status).toBe(200)
    expect(decoded.headers.get('Content-Type')).toBe('audio/wav')
    const bytes = Buffer.from(await decoded.arrayBuffer())
    expect(bytes.toString('latin1', 0, 4)).toBe('RIFF')
    expect(bytes.toString('latin1', 8, 12)).toBe('WAVE')
    expect(bytes.length).toBeGreaterThan(100_000)
    const part = await engine.media(
      new Request(`http://attune.test/media/${odd}?decode=1`, { headers: { Range: 'bytes=0-99' } }),
    )
    expect(part.status).toBe(206)
    expect((await part.arrayBuffer()).byteLength).toBe(100)
  })

  it('says in words when even the engine cannot decode a file', async () => {
    const garbage = idOf.get('garbage.ogg')
    if (garbage === undefined) return // the scanner refused it outright: nothing to serve
    const response = await media(garbage, '?decode=1')
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(await response.text()).toMatch(/could not|cannot|not .*audio/i)
  })

  it('never puts a file of garbage in the queue or Discover', async () => {
    const garbage = idOf.get('garbage.ogg')
    const picked: number[] = []
    for (let i = 0; i < 12; i++) {
      const { entry } = await engine.handlers.autoQueueNext({ exclude: picked })
      if (!entry) break
      picked.push(entry.trackId)
    }
    // Every other song comes up (the odd Ogg too: it plays decoded), the garbage never.
    const others = [...idOf].filter(([name]) => name !== 'garbage.ogg').map(([, id]) => id)
    expect(picked.sort((a, b) => a - b)).toEqual(others.sort((a, b) => a - b))
    expect(picked).not.toContain(garbage)
    const discovered = (await engine.handlers.discover({ n: 50 })).map((s) => s.track?.id)
    expect(discovered).not.toContain(garbage)
  })

  it('keeps a track the player reports unplayable out of picks until its file changes', async () => {
    const name = 'wesnoth-' + readdirSync(join(MUSIC, 'wesnoth')).sort()[0]!
    const id = idOf.get(name)!
    expect((await engine.handlers.discover({ n: 50 })).map((s) => s.track?.id)).toContain(id)

    await engine.handlers.reportUnplayable({ trackId: id, reason: 'The player gave up.' })
    expect(await engine.handlers.listUnplayable({})).toEqual([
      { trackId: id, reason: 'The player gave up.' },
    ])
    const logged = engine.events.list({ kinds: ['unplayable'] })
    expect(logged.map((e) => e.trackId)).toEqual([id])
    expect(logged[0]!.data).toMatchObject({ reason: 'The player gave up.' })
    expect((await engine.handlers.discover({ n: 50 })).map((s) => s.track?.id)).not.toContain(id)
    expect((await engine.handlers.recommend({ n: 50 })).map((s) => s.track?.id)).not.toContain(id)
    const picked: number[] = []
    for (let i = 0; i < 9; i++) {
      const { entry } = await engine.handlers.autoQueueNext({ exclude: picked })
      if (!entry) break
      picked.push(entry.trackId)
    }
    expect(picked).not.toContain(id)

    // A new file (another mtime) is another chance.
    const later = new Date(Date.now() + 60_000)
    utimesSync(join(folder, name), later, later)
    await engine.scan()
    expect(await engine.handlers.listUnplayable({})).toEqual([])
    expect((await engine.handlers.discover({ n: 50 })).map((s) => s.track?.id)).toContain(id)
  })
})
