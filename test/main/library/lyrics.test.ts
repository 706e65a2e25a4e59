// The engine's lyrics call on real files: copies of fixtures in a temp folder with a `.lrc` or
// `.txt` beside them, an MP3 given USLT and SYLT frames by the small ID3 writer below, and FLAC,
// Ogg Vorbis, Opus and MP4 copies given LYRICS / UNSYNCEDLYRICS / ©lyr by test/helpers/tag-writers.
import { copyFileSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine } from '../../../src/main/engine'
import { decodeToMono } from '../../../src/main/analysis/decode'
import { readLyrics, SIDECAR_MAX_BYTES } from '../../../src/main/library/lyrics'
import { UserError } from '../../../src/shared/errors'
import {
  writeFlacWithComments,
  writeMp4WithItems,
  writeOggWithComments,
} from '../../helpers/tag-writers'
import { FIXTURES, tempDir } from '../../helpers/temp'

const MUSIC = join(FIXTURES, 'music')
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function box(): string {
  const { dir, cleanup } = tempDir('attune-lyrics-')
  cleanups.push(cleanup)
  return realpathSync(dir)
}

// ---- a small ID3v2.3 writer -------------------------------------------------------------------

function syncsafe(n: number): Buffer {
  return Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f])
}

function frame(id: string, body: Buffer): Buffer {
  const header = Buffer.alloc(10)
  header.write(id, 0, 'latin1')
  header.writeUInt32BE(body.length, 4)
  return Buffer.concat([header, body])
}

/** USLT: Latin-1, English, no descriptor, the text. */
function uslt(text: string): Buffer {
  return frame(
    'USLT',
    Buffer.concat([Buffer.from([0]), Buffer.from('eng\0', 'latin1'), Buffer.from(text, 'latin1')]),
  )
}

/** SYLT: Latin-1, English, timestamps in milliseconds, lyrics; each line then its time. */
function sylt(lines: [string, number][]): Buffer {
  const parts = [Buffer.from([0]), Buffer.from('eng', 'latin1'), Buffer.from([2, 1, 0])]
  for (const [text, ms] of lines) {
    const time = Buffer.alloc(4)
    time.writeUInt32BE(ms)
    parts.push(Buffer.from(`${text}\0`, 'latin1'), time)
  }
  return frame('SYLT', Buffer.concat(parts))
}

/** The MP3 with its ID3v2 tag (if any) replaced by one holding `frames`. */
function withId3(mp3: Buffer, frames: Buffer[]): Buffer {
  let audio = mp3
  if (mp3.subarray(0, 3).toString('latin1') === 'ID3') {
    const size =
      ((mp3[6]! & 0x7f) << 21) |
      ((mp3[7]! & 0x7f) << 14) |
      ((mp3[8]! & 0x7f) << 7) |
      (mp3[9]! & 0x7f)
    audio = mp3.subarray(10 + size + (mp3[5]! & 0x10 ? 10 : 0))
  }
  const body = Buffer.concat([frame('TIT2', Buffer.from('\0Sung', 'latin1')), ...frames])
  const header = Buffer.concat([
    Buffer.from('ID3', 'latin1'),
    Buffer.from([3, 0, 0]),
    syncsafe(body.length),
  ])
  return Buffer.concat([header, body, audio])
}

// ---- tests -------------------------------------------------------------------------------------

