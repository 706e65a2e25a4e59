import FFT from 'fft.js'
import { describe, expect, it } from 'vitest'
import { EXTRACTOR, FEATURES } from '../../../src/main/analysis/feature-names'
import {
  contrastDb,
  estimateKey,
  extractFeatureDetails,
  extractFeatures,
  FRAME_SIZE,
  HOP_SIZE,
} from '../../../src/main/analysis/features'
import { planWindows, sliceWindows } from '../../../src/main/analysis/windows'

const RATE = 22_050

function feature(vector: Float32Array, name: string): number {
  const index = FEATURES.findIndex((entry) => entry.name === name)
  expect(index, name).toBeGreaterThanOrEqual(0)
  return vector[index]!
}

function sine(hz: number, seconds: number, rate = RATE, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: Math.round(rate * seconds) },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate),
  )
}

/** Deterministic white noise in [-amplitude, amplitude] (a linear congruential generator). */
function noise(seconds: number, amplitude = 0.5, rate = RATE): Float32Array {
  let state = 12345
  return Float32Array.from({ length: Math.round(rate * seconds) }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    return amplitude * ((state / 2 ** 32) * 2 - 1)
  })
}

function clickTrack(bpm: number, seconds: number): Float32Array {
  const signal = new Float32Array(RATE * seconds)
  const burst = noise(0.01, 0.8)
  for (let t = 0; t < seconds; t += 60 / bpm)
    signal.set(
      burst.subarray(0, Math.min(burst.length, signal.length - Math.round(t * RATE))),
      Math.round(t * RATE),
    )
  return signal
}

function expectFinite(vector: Float32Array): void {
  expect(vector.length).toBe(FEATURES.length)
  for (let i = 0; i < vector.length; i++)
    expect(Number.isFinite(vector[i]), FEATURES[i]!.name).toBe(true)
}

describe('feature catalogue', () => {
  it('names every dimension once, with a group, a unit and a meaning', () => {
    expect(new Set(FEATURES.map((entry) => entry.name)).size).toBe(FEATURES.length)
    for (const entry of FEATURES) {
      expect(entry.unit.length).toBeGreaterThan(0)
      expect(entry.meaning.length).toBeGreaterThan(10)
    }
    expect(EXTRACTOR).toEqual({ space: 'attune-dsp-v1', version: 4, dims: FEATURES.length })
  })

  it('produces vectors exactly as long as the catalogue', () => {
    expect(extractFeatures(sine(440, 2), RATE).length).toBe(FEATURES.length)
  })
})

describe('known answers on synthetic signals', () => {
  it('puts the chroma peak of a 440 Hz sine on A and its spectral centroid near 440 Hz', () => {
    const details = extractFeatureDetails(sine(440, 10), RATE)
    const peak = details.rawChroma.indexOf(Math.max(...details.rawChroma))
    expect(peak).toBe(9) // C = 0 … A = 9
    expect(feature(details.vector, 'spectral_centroid_mean')).toBeGreaterThan(420)
    expect(feature(details.vector, 'spectral_centroid_mean')).toBeLessThan(460)
  })

  it('finds 120 BPM in a 120 BPM click track', () => {
    const vector = extractFeatures(clickTrack(120, 30), RATE)
    expect(Math.abs(feature(vector, 'tempo_bpm') - 120)).toBeLessThanOrEqual(2)
    expect(feature(vector, 'onset_rate')).toBeGreaterThan(1.5)
    expect(feature(vector, 'onset_rate')).toBeLessThan(2.5)
  })

  it('gives white noise a high spectral flatness and a sine a low one', () => {
    // For white noise the magnitude flatness tends to exp((ln 2 − γ)/2)/√(π/2) ≈ 0.85 (Rayleigh magnitudes).
    expect(feature(extractFeatures(noise(5), RATE), 'spectral_flatness_mean')).toBeGreaterThan(0.75)
    expect(feature(extractFeatures(sine(440, 5), RATE), 'spectral_flatness_mean')).toBeLessThan(
      0.05,
    )
  })

  it('reads a full-scale sine at about −3 dBFS and a 20 dB quieter one 20 dB lower', () => {
    const loud = feature(extractFeatures(sine(440, 3, RATE, 1), RATE), 'loudness_p50_db')
    const quiet = feature(extractFeatures(sine(440, 3, RATE, 0.1), RATE), 'loudness_p50_db')
    expect(loud).toBeCloseTo(-3.01, 1)
    expect(loud - quiet).toBeCloseTo(20, 1)
  })

  it('estimates the key of an A minor triad as A minor and rotates its tonic to bin 0', () => {
    const triad = sine(220, 10).map(
      (x, i) =>
        x +
        0.5 * Math.sin((2 * Math.PI * 261.63 * i) / RATE) +
        0.5 * Math.sin((2 * Math.PI * 329.63 * i) / RATE),
    )
    const details = extractFeatureDetails(triad, RATE)
    expect(details.key.tonic).toBe(9)
    expect(details.key.major).toBe(false)
    expect(feature(details.vector, 'key_mode')).toBe(0)
    expect(feature(details.vector, 'chroma_key_0')).toBeCloseTo(details.rawChroma[9]!, 6)
  })

  it('picks C major for the C major profile itself', () => {
    const key = estimateKey([
      6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88,
    ])
    expect(key).toMatchObject({ tonic: 0, major: true })
    expect(key.strength).toBeCloseTo(1, 6)
  })
})

