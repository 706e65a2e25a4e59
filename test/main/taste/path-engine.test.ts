// A path between two songs through the engine, on analysed fixture songs in a real SQLite file:
// it starts and ends where asked, moves along the line between them in the model's space, never
// repeats a song and keeps the picks' rules (a "never play" rule, a song turned down).
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../../src/main/engine'
import type { Track } from '../../../src/shared/domain'
import { main } from '../../../src/main/cli/main'
import { memoryIo } from '../../helpers/io'
import { openAnalysedEngine, type AnalysedEngine } from '../../helpers/analysed-engine'
import { FIXTURES } from '../../helpers/temp'

let session: AnalysedEngine
let engine: Engine
let songs: Track[]

beforeAll(async () => {
  session = await openAnalysedEngine(['wesnoth', 'nexuiz', 'singularity'])
  ;({ engine, songs } = session)
}, 300_000)

afterAll(async () => {
  await session?.close()
})

const inFolder = (folder: string) => songs.filter((s) => s.path.includes(`/${folder}/`))

describe('a path between two songs', () => {
  it('goes from A to B with the steps asked, no song twice', async () => {
    const a = inFolder('wesnoth')[0]!
    const b = inFolder('nexuiz')[0]!
    const path = await engine.handlers.path({ from: a.id, to: b.id, steps: 6 })
    expect(path).toHaveLength(8)
    expect(path[0]!.id).toBe(a.id)
    expect(path.at(-1)!.id).toBe(b.id)
    expect(new Set(path.map((t) => t.id)).size).toBe(8)
    // Each way through differs: B to A is another walk, not necessarily the reverse, but it
    // starts and ends right too.
    const back = await engine.handlers.path({ from: b.id, to: a.id, steps: 6 })
    expect([back[0]!.id, back.at(-1)!.id]).toEqual([b.id, a.id])
  })

  it('keeps the picks’ rules: no song a "never play" rule covers, none turned down', async () => {
    const a = inFolder('wesnoth')[0]!
    const b = inFolder('nexuiz')[0]!
    const singularity = join(FIXTURES, 'music', 'singularity')
    const turnedDown = inFolder('wesnoth')[1]!
    engine.events.mark(turnedDown.id, 'not_for_me', 'test')
    await engine.handlers.addExclusion({ rule: { kind: 'folder', path: singularity } })
    const path = await engine.handlers.path({ from: a.id, to: b.id, steps: 10 })
    const inner = path.slice(1, -1)
    expect(inner.length).toBe(10)
    expect(inner.some((t) => t.path.startsWith(`${singularity}/`))).toBe(false)
    expect(inner.map((t) => t.id)).not.toContain(turnedDown.id)
    await engine.handlers.removeExclusion({ rule: { kind: 'folder', path: singularity } })
  })

  it('is the same call on the command line: attune path A B --steps N --json', async () => {
    const a = inFolder('wesnoth')[0]!
    const b = inFolder('singularity')[0]!
    const run = memoryIo()
    const code = await main(
      ['path', String(a.id), b.path, '--steps', '3', '--json', '--db', session.dbPath],
      run.io,
    )
    expect(run.err()).toBe('')
    expect(code).toBe(0)
    const path = JSON.parse(run.out()) as { trackId: number; path: string }[]
    expect(path).toHaveLength(5)
    expect([path[0]!.trackId, path.at(-1)!.path]).toEqual([a.id, b.path])
    const missing = memoryIo()
    expect(await main(['path', String(a.id), '--db', session.dbPath], missing.io)).toBe(2)
    expect(missing.err()).toMatch(/Say which track: attune path A B/)
  })

  it('says in words what is wrong with a path it cannot make', async () => {
    const a = songs[0]!
    await expect(engine.handlers.path({ from: a.id, to: a.id, steps: 3 })).rejects.toThrow(
      /two different songs/,
    )
    await expect(engine.handlers.path({ from: a.id, to: 99_999, steps: 3 })).rejects.toThrow(
      /no song 99999/,
    )
  })
})
