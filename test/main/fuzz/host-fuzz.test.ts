// Fuzzing the browser host (issue 15): random and mutated bodies for every contract call over real
// HTTP, with fixed seeds. The host must answer each with a status in words (never a 500), and keep
// answering afterwards. The counts are in docs/reliability.md.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../../src/main/engine'
import type { RunningHost } from '../../../src/main/http/server'
import { CALL_NAMES } from '../../../src/shared/contract'
import { seededRandom } from '../../../src/shared/random'
import { FIXTURES } from '../../helpers/temp'
import { startTestHost, type TestHost } from '../../helpers/host'

/** Inputs per call: this many mutations of a valid body and this many random ones. */
export const MUTATIONS_PER_CALL = 24
export const RANDOM_PER_CALL = 16

let engine: Engine
let host: RunningHost
let base: string
let running: TestHost
let music: string

/** A valid body per call, to mutate; calls not listed here (added later) start from {}. */
function validBodies(): Record<string, unknown> {
  return {
    addRoot: { path: music },
    removeRoot: { path: '/not-a-root' },
    listTracks: { search: 'a', limit: 5, offset: 0 },
    listGroupTracks: { album: 'x' },
    listFolder: { path: music },
    listFolderTracks: { path: music },
    getTrack: { id: 1 },
    playStarted: { trackId: 1 },
    playProgress: { trackId: 1, playId: 'p', position: 3 },
    playEnded: { trackId: 1, playId: 'p', position: 3, duration: 10, reason: 'next' },
    setMark: { trackId: 1, mark: 'like' },
    saveQueue: {
      entries: [],
      current: null,
      position: 0,
      shuffle: false,
      repeat: 'off',
      volume: 0.5,
    },
    recommend: { n: 3 },
    autoQueueNext: { exclude: [1] },
    discover: { n: 3 },
    rediscover: { n: 3, minAgeDays: 1 },
    importLabels: { path: join(music, 'list.m3u'), as: 'like' },
    explain: { trackId: 1 },
    lyrics: { trackId: 1 },
    updateSettings: { section: 'exploration', patch: { alpha: 1 } },
    listHistory: { limit: 5 },
    getMetricSeries: { runIds: [1], name: 'reward' },
    getPlaylist: { id: 'top' },
    createPlaylist: { name: 'Fuzz', trackIds: [1] },
    renamePlaylist: { id: 1, name: 'Fuzzed' },
    movePlaylistEntry: { id: 1, from: 0, to: 0 },
    // Text only: a path here would write files where the fuzzer says.
    exportPlaylist: { id: 1 },
    importPlaylist: { text: '#EXTM3U\na.mp3\n', fileName: 'a.m3u8' },
    startRadio: { seed: { kind: 'track', trackId: 1 } },
  }
}

const NASTY: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  -0,
  2 ** 53 + 1,
  '',
  ' ',
  '\u0000',
  '../../../etc/passwd',
  '/',
  '/etc',
  '/dev/zero',
  '/proc/self/mem',
  'C:\\Windows',
  'x'.repeat(10_000),
  '\uD800',
  '😀'.repeat(100),
  [],
  [null],
  {},
  { __proto__: { polluted: true } },
  { constructor: { prototype: { polluted: true } } },
  Array.from({ length: 1000 }, (_, i) => i),
]

function randomValue(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 6 : 9))
  switch (pick) {
    case 0:
      return NASTY[Math.floor(random() * NASTY.length)]
    case 1:
      return Math.floor(random() * 2 ** 32) - 2 ** 31
    case 2:
      return random() * 1e6 - 5e5
    case 3:
      return String.fromCharCode(
        ...Array.from({ length: Math.floor(random() * 20) }, () => Math.floor(random() * 0xffff)),
      )
    case 4:
      return random() < 0.5
    case 5:
      return null
    case 6:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1))
    default: {
      const object: Record<string, unknown> = {}
      for (let i = 0; i < Math.floor(random() * 4); i++)
        object[
          ['path', 'trackId', 'id', 'n', 'mark', 'x', 'section', 'patch'][
            Math.floor(random() * 8)
          ] as string
        ] = randomValue(random, depth + 1)
      return object
    }
  }
}

