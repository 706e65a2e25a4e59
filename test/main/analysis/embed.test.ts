import { readdirSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { UnreadableAudioError } from '../../../src/main/analysis/decode'
import { embedFile } from '../../../src/main/analysis/embed'
import { FEATURES } from '../../../src/main/analysis/feature-names'
import { FIXTURES } from './long-audio'

const FORMATS = path.join(FIXTURES, 'formats')
const BROKEN = path.join(FIXTURES, 'broken')
const MUSIC = path.join(FIXTURES, 'music')

function isFinite(vector: Float32Array): boolean {
  return vector.length === FEATURES.length && vector.every((value) => Number.isFinite(value))
}

describe('embedding real files', () => {
  const music = new Map<string, Float32Array>()
  const formats = new Map<string, Float32Array>()
  let mean: Float64Array
  let std: Float64Array

  beforeAll(async () => {
    for (const folder of readdirSync(MUSIC).sort()) {
      for (const name of readdirSync(path.join(MUSIC, folder)).sort()) {
        music.set(`${folder}/${name}`, (await embedFile(path.join(MUSIC, folder, name))).vector)
      }
    }
    for (const name of readdirSync(FORMATS).sort())
      formats.set(name, (await embedFile(path.join(FORMATS, name))).vector)
    // Per-dimension standardisation with the music fixtures as the reference population.
    const dims = FEATURES.length
    mean = new Float64Array(dims)
    std = new Float64Array(dims)
    for (const vector of music.values())
      for (let d = 0; d < dims; d++) mean[d]! += vector[d]! / music.size
    for (const vector of music.values())
      for (let d = 0; d < dims; d++) std[d]! += (vector[d]! - mean[d]!) ** 2 / music.size
    for (let d = 0; d < dims; d++) std[d] = Math.sqrt(std[d]!) || 1
  }, 180_000)

  function distance(a: Float32Array, b: Float32Array): number {
    let sum = 0
    for (let d = 0; d < a.length; d++) sum += ((a[d]! - b[d]!) / std[d]!) ** 2
    return Math.sqrt(sum)
  }

  it('gives every music and format fixture a finite vector', () => {
    expect(music.size).toBe(40)
    expect(formats.size).toBe(16)
    for (const [name, vector] of [...music, ...formats]) expect(isFinite(vector), name).toBe(true)
  })

  it('places the same song in every full-band format nearer to its WAV than any other recording', () => {
    const reference = formats.get('s16.wav')!
    const nearestOtherSong = Math.min(
      ...[...music.values()].map((vector) => distance(reference, vector)),
    )
    for (const [name, vector] of formats) {
      if (name === 'mono-8k.wav') continue
      expect(distance(reference, vector), name).toBeLessThan(nearestOtherSong)
    }
  })

  it('keeps the 8 kHz telephone-band copy, which lacks everything above 4 kHz, in the nearest fifth of the library', () => {
    // Band-limiting to 4 kHz changes the timbre (MFCC 4–5 and the top contrast band), so this
    // copy is not expected to be the nearest; it must still sit among the close neighbours.
    const reference = formats.get('s16.wav')!
    const own = distance(reference, formats.get('mono-8k.wav')!)
    const others = [...music.values()].map((vector) => distance(reference, vector))
    const nearer = others.filter((other) => other < own).length
    expect(nearer / others.length).toBeLessThan(0.2)
  })

  it('gives the same file the identical vector every time', async () => {
    for (const name of ['vbr.mp3', 'opus.opus', 'aac.m4a']) {
      const again = (await embedFile(path.join(FORMATS, name))).vector
      expect(Array.from(again), name).toEqual(Array.from(formats.get(name)!))
    }
  })

  it('reports the duration and how much audio was analysed (the middle half of a 20 s clip)', async () => {
    const result = await embedFile(path.join(FORMATS, 'cd.flac'))
    expect(result.duration).toBeCloseTo(20, 1)
    expect(result.analysedSeconds).toBeCloseTo(10, 1)
  })

  it.each(['half-second.ogg', 'silence.wav'])(
    'embeds the odd but valid %s as a finite vector',
    async (name) => {
      expect(isFinite((await embedFile(path.join(BROKEN, name))).vector)).toBe(true)
    },
  )

  it.each(['zero-bytes.mp3', 'text.mp3', 'random-bytes.ogg'])(
    'refuses the unreadable %s with a readable error',
    async (name) => {
      const failure = embedFile(path.join(BROKEN, name))
      await expect(failure).rejects.toBeInstanceOf(UnreadableAudioError)
      await expect(failure).rejects.toThrow(
        /^The file is empty\.$|^This file is not in an audio format Attune can read\.$/,
      )
    },
  )
})
