// Radio from a seed through the engine, on analysed fixture songs in a real SQLite file with a real
// taste worker: over several seeds the radio's picks are closer to the seed (in the model's space,
// and by soundtrack) than the taste's own picks, the median across seeds as well as against random
// picks; the waiting auto-picks are re-ranked for it while the song playing stays; ending it gives
// the taste's picks back; "never play" rules and "not for me" hold; `attune radio` is the same call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../../src/main/engine'
import type { QueueEntry } from '../../../src/shared/contract'
import type { Track } from '../../../src/shared/domain'
import { TasteModel } from '../../../src/main/taste/model'
import { main } from '../../../src/main/cli/main'
import { memoryIo } from '../../helpers/io'
import { openAnalysedEngine, type AnalysedEngine } from '../../helpers/analysed-engine'

const FOLDERS = ['wesnoth', 'nexuiz', 'singularity', 'drascula']
/** Songs compared per seed. */
const PICKS = 5

let session: AnalysedEngine
let engine: Engine
let songs: Track[]
/** Every song's unit vector in the taste model's space (the PCA the worker fits, same data). */
let vectorOf: (trackId: number) => Float32Array

beforeAll(async () => {
  session = await openAnalysedEngine(FOLDERS)
  ;({ engine, songs } = session)
  const { model } = engine.settings.get()
  const matrix = engine.embeddings.matrix(model.space)
  const taste = TasteModel.build(model.space, matrix.trackIds, matrix.data, matrix.dim, {
    pcaDims: model.pcaDims,
    lambda: model.lambda,
    alpha: 1,
    forgettingWindow: null,
  })
  vectorOf = (trackId) => taste.vectorOf(trackId)!
}, 300_000)

afterAll(async () => {
  await session?.close()
})

const folderOf = (track: Track) => FOLDERS.find((f) => track.path.includes(`/${f}/`))!
const inFolder = (folder: string) => songs.filter((s) => folderOf(s) === folder)

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0
  let na = 0
  let nb = 0
  for (let d = 0; d < a.length; d++) {
    dot += a[d]! * b[d]!
    na += a[d]! ** 2
    nb += b[d]! ** 2
  }
  return dot / Math.sqrt(na * nb)
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length

const picks = async (n = PICKS) => (await engine.handlers.recommend({ n })).map((s) => s.track!)

/** How close picks are to a seed song: mean cosine in the model's space, share of its soundtrack. */
function closeness(seed: Track, picked: Track[]) {
  return {
    cosine: mean(picked.map((t) => cosine(vectorOf(t.id), vectorOf(seed.id)))),
    sameFolder: picked.filter((t) => folderOf(t) === folderOf(seed)).length / picked.length,
  }
}

// A taste to start from: two liked songs, one turned down.
const liked = () => [inFolder('wesnoth')[0]!, inFolder('singularity')[0]!]
const turnedDown = () => inFolder('nexuiz')[0]!

