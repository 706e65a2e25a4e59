// `attune playlists` and `attune playlist show|export|import` on a real library of fixture songs
// (copied into a temp folder and scanned), through the engine's contract calls.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../../src/main/cli/main'
import { memoryIo } from '../../helpers/io'
import { FIXTURES, tempDir } from '../../helpers/temp'

const WESNOTH = join(FIXTURES, 'music', 'wesnoth')
let dir: string
let dbPath: string
let cleanup: () => void

beforeAll(async () => {
  const temp = tempDir('attune-cli-playlists-')
  ;({ dir, cleanup } = temp)
  dbPath = join(dir, 'library.db')
  mkdirSync(join(dir, 'music'))
  for (const name of ['elf-land.ogg', 'love_theme.ogg'])
    copyFileSync(join(WESNOTH, name), join(dir, 'music', name))
  const scan = memoryIo()
  expect(await main(['scan', join(dir, 'music'), '--db', dbPath], scan.io)).toBe(0)
}, 120_000)

afterAll(() => cleanup?.())

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo()
  const code = await main([...args, '--db', dbPath], io.io)
  return { code, out: io.out(), err: io.err() }
}

describe('playlists on the command line', () => {
  it('imports, lists, shows and exports a playlist, with --json', async () => {
    expect((await run('playlists')).out).toMatch(/No playlists yet/)
    const list = join(dir, 'evening.m3u8')
    writeFileSync(
      list,
      '\uFEFF#EXTM3U\r\n#EXTINF:10,Wesnoth - Love\r\nmusic/love_theme.ogg\r\nmusic/gone.ogg\r\nmusic/elf-land.ogg\r\n',
    )
    const imported = await run('playlist', 'import', list, '--name', 'Evening', '--json')
    expect(imported.code).toBe(0)
    expect(JSON.parse(imported.out)).toMatchObject({
      playlist: { name: 'Evening', entryCount: 3, missingCount: 1 },
      matched: 2,
      missing: [{ line: 4, path: join(dir, 'music', 'gone.ogg') }],
    })
    const words = await run('playlist', 'import', list)
    expect(words.out).toMatch(/Imported “evening \(2\)”: 2 songs found in the library, 1 not in it/)
    expect(words.out).toContain(`line 4: ${join(dir, 'music', 'gone.ogg')}`)

    const listed = JSON.parse((await run('playlists', '--json')).out) as { name: string }[]
    expect(listed.map((p) => p.name)).toEqual(['Evening', 'evening (2)'])
    expect((await run('playlists')).out).toMatch(/Evening\s+3\s+1/)
    expect((await run('playlist', 'show', 'EVENING')).out).toMatch(/gone\.ogg\s+\(missing\)/)

    mkdirSync(join(dir, 'out'))
    const file = join(dir, 'out', 'copy.m3u8')
    const exported = await run('playlist', 'export', 'evening', file)
    expect(exported.code).toBe(0)
    expect(exported.out).toMatch(/Wrote “Evening” \(3 songs, 1 of them missing/)
    expect(
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => !l.startsWith('#')),
    ).toEqual(['../music/love_theme.ogg', '../music/gone.ogg', '../music/elf-land.ogg', ''])
  })

  it('says in words what is wrong', async () => {
    const unknown = await run('playlist', 'export', 'Nope', join(dir, 'x.m3u8'))
    expect(unknown.code).toBe(1)
    expect(unknown.err).toMatch(/no playlist called “Nope”. There are: “Evening”/)
    expect((await run('playlist', 'import')).code).toBe(2)
    const bad = await run('playlist', 'import', join(dir, 'library.db'))
    expect(bad.err).toMatch(/\.m3u8/)
    expect((await run('playlist', 'frobnicate')).err).toMatch(/Say what to do/)
  })
})