/** One change to a valid body: a field replaced, dropped or added, or the whole body swapped. */
function mutate(body: unknown, random: () => number): unknown {
  const copy = JSON.parse(JSON.stringify(body ?? {})) as Record<string, unknown>
  const keys = Object.keys(copy)
  const key = keys[Math.floor(random() * keys.length)]
  const choice = random()
  if (choice < 0.45 && key !== undefined) copy[key] = randomValue(random)
  else if (choice < 0.6 && key !== undefined) delete copy[key]
  else if (choice < 0.75) copy[`extra${Math.floor(random() * 3)}`] = randomValue(random)
  else if (choice < 0.85) return [copy]
  else return randomValue(random)
  return copy
}

/** Raw bodies that are not JSON, or barely. */
function randomText(random: () => number): string {
  const kinds = [
    () => '{',
    () => '{"path":',
    () => '[1,2,',
    () => 'null',
    () => '"just a string"',
    () => '\uFEFF{}',
    () =>
      Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))).toString('latin1'),
    () => '{"a":' + '['.repeat(40) + ']'.repeat(40) + '}',
    () => JSON.stringify(randomValue(random)),
  ]
  return (kinds[Math.floor(random() * kinds.length)] as () => string)()
}

beforeAll(async () => {
  running = await startTestHost((dir) => {
    music = join(dir, 'music')
    mkdirSync(music)
    copyFileSync(join(FIXTURES, 'formats/vorbis.ogg'), join(music, 'a.ogg'))
    copyFileSync(join(FIXTURES, 'formats/vbr.mp3'), join(music, 'b.mp3'))
    writeFileSync(join(music, 'list.m3u'), 'a.ogg\nb.mp3\n')
    return music
  })
  ;({ engine, host, base } = running)
}, 60_000)

afterAll(() => running.close())

async function send(name: string, body: string): Promise<{ status: number; error: string }> {
  const response = await fetch(`${base}/api/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body,
  })
  const text = await response.text()
  let error = ''
  try {
    error = (JSON.parse(text) as { error?: string }).error ?? ''
  } catch {
    error = text
  }
  return { status: response.status, error }
}

describe('every contract call, fuzzed over HTTP', () => {
  it('answers every random and mutated body with words, never a 500, and keeps answering', async () => {
    const bodies = validBodies()
    const failures: string[] = []
    let tried = 0
    for (const [index, name] of CALL_NAMES.entries()) {
      const random = seededRandom(1000 + index)
      const valid = bodies[name] ?? {}
      const inputs: string[] = []
      for (let i = 0; i < MUTATIONS_PER_CALL; i++)
        inputs.push(JSON.stringify(mutate(valid, random)) ?? 'null')
      for (let i = 0; i < RANDOM_PER_CALL; i++) inputs.push(randomText(random))
      for (const input of inputs) {
        tried++
        const answer = await send(name, input)
        if (answer.status >= 500 || (answer.error.length === 0 && answer.status !== 200))
          failures.push(`${name} ${input.slice(0, 120)} → ${answer.status} ${answer.error}`)
        if (
          /SQLITE|constraint failed|Maximum call stack|ENOENT|EISDIR|at .*\.ts:\d+/.test(
            answer.error,
          )
        )
          failures.push(`${name} ${input.slice(0, 120)} → raw message: ${answer.error}`)
      }
    }
    expect(failures).toEqual([])
    expect(tried).toBe(CALL_NAMES.length * (MUTATIONS_PER_CALL + RANDOM_PER_CALL))
    expect((await send('getStatus', '{}')).status).toBe(200)
    // Nothing outside the library became a library folder.
    expect(engine.tracks.listRoots().map((root) => root.path)).toEqual([music])
    expect(engine.db.pragma('integrity_check', { simple: true })).toBe('ok')
  }, 300_000)
})