describe('robustness', () => {
  it.each([
    ['digital silence', new Float32Array(RATE * 5), RATE],
    ['no samples at all', new Float32Array(0), RATE],
    ['half a second', sine(440, 0.5), RATE],
    ['a few samples', sine(440, 0.01), RATE],
    ['8 kHz audio', sine(440, 5, 8_000), 8_000],
    ['96 kHz audio', sine(440, 5, 96_000), 96_000],
    ['a clipped square wave', sine(100, 5).map((x) => (x >= 0 ? 1 : -1)), RATE],
  ])('returns a finite vector for %s', (_label, signal, rate) => {
    expectFinite(extractFeatures(signal, rate))
  })

  it('leaves near-silent frames out of the statistics', () => {
    // Half a tone, half near-silence: timbre statistics should match the tone alone.
    const tone = noise(5, 0.3)
    const withQuiet = new Float32Array(tone.length * 2)
    withQuiet.set(tone)
    withQuiet.set(noise(5, 0.3e-4), tone.length)
    const alone = extractFeatures(tone, RATE)
    const gated = extractFeatures(withQuiet, RATE)
    expect(feature(gated, 'spectral_flatness_mean')).toBeCloseTo(
      feature(alone, 'spectral_flatness_mean'),
      2,
    )
    expect(Math.abs(feature(gated, 'mfcc1_mean') - feature(alone, 'mfcc1_mean'))).toBeLessThan(0.5)
  })

  it('gives the same signal the identical vector every time', () => {
    const signal = clickTrack(100, 20).map((x, i) => x + 0.2 * Math.sin(i / 10))
    expect(Array.from(extractFeatures(signal, RATE))).toEqual(
      Array.from(extractFeatures(signal, RATE)),
    )
  })

  it('analyses at most four 15 s windows of a 10-minute signal, each in the middle of its quarter', () => {
    const windows = planWindows(600)
    expect(windows).toHaveLength(4)
    expect(windows[0]!.start).toBeCloseTo(75 - 7.5, 6)
    expect(windows[3]!.start + windows[3]!.length / 2).toBeCloseTo(525, 6)
    const long = sine(220, 600, RATE, 0.3)
    const details = extractFeatureDetails(long, RATE)
    // Bounded work, whatever the length: the frames of four 15 s windows (no stopwatch here).
    expect(details.frames).toBeLessThanOrEqual(4 * Math.ceil((15 * RATE) / 512))
    expectFinite(details.vector)
  })
})

describe('the analysis window plan', () => {
  it.each([
    // duration, expected [start, length] of each window
    [30, [[7.5, 15]]],
    [20, [[5, 10]]],
    [12, [[1, 10]]],
    [
      60,
      [
        [5, 10],
        [25, 10],
        [45, 10],
      ],
    ],
    [
      100,
      [
        [6.25, 12.5],
        [31.25, 12.5],
        [56.25, 12.5],
        [81.25, 12.5],
      ],
    ],
    [
      120,
      [
        [7.5, 15],
        [37.5, 15],
        [67.5, 15],
        [97.5, 15],
      ],
    ],
  ])(
    'analyses half of a %s s track, in windows of at least 10 s in the middle of equal parts',
    (duration, expected) => {
      const windows = planWindows(duration)
      expect(windows.map((window) => [window.start, window.length])).toHaveLength(expected.length)
      windows.forEach((window, i) => {
        expect(window.start).toBeCloseTo(expected[i]![0]!, 9)
        expect(window.length).toBeCloseTo(expected[i]![1]!, 9)
      })
    },
  )

  it.each([0.5, 5, 10])('analyses a track of %s s whole', (duration) => {
    expect(planWindows(duration)).toEqual([{ start: 0, length: duration }])
  })

  it('never plans more than 60 s, nor windows that overlap or leave the track', () => {
    for (let duration = 1; duration <= 3600; duration *= 1.07) {
      const windows = planWindows(duration)
      const total = windows.reduce((sum, window) => sum + window.length, 0)
      expect(total, `${duration} s`).toBeLessThanOrEqual(60 + 1e-9)
      expect(total, `${duration} s`).toBeGreaterThanOrEqual(
        Math.min(duration, 60, Math.max(0.5 * duration, 10)) - 1e-9,
      )
      windows.forEach((window, i) => {
        expect(window.start).toBeGreaterThanOrEqual(0)
        expect(window.start + window.length).toBeLessThanOrEqual(duration + 1e-9)
        if (i > 0)
          expect(window.start).toBeGreaterThanOrEqual(
            windows[i - 1]!.start + windows[i - 1]!.length - 1e-9,
          )
      })
    }
  })

  it('cuts a signal into exactly the planned windows', () => {
    const signal = Float32Array.from({ length: 30 * RATE }, (_, i) => i)
    const [window] = sliceWindows(signal, RATE)
    expect(sliceWindows(signal, RATE)).toHaveLength(1)
    expect(window!.length).toBe(15 * RATE)
    expect(window![0]).toBe(7.5 * RATE)
  })
})

