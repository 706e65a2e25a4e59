import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import decode from 'audio-decode'
import { afterAll, describe, expect, it } from 'vitest'
import {
  decodeForAnalysis,
  decodeToMono,
  decodeWindows,
  UnreadableAudioError,
} from '../../../src/main/analysis/decode'
import type { AnalysisAudio } from '../../../src/main/analysis/decode'
import { ANALYSIS_SAMPLE_RATE, downmixToMono, resample } from '../../../src/main/analysis/resample'
import { planWindows, windowRanges } from '../../../src/main/analysis/windows'
import { FIXTURES, writeLongMp3, writeSyntheticWav } from './long-audio'

const FORMATS = path.join(FIXTURES, 'formats')
const BROKEN = path.join(FIXTURES, 'broken')
const temp = mkdtempSync(path.join(os.tmpdir(), 'attune-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

function allFinite(signal: Float32Array): boolean {
  for (let i = 0; i < signal.length; i++) if (!Number.isFinite(signal[i])) return false
  return true
}

/**
 * Where a decoded window lies in the whole decode: the start time (s) whose samples correlate
 * best with 8192 samples taken 1 s into the window, searched within ±tolerance of `expected`.
 */
function locate(
  window: Float32Array,
  whole: Float32Array,
  expected: number,
  tolerance: number,
): { correlation: number; at: number } {
  const rate = 22_050
  const probe = window.subarray(rate, rate + 8192)
  let best = { correlation: -1, at: 0 }
  const first = Math.max(0, Math.round((expected - tolerance) * rate))
  const last = Math.min(
    whole.length - rate - probe.length,
    Math.round((expected + tolerance) * rate),
  )
  for (let lag = first; lag <= last; lag++) {
    let dot = 0
    let energyA = 0
    let energyB = 0
    for (let i = 0; i < probe.length; i += 4) {
      const x = probe[i]!
      const y = whole[lag + rate + i]!
      dot += x * y
      energyA += x * x
      energyB += y * y
    }
    const correlation = dot / Math.sqrt(energyA * energyB + 1e-20)
    if (correlation > best.correlation) best = { correlation, at: lag / rate }
  }
  return best
}

describe('decoding every format to mono at 22,050 Hz', () => {
  it.each(readdirSync(FORMATS).sort())(
    'decodes %s: 20 s long, its middle 10 s as finite audio',
    async (name) => {
      const audio = await decodeForAnalysis(path.join(FORMATS, name))
      expect(audio.sampleRate).toBe(22_050)
      expect(audio.duration).toBeCloseTo(20, 0)
      expect(audio.analysedSeconds).toBeCloseTo(10, 1)
      expect(audio.windows).toHaveLength(1)
      expect(allFinite(audio.windows[0]!)).toBe(true)
      // Where the container allows it, only the window is decoded.
      const seekable = /\.(mp3|flac|ogg|opus)$/.test(name)
      expect(audio.strategy).toBe(seekable ? 'windows' : 'stream')
    },
  )

  it('recognises Vorbis audio behind a wrong .mp3 extension', async () => {
    const audio = await decodeForAnalysis(path.join(BROKEN, 'really-vorbis.mp3'))
    expect(audio.container).toBe('ogg-vorbis')
  })

  it.each(['half-second.ogg', 'silence.wav', 'huge-tag.mp3', 'Ünïcødé — 曲 (live) ♫.mp3'])(
    'decodes the valid odd file %s',
    async (name) => {
      const audio = await decodeForAnalysis(path.join(BROKEN, name))
      expect(audio.analysedSeconds).toBeGreaterThan(0.4)
      expect(audio.windows.every(allFinite)).toBe(true)
    },
  )

  it.each(['truncated.flac', 'truncated.mp3'])(
    'analyses what a truncated file has (%s) without crashing',
    async (name) => {
      const audio: unknown = await decodeForAnalysis(path.join(BROKEN, name)).catch(
        (error: unknown) => error,
      )
      if (audio instanceof Error) expect(audio).toBeInstanceOf(UnreadableAudioError)
      else expect((audio as AnalysisAudio).duration).toBeLessThan(20)
    },
  )

  it.each([
    ['zero-bytes.mp3', /empty/],
    ['text.mp3', /not in an audio format/],
    ['random-bytes.ogg', /not in an audio format/],
    ['does-not-exist.mp3', /could not be read/],
  ])('refuses the unreadable %s with a plain-words error', async (name, message) => {
    const failure = decodeForAnalysis(path.join(BROKEN, name))
    await expect(failure).rejects.toBeInstanceOf(UnreadableAudioError)
    await expect(failure).rejects.toThrow(message)
  })
  it.each([
    'cd.flac',
    's16.wav',
    's16.aiff',
    'aac.m4a',
    'hires-24-96k.flac',
    'opus.opus',
    'mono-22k.mp3',
  ])(
    'streams %s chunk by chunk into exactly the samples of the planned window of a whole-file decode',
    async (name) => {
      const file = path.join(FORMATS, name)
      const whole = await decode(readFileSync(file))
      const mono = downmixToMono(whole.channelData)
      const audio = await decodeForAnalysis(file, { noSeeking: true })
      expect(audio.strategy).toBe('stream')
      // The window planned from the duration the header states, cut at the source rate.
      const [range] = windowRanges(Math.round(audio.duration * whole.sampleRate), whole.sampleRate)
      const expected = resample(
        mono.subarray(range!.from, range!.to),
        whole.sampleRate,
        ANALYSIS_SAMPLE_RATE,
      )
      expect(audio.windows).toHaveLength(1)
      expect(audio.windows[0]!.length).toBe(expected.length)
      expect(audio.windows[0]!.every((sample, i) => sample === expected[i])).toBe(true)
    },
  )

  it.each([
    's16.wav',
    'f32.wav',
    'mono-8k.wav',
    's16.aiff',
    'aac.m4a',
    'aac-faststart.m4a',
    'alac.m4a',
  ])('reads the duration of %s from its header, as long as the decoded audio', async (name) => {
    const file = path.join(FORMATS, name)
    const whole = await decode(readFileSync(file))
    const decodedSeconds = (whole.channelData[0]?.length ?? 0) / whole.sampleRate
    const audio = await decodeForAnalysis(file)
    // AAC streams carry 1024–2048 priming samples (< 50 ms) that the header leaves out.
    expect(Math.abs(audio.duration - decodedSeconds)).toBeLessThan(0.05)
  })
})

describe('decoding only the analysed windows', () => {
  it.each([
    'nexuiz/infight.mp3',
    'wesnoth/battle-epic.ogg',
    'singularity/Awakening.opus',
    'muldjord/chaos_god.flac',
  ])('reads only the middle 15 s of the 30 s clip %s, from the planned place', async (name) => {
    const file = path.join(FIXTURES, 'music', name)
    const audio = await decodeForAnalysis(file)
    expect(audio.strategy).toBe('windows')
    expect(audio.windows).toHaveLength(1)
    expect(audio.analysedSeconds).toBeCloseTo(15, 1)
    const whole = (await decodeToMono(file)).pcm
    const planned = planWindows(audio.duration)[0]!.start
    expect(planned).toBeCloseTo(7.5, 1)
    const { correlation, at } = locate(audio.windows[0]!, whole, planned, 2.5)
    // Not sample-exact: a window that starts on an odd source sample is resampled half an output
    // sample off the whole decode's grid (0.96–0.99 on bright music); a wrong place reads far lower.
    expect(correlation).toBeGreaterThan(0.9)
    // Byte offsets only estimate time in VBR streams (Vorbis here: about a second early or late).
    expect(Math.abs(at - planned)).toBeLessThan(1.5)
  })

  it.each(['cd.flac', 'vorbis.ogg', 'opus.opus', 'opus-in-ogg.ogg', 'vbr.mp3', 'cbr320-cover.mp3'])(
    'seeks in %s to windows that match the same place in the whole decode',
    async (name) => {
      const file = path.join(FORMATS, name)
      const whole = (await decodeToMono(file)).pcm
      const windows = await decodeWindows(file, [
        { start: 4, length: 3 },
        { start: 12, length: 3 },
      ])
      const expectedStarts = [4, 12]
      windows.forEach((window, i) => {
        expect(window.length).toBeGreaterThan(2.5 * 22_050)
        const { correlation, at } = locate(window, whole, expectedStarts[i]!, 1.5)
        expect(correlation).toBeGreaterThan(0.99)
        // Byte offsets only estimate time in VBR streams; within a second is what analysis needs.
        expect(Math.abs(at - expectedStarts[i]!)).toBeLessThan(1)
      })
    },
  )

  it('reads a 4.5-minute MP3 by windows: 60 s analysed, the duration still right', async () => {
    const file = path.join(temp, 'long.mp3')
    writeLongMp3(file)
    const seeked = await decodeForAnalysis(file)
    const streamed = await decodeForAnalysis(file, { noSeeking: true })
    expect(seeked.strategy).toBe('windows')
    expect(streamed.strategy).toBe('stream')
    expect(seeked.windows).toHaveLength(4)
    expect(seeked.analysedSeconds).toBeCloseTo(60, 0)
    expect(seeked.duration).toBeCloseTo(streamed.duration, -1) // within ±5 s
    const whole = (await decodeToMono(file)).pcm
    for (const [i, window] of seeked.windows.entries()) {
      const planned = planWindows(seeked.duration)[i]!.start
      const { correlation, at } = locate(window, whole, planned, 3)
      expect(correlation).toBeGreaterThan(0.99)
      expect(Math.abs(at - planned)).toBeLessThan(3)
    }
  })

  it('streams a chained Ogg file (several streams joined) rather than seeking with the first stream’s headers', async () => {
    const folder = path.join(FIXTURES, 'music/wesnoth')
    const parts = readdirSync(folder)
      .sort()
      .slice(0, 4)
      .map((name) => readFileSync(path.join(folder, name)))
    const file = path.join(temp, 'chained.ogg')
    writeFileSync(file, Buffer.concat(parts))
    const audio = await decodeForAnalysis(file)
    expect(audio.strategy).toBe('stream')
    expect(audio.duration).toBeGreaterThan(100)
    expect(audio.windows.every(allFinite)).toBe(true)
  })

  it('keeps memory bounded on a 10-minute WAV: only four windows are kept', async () => {
    const file = path.join(temp, 'ten-minutes.wav')
    writeSyntheticWav(file, 600)
    const audio = await decodeForAnalysis(file)
    expect(audio.duration).toBeCloseTo(600, 3)
    expect(audio.windows).toHaveLength(4)
    expect(audio.analysedSeconds).toBeCloseTo(60, 3)
    expect(audio.windows.every(allFinite)).toBe(true)
  })
})

describe('running inside a worker thread', () => {
  it('decodes with audio-decode in a worker (no network, WASM inlined)', async () => {
    const entry = pathToFileURL(path.resolve('node_modules/audio-decode/audio-decode.js')).href
    const source = `
      const { parentPort, workerData } = require('node:worker_threads')
      const { readFileSync } = require('node:fs')
      import(workerData.entry).then(async ({ default: decode }) => {
        const audio = await decode(readFileSync(workerData.file))
        parentPort.postMessage({ sampleRate: audio.sampleRate, length: audio.channelData[0].length })
      }).catch((error) => parentPort.postMessage({ error: String(error) }))`
    const worker = new Worker(source, {
      eval: true,
      workerData: { entry, file: path.join(FORMATS, 'opus.opus') },
    })
    const result = await new Promise((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    await worker.terminate()
    expect(result).toEqual({ sampleRate: 48_000, length: 960_000 })
  })
})
