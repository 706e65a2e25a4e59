import { describe, expect, it } from 'vitest'
import {
  downmixInto,
  downmixToMono,
  resample,
  Resampler,
} from '../../../src/main/analysis/resample'

function sine(hz: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: Math.round(rate * seconds) },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate),
  )
}

function rms(signal: Float32Array, skip = 0): number {
  let sum = 0
  for (let i = skip; i < signal.length - skip; i++) sum += signal[i]! ** 2
  return Math.sqrt(sum / (signal.length - 2 * skip))
}

describe('resampling to the analysis rate', () => {
  it.each([44_100, 48_000, 96_000, 8_000, 32_000])(
    'keeps a 440 Hz tone at its level when converting from %i Hz',
    (rate) => {
      const output = resample(sine(440, rate, 1), rate, 22_050)
      expect(output.length).toBe(22_050)
      expect(rms(output, 200)).toBeCloseTo(0.5 / Math.SQRT2, 2)
    },
  )

  it('removes tones above the new Nyquist frequency instead of folding them into the band', () => {
    // 15 kHz at 44.1 kHz would alias to 7.05 kHz at 22.05 kHz without the low-pass.
    const output = resample(sine(15_000, 44_100, 1), 44_100, 22_050)
    expect(20 * Math.log10(rms(output, 200) / (0.5 / Math.SQRT2))).toBeLessThan(-50)
  })

  it.each([44_100, 48_000, 96_000])(
    'keeps the passband flat to 8 kHz when converting from %i Hz',
    (rate) => {
      for (const hz of [1_000, 4_000, 8_000]) {
        const output = resample(sine(hz, rate, 1), rate, 22_050)
        expect(
          Math.abs(20 * Math.log10(rms(output, 500) / (0.5 / Math.SQRT2))),
          `${hz} Hz`,
        ).toBeLessThan(0.5)
      }
    },
  )

  it('keeps a constant signal constant', () => {
    const output = resample(new Float32Array(48_000).fill(0.25), 48_000, 22_050)
    for (let i = 100; i < output.length - 100; i++) expect(output[i]).toBeCloseTo(0.25, 5)
  })

  it.each([0, 1, 2, 5, 23, 24, 25, 47, 48, 49, 50, 51, 100, 1001])(
    'treats samples beyond both ends of a %i-sample signal as silence when halving the rate',
    (length) => {
      // The same signal with 48 zeros on each side: its output, 24 samples later, must be
      // identical to the last bit (the ends are filtered without a padded copy).
      const signal = Float32Array.from({ length }, (_, i) => Math.sin(i * 0.7) + 0.1 * (i % 3))
      const padded = new Float32Array(length + 96)
      padded.set(signal, 48)
      const output = resample(signal, 44_100, 22_050)
      const paddedOutput = resample(padded, 44_100, 22_050)
      expect(output.length).toBe(Math.floor(length / 2))
      expect(Array.from(output)).toEqual(Array.from(paddedOutput.subarray(24, 24 + output.length)))
    },
  )

  it.each([0, 1, 9, 17, 18, 19, 160, 1001])(
    'treats samples beyond both ends of a %i-sample signal as silence when converting 48 to 44.1 kHz',
    (length) => {
      // 160 input samples are exactly 147 output samples, at the same filter phase.
      const signal = Float32Array.from({ length }, (_, i) => Math.cos(i * 0.3) - 0.2 * (i % 5))
      const padded = new Float32Array(length + 320)
      padded.set(signal, 160)
      const resampler = new Resampler(48_000, 44_100)
      const output = resampler.process(signal)
      const paddedOutput = resampler.process(padded)
      expect(Array.from(output)).toEqual(
        Array.from(paddedOutput.subarray(147, 147 + output.length)),
      )
    },
  )

  it('averages channels when downmixing', () => {
    const mono = downmixToMono([Float32Array.of(1, 0.5), Float32Array.of(0, -0.5)])
    expect(Array.from(mono)).toEqual([0.5, 0])
  })

  it('downmixes a range of samples into a buffer at an offset, leaving the rest untouched', () => {
    const left = Float32Array.of(1, 2, 3, 4)
    const right = Float32Array.of(3, 2, 1, 0)
    const target = new Float32Array(5).fill(9)
    downmixInto([left, right], 1, 3, target, 2)
    expect(Array.from(target)).toEqual([9, 9, 2, 2, 9])
    downmixInto([left], 2, 4, target, 0)
    expect(Array.from(target)).toEqual([3, 4, 2, 2, 9])
  })

  it('downmixes many channels to their float32 mean', () => {
    const channels = [0.1, 0.7, -0.3, 0.45, 0.9, -0.2].map((scale) =>
      Float32Array.from({ length: 300 }, (_, i) => scale * Math.sin(i * 0.37 + scale)),
    )
    const target = new Float32Array(310)
    downmixInto(channels, 0, 300, target, 10)
    // Reference: a float32 running sum, channel after channel, then the scale.
    const expected = Array.from({ length: 300 }, (_, i) => {
      let sum = 0
      for (const channel of channels) sum = Math.fround(sum + channel[i]!)
      return Math.fround(sum * (1 / channels.length))
    })
    expect(Array.from(target.subarray(10))).toEqual(expected)
    expect(Array.from(downmixToMono(channels))).toEqual(expected)
  })
})