describe('lyrics from a file beside the song', () => {
  it('reads a synced .lrc through the engine call, with multi-stamp lines and the offset', async () => {
    const dir = box()
    const music = join(dir, 'music')
    mkdirSync(music)
    copyFileSync(join(MUSIC, 'wesnoth', 'battle-epic.ogg'), join(music, 'battle-epic.ogg'))
    copyFileSync(join(MUSIC, 'wesnoth', 'loyalists.ogg'), join(music, 'loyalists.ogg'))
    writeFileSync(
      join(music, 'battle-epic.lrc'),
      '[ti:Battle Epic]\n[offset:+200]\n[00:01.20]Drums\n[00:05.00][00:15.00]Horns rise\n[00:10.50]Strings\n',
    )
    const engine = new Engine({ dbPath: join(dir, 'library.db'), watch: false })
    cleanups.push(() => engine.close())
    await engine.handlers.addRoot({ path: music })
    await engine.scan()
    const { tracks } = await engine.handlers.listTracks({})
    const epic = tracks.find((t) => t.path.endsWith('battle-epic.ogg'))!
    const other = tracks.find((t) => t.path.endsWith('loyalists.ogg'))!
    expect(await engine.handlers.lyrics({ trackId: epic.id })).toEqual({
      synced: true,
      source: 'lrc',
      lines: [
        { time: 1, text: 'Drums' },
        { time: 4.8, text: 'Horns rise' },
        { time: 10.3, text: 'Strings' },
        { time: 14.8, text: 'Horns rise' },
      ],
    })
    // A song without lyrics: none, no error.
    expect(await engine.handlers.lyrics({ trackId: other.id })).toBeNull()
    // A song not in the library: said in words.
    const error = await Promise.resolve()
      .then(() => engine.handlers.lyrics({ trackId: 9999 }))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toMatch(/no song 9999/)
  })

  it('reads a .txt as unsynced lyrics, and ignores a sidecar too large or not a file', async () => {
    const dir = box()
    copyFileSync(join(MUSIC, 'muldjord', 'chaos_god.flac'), join(dir, 'chaos_god.flac'))
    writeFileSync(join(dir, 'chaos_god.txt'), 'First line\nSecond line\n\nAfter a break\n')
    expect(await readLyrics(join(dir, 'chaos_god.flac'))).toEqual({
      synced: false,
      source: 'txt',
      lines: ['First line', 'Second line', '', 'After a break'].map((text) => ({
        time: null,
        text,
      })),
    })
    copyFileSync(join(MUSIC, 'muldjord', 'armygeddon.flac'), join(dir, 'armygeddon.flac'))
    writeFileSync(join(dir, 'armygeddon.lrc'), `[00:01.00]${'x'.repeat(SIDECAR_MAX_BYTES)}\n`)
    mkdirSync(join(dir, 'armygeddon.txt'))
    expect(await readLyrics(join(dir, 'armygeddon.flac'))).toBeNull()
  })
})

describe('lyrics in the file’s tags', () => {
  it('reads ID3 USLT as unsynced lyrics', async () => {
    const dir = box()
    const mp3 = readFileSync(join(MUSIC, 'nexuiz', 'desert3.mp3'))
    const path = join(dir, 'desert3.mp3')
    writeFileSync(path, withId3(mp3, [uslt('Sand and wind\nNo water here')]))
    expect(await readLyrics(path)).toEqual({
      synced: false,
      source: 'embedded',
      lines: [
        { time: null, text: 'Sand and wind' },
        { time: null, text: 'No water here' },
      ],
    })
  })

  it('prefers synced SYLT over USLT, and a synced .lrc over both', async () => {
    const dir = box()
    const mp3 = readFileSync(join(MUSIC, 'nexuiz', 'desert3.mp3'))
    const path = join(dir, 'desert3.mp3')
    writeFileSync(
      path,
      withId3(mp3, [
        uslt('Plain words'),
        sylt([
          ['Later', 4500],
          ['First', 1250],
        ]),
      ]),
    )
    expect(await readLyrics(path)).toEqual({
      synced: true,
      source: 'embedded',
      lines: [
        { time: 1.25, text: 'First' },
        { time: 4.5, text: 'Later' },
      ],
    })
    writeFileSync(join(dir, 'desert3.lrc'), '[00:02.00]From the sidecar')
    expect(await readLyrics(path)).toMatchObject({
      source: 'lrc',
      lines: [{ time: 2, text: 'From the sidecar' }],
    })
  })
})