describe('radio from a seed', () => {
  it('picks songs closer to the seed than the taste alone, over several seeds (median)', async () => {
    for (const song of liked()) engine.events.mark(song.id, 'like', 'test')
    engine.events.mark(turnedDown().id, 'not_for_me', 'test')
    const tasteOnly = await picks()
    expect(tasteOnly).toHaveLength(PICKS)
    const marked = new Set([...liked(), turnedDown()].map((s) => s.id))
    // Two seeds from each soundtrack, none of them marked.
    const seeds = FOLDERS.flatMap((f) =>
      inFolder(f)
        .filter((s) => !marked.has(s.id))
        .slice(1, 3),
    )
    expect(seeds).toHaveLength(8)
    const rows: { seed: string; taste: number; radio: number; random: number }[] = []
    const folderShare = { taste: [] as number[], radio: [] as number[], random: [] as number[] }
    const wander: number[] = []
    for (const seed of seeds) {
      const status = await engine.handlers.startRadio({ seed: { kind: 'track', trackId: seed.id } })
      expect(status.radio).toMatchObject({ kind: 'track', songs: 1 })
      const onRadio = await picks()
      expect(onRadio.map((t) => t.id)).not.toContain(seed.id) // not the seed again
      expect(onRadio.map((t) => t.id)).not.toContain(turnedDown().id)
      await engine.handlers.updateSettings({ section: 'radio', patch: { closeness: 0 } })
      wander.push(closeness(seed, await picks()).cosine)
      await engine.handlers.updateSettings({ section: 'radio', patch: { closeness: 0.5 } })
      const others = songs.filter((s) => s.id !== seed.id && !marked.has(s.id))
      const taste = closeness(seed, tasteOnly)
      const radio = closeness(seed, onRadio)
      const random = closeness(seed, others) // the expected value of random picks
      rows.push({
        seed: seed.title ?? '',
        taste: taste.cosine,
        radio: radio.cosine,
        random: random.cosine,
      })
      folderShare.taste.push(taste.sameFolder)
      folderShare.radio.push(radio.sameFolder)
      folderShare.random.push(random.sameFolder)
    }
    await engine.handlers.stopRadio(undefined)
    const summary = {
      cosine: {
        radio: median(rows.map((r) => r.radio)),
        radioWander: median(wander),
        taste: median(rows.map((r) => r.taste)),
        random: median(rows.map((r) => r.random)),
      },
      sameSoundtrack: {
        radio: median(folderShare.radio),
        taste: median(folderShare.taste),
        random: median(folderShare.random),
      },
    }
    console.info(
      `radio vs taste alone over ${seeds.length} seeds (medians): ${JSON.stringify(summary)}`,
    )
    expect(summary.cosine.radio).toBeGreaterThan(summary.cosine.taste)
    expect(summary.cosine.radio).toBeGreaterThan(summary.cosine.random)
    expect(median(rows.map((r) => r.radio - r.taste))).toBeGreaterThan(0)
    // "Close to the seed" stays closer than "wander".
    expect(summary.cosine.radio).toBeGreaterThanOrEqual(summary.cosine.radioWander)
    expect(summary.sameSoundtrack.radio).toBeGreaterThan(summary.sameSoundtrack.taste)
    expect(summary.sameSoundtrack.radio).toBeGreaterThan(summary.sameSoundtrack.random)
    // Ended: the taste's own picks again.
    expect((await picks()).map((t) => t.id)).toEqual(tasteOnly.map((t) => t.id))
  })

  it('re-ranks the waiting auto-picks for the radio and back, never the song playing', async () => {
    const playing = inFolder('drascula')[3]!
    const entries: QueueEntry[] = [{ trackId: playing.id, source: 'user' }]
    for (let i = 0; i < 2; i++) {
      const { entry } = await engine.autoQueueNext(entries.map((e) => e.trackId))
      const { track: _track, ...saved } = entry!
      entries.push(saved)
    }
    const save = (list: QueueEntry[]) =>
      engine.handlers.saveQueue({
        entries: list,
        current: 0,
        position: 12,
        shuffle: false,
        repeat: 'off',
        volume: 1,
      })
    await save(entries)
    const seed = inFolder('wesnoth')[4]!
    await engine.handlers.updateSettings({ section: 'radio', patch: { closeness: 1 } })
    await engine.handlers.startRadio({ seed: { kind: 'track', trackId: seed.id } })
    expect(engine.settings.get().autoQueue.enabled).toBe(true)
    await engine.settled()
    const onRadio = engine.queue.load()
    expect(onRadio.current).toBe(0)
    expect(onRadio.position).toBe(12)
    expect(onRadio.entries[0]).toEqual(entries[0])
    const waiting = onRadio.entries.slice(1)
    expect(waiting).toHaveLength(2)
    for (const entry of waiting) {
      expect(entry.reason?.why?.details.seedTerm).toEqual(expect.any(Number))
    }
    // Close to the seed: its words lead the reasons the seed decided. (Which songs the draw
    // takes is random, so the list the draws come from is what is checked.)
    const label = seed.title!
    const next = (await engine.autoQueueNext(onRadio.entries.map((e) => e.trackId))).entry!
    expect(next.reason?.why?.details.seedTerm).toEqual(expect.any(Number))
    if (next.reason?.why?.seed) {
      expect(next.reason.why.line).toMatch(
        new RegExp(`^Close to ${label}, where this radio started\\.`),
      )
    }
    const listed = await engine.handlers.recommend({ n: 10 })
    expect(listed.filter((s) => s.why.seed === label).length).toBeGreaterThan(0)
    for (const s of listed) {
      expect(s.why.line.startsWith(`Close to ${label}, where this radio started.`)).toBe(
        s.why.seed === label,
      )
    }

    await engine.handlers.stopRadio(undefined)
    await engine.settled()
    const after = engine.queue.load()
    expect(after.entries[0]).toEqual(entries[0])
    for (const entry of after.entries.slice(1)) {
      expect(entry.reason?.why?.details.seedTerm).toBeUndefined()
      expect(entry.reason?.why?.line).not.toContain('where this radio started')
    }
    await save([entries[0]!])
    await engine.handlers.updateSettings({ section: 'radio', patch: { closeness: 0.5 } })
  })

  it('never picks a song a "never play" rule covers or one turned down', async () => {
    const seed = inFolder('wesnoth')[2]!
    const artist = seed.artist!
    await engine.handlers.addExclusion({ rule: { kind: 'artist', artist } })
    await engine.handlers.startRadio({ seed: { kind: 'artist', artist } })
    const listed = await picks(40)
    expect(listed.length).toBeGreaterThan(0)
    expect(listed.some((t) => t.artist === artist || t.albumArtist === artist)).toBe(false)
    expect(listed.map((t) => t.id)).not.toContain(turnedDown().id)
    const drawn: number[] = []
    for (let i = 0; i < 6; i++) {
      const { entry } = await engine.autoQueueNext(drawn)
      drawn.push(entry!.trackId)
    }
    expect(drawn.some((id) => songs.find((s) => s.id === id)!.artist === artist)).toBe(false)
    expect(drawn).not.toContain(turnedDown().id)
    await engine.handlers.removeExclusion({ rule: { kind: 'artist', artist } })
    await engine.handlers.stopRadio(undefined)
  })

  it('starts from an album, an artist, a folder or a list, and says what is wrong in words', async () => {
    const song = inFolder('nexuiz')[1]!
    const { albums } = await engine.handlers.listAlbums({})
    const album = albums.find((a) => a.title === song.album)!
    const fromAlbum = await engine.handlers.startRadio({
      seed: { kind: 'album', album: album.key },
    })
    expect(fromAlbum.radio).toMatchObject({ label: `the album ${song.album}`, kind: 'album' })
    const folder = song.path.slice(0, song.path.lastIndexOf('/'))
    const fromFolder = await engine.handlers.startRadio({ seed: { kind: 'folder', path: folder } })
    expect(fromFolder.radio).toMatchObject({
      label: 'the folder nexuiz',
      songs: inFolder('nexuiz').length,
    })
    const list = await engine.handlers.startRadio({
      seed: { kind: 'tracks', trackIds: [song.id, 99_999], name: 'the playlist Road trip' },
    })
    expect(list.radio).toMatchObject({ label: 'the playlist Road trip', songs: 1 })
    expect((await picks(40)).map((t) => t.id)).not.toContain(song.id)
    expect(() => engine.handlers.startRadio({ seed: { kind: 'track', trackId: 99_999 } })).toThrow(
      /at least one song in the library/,
    )
    expect(() =>
      engine.handlers.startRadio({ seed: { kind: 'artist', artist: 'Nobody at all' } }),
    ).toThrow(/at least one song/)
    // A failed start leaves the radio that ran.
    expect((await engine.handlers.radioStatus(undefined)).radio?.label).toBe(
      'the playlist Road trip',
    )
    expect((await engine.handlers.stopRadio(undefined)).radio).toBeNull()
  })

  it('is the same call on the command line: attune radio SEED --json, --stop', async () => {
    const seed = inFolder('singularity')[2]!
    const run = memoryIo()
    expect(
      await main(['radio', seed.path, '--n', '4', '--json', '--db', session.dbPath], run.io),
    ).toBe(0)
    expect(run.err()).toBe('')
    const started = JSON.parse(run.out()) as {
      radio: { label: string; kind: string }
      closeness: number
      next: { trackId: number; why: { line: string } }[]
    }
    expect(started.radio).toMatchObject({ label: seed.title, kind: 'track' })
    expect(started.next).toHaveLength(4)
    expect(started.next.map((s) => s.trackId)).not.toContain(seed.id)
    // The engine of the app sees it: the radio is kept in the database.
    expect((await engine.handlers.radioStatus(undefined)).radio?.label).toBe(seed.title)

    const byArtist = memoryIo()
    const artist = inFolder('drascula')[0]!.artist!
    expect(
      await main(
        ['radio', `artist:${artist.toUpperCase()}`, '--json', '--db', session.dbPath],
        byArtist.io,
      ),
    ).toBe(0)
    expect((JSON.parse(byArtist.out()) as typeof started).radio).toMatchObject({
      label: artist,
      kind: 'artist',
    })

    const stop = memoryIo()
    expect(await main(['radio', '--stop', '--json', '--db', session.dbPath], stop.io)).toBe(0)
    expect(JSON.parse(stop.out())).toMatchObject({ radio: null, next: [] })

    const bad = memoryIo()
    expect(await main(['radio', 'album:No such album', '--db', session.dbPath], bad.io)).toBe(1)
    expect(bad.err()).toMatch(/no album 'No such album'/)
    const text = memoryIo()
    expect(await main(['radio', String(seed.id), '--db', session.dbPath], text.io)).toBe(0)
    expect(text.out()).toMatch(new RegExp(`^Radio from ${seed.title} \\(one song; a balance\\)`))
    expect(await main(['radio', '--stop', '--db', session.dbPath], memoryIo().io)).toBe(0)
  })
})