describe('agreement with the textbook definitions', () => {
  /**
   * Per-frame spectral shape computed the slow, obvious way (fft.js complex spectrum, one loop
   * per statistic), averaged over all frames: the fast frame loop must give the same numbers.
   */
  function referenceShape(signal: Float32Array): Record<string, number> {
    const fft = new FFT(FRAME_SIZE)
    const bins = FRAME_SIZE / 2 + 1
    const frames = 1 + Math.floor((signal.length - FRAME_SIZE) / HOP_SIZE)
    const sums = { centroid: 0, bandwidth: 0, rolloff: 0, flatness: 0, flux: 0 }
    let previous: number[] | null = null
    for (let i = 0; i < frames; i++) {
      const frame = Array.from(
        { length: FRAME_SIZE },
        (_, n) =>
          signal[i * HOP_SIZE + n]! *
          Math.fround(0.5 - 0.5 * Math.cos((2 * Math.PI * n) / FRAME_SIZE)),
      )
      const spectrum = fft.createComplexArray() as number[]
      fft.realTransform(spectrum, frame)
      const magnitude = Array.from({ length: bins }, (_, k) =>
        Math.hypot(spectrum[2 * k]!, spectrum[2 * k + 1]!),
      )
      const hz = Array.from({ length: bins }, (_, k) => (k * RATE) / FRAME_SIZE)
      const total = magnitude.reduce((sum, m) => sum + m, 0)
      const centroid = magnitude.reduce((sum, m, k) => sum + m * hz[k]!, 0) / total
      const spread = magnitude.reduce((sum, m, k) => sum + m * (hz[k]! - centroid) ** 2, 0)
      const energy = magnitude.reduce((sum, m) => sum + m * m, 0)
      let cumulative = 0
      const rolloffBin = magnitude.findIndex((m) => (cumulative += m * m) >= 0.85 * energy)
      const logMean = magnitude.reduce((sum, m) => sum + Math.log(m + 1e-10), 0) / bins
      const unit = magnitude.map((m) => m / Math.sqrt(energy))
      sums.centroid += centroid
      sums.bandwidth += Math.sqrt(spread / total)
      sums.rolloff += hz[rolloffBin]!
      sums.flatness += Math.exp(logMean) / (total / bins)
      if (previous) {
        const prior = previous
        sums.flux += Math.sqrt(unit.reduce((sum, u, k) => sum + Math.max(0, u - prior[k]!) ** 2, 0))
      }
      previous = unit
    }
    return {
      spectral_centroid_mean: sums.centroid / frames,
      spectral_bandwidth_mean: sums.bandwidth / frames,
      spectral_rolloff_mean: sums.rolloff / frames,
      spectral_flatness_mean: sums.flatness / frames,
      spectral_flux_mean: sums.flux / frames,
    }
  }

  it('computes centroid, bandwidth, roll-off, flatness and flux as their definitions do', () => {
    // Noise plus a gliding tone: every frame is loud enough to be kept and each differs.
    const base = noise(3, 0.2)
    const signal = base.map(
      (x, i) => x + 0.4 * Math.sin((2 * Math.PI * (300 + i / 200) * i) / RATE),
    )
    const vector = extractFeatures(signal, RATE)
    for (const [name, expected] of Object.entries(referenceShape(signal)))
      expect(feature(vector, name) / expected, name).toBeCloseTo(1, 4)
  })
})

describe('band contrast', () => {
  it('is the top 20 % mean over the bottom 20 % mean, in dB, whatever the order of the values', () => {
    let seed = 11
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (const size of [1, 2, 3, 5, 10, 23, 64, 117, 512]) {
      const values = Float64Array.from({ length: size }, () => random() ** 3)
      const sorted = [...values].sort((a, b) => a - b)
      const take = Math.max(1, Math.round(0.2 * size))
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
      const expected =
        20 *
        Math.log10(
          (mean(sorted.slice(size - take)) + 1e-10) / (mean(sorted.slice(0, take)) + 1e-10),
        )
      expect(contrastDb(values, size), `size ${size}`).toBeCloseTo(expected, 9)
    }
  })
})