describe('lyrics in Vorbis comments and MP4 items, read through the engine', () => {
  const SYNCED_LRC =
    '[ti:Chaos God]\n[offset:+200]\n[00:01.20]Drums\n[00:05.00][00:15.00]Horns rise\n[00:10.50]Strings\n'
  const SYNCED_LINES = [
    { time: 1, text: 'Drums' },
    { time: 4.8, text: 'Horns rise' },
    { time: 10.3, text: 'Strings' },
    { time: 14.8, text: 'Horns rise' },
  ]
  const unsynced = (...lines: string[]): { time: null; text: string }[] =>
    lines.map((text) => ({ time: null, text }))

  it('reads LYRICS and UNSYNCEDLYRICS in FLAC, Ogg Vorbis and Opus, and ©lyr in MP4', async () => {
    const dir = box()
    const music = join(dir, 'music')
    mkdirSync(music)
    const written: [string, string][] = []
    const copy = (name: string): [string, string] => {
      const pair: [string, string] = [join(FIXTURES, name), join(music, name.replace(/^.*\//, ''))]
      written.push(pair)
      return pair
    }
    writeFlacWithComments(...copy('music/muldjord/chaos_god.flac'), { LYRICS: SYNCED_LRC })
    writeFlacWithComments(...copy('music/muldjord/armygeddon.flac'), {
      UNSYNCEDLYRICS: 'Marching on\r\nThe ground shakes',
    })
    writeOggWithComments(...copy('music/wesnoth/battle-epic.ogg'), {
      LYRICS: 'Horns in the hills\n\nThe army comes',
    })
    writeOggWithComments(...copy('music/singularity/Coherence.opus'), {
      UNSYNCEDLYRICS: 'Drifting',
    })
    writeMp4WithItems(...copy('music/drascula/track1.m4a'), { '©lyr': 'A castle\nA night' })
    // moov before mdat: the writer moves the chunk offsets, the lyrics are synced LRC.
    writeMp4WithItems(...copy('formats/aac-faststart.m4a'), { '©lyr': SYNCED_LRC })

    const engine = new Engine({ dbPath: join(dir, 'library.db'), watch: false })
    cleanups.push(() => engine.close())
    await engine.handlers.addRoot({ path: music })
    const summary = await engine.scan()
    const { tracks } = await engine.handlers.listTracks({})
    expect(tracks.map((t) => t.path.replace(/^.*\//, '')).sort()).toEqual([
      'Coherence.opus',
      'aac-faststart.m4a',
      'armygeddon.flac',
      'battle-epic.ogg',
      'chaos_god.flac',
      'track1.m4a',
    ])
    expect(summary.failed).toEqual([])
    const lyricsOf = async (name: string): Promise<unknown> =>
      engine.handlers.lyrics({ trackId: tracks.find((t) => t.path.endsWith(`/${name}`))!.id })
    // The writers only added: the audio decodes to the fixture's samples, the old tags are read.
    for (const [source, target] of written) {
      const [before, after] = await Promise.all([decodeToMono(source), decodeToMono(target)])
      expect(after.pcm.length).toBe(before.pcm.length)
      expect(Buffer.from(after.pcm.buffer).equals(Buffer.from(before.pcm.buffer))).toBe(true)
    }
    expect(tracks.find((t) => t.path.endsWith('/battle-epic.ogg'))!.title).toBe('Battle Epic')
    expect(tracks.find((t) => t.path.endsWith('/track1.m4a'))!.album).toBeTruthy()

    expect(await lyricsOf('chaos_god.flac')).toEqual({
      synced: true,
      source: 'embedded',
      lines: SYNCED_LINES,
    })
    expect(await lyricsOf('armygeddon.flac')).toEqual({
      synced: false,
      source: 'embedded',
      lines: unsynced('Marching on', 'The ground shakes'),
    })
    expect(await lyricsOf('battle-epic.ogg')).toEqual({
      synced: false,
      source: 'embedded',
      lines: unsynced('Horns in the hills', '', 'The army comes'),
    })
    expect(await lyricsOf('Coherence.opus')).toEqual({
      synced: false,
      source: 'embedded',
      lines: unsynced('Drifting'),
    })
    expect(await lyricsOf('track1.m4a')).toEqual({
      synced: false,
      source: 'embedded',
      lines: unsynced('A castle', 'A night'),
    })
    expect(await lyricsOf('aac-faststart.m4a')).toEqual({
      synced: true,
      source: 'embedded',
      lines: SYNCED_LINES,
    })
  })
})
