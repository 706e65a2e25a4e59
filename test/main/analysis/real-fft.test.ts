import { describe, expect, it } from 'vitest'
import { RealFft } from '../../../src/main/analysis/real-fft'

/** The DFT by its definition, O(N²): the reference the fast transform must agree with. */
function directDft(input: ArrayLike<number>): { re: number[]; im: number[] } {
  const size = input.length
  const re: number[] = []
  const im: number[] = []
  for (let k = 0; k <= size / 2; k++) {
    let sumRe = 0
    let sumIm = 0
    for (let n = 0; n < size; n++) {
      const angle = (-2 * Math.PI * ((k * n) % size)) / size
      sumRe += input[n]! * Math.cos(angle)
      sumIm += input[n]! * Math.sin(angle)
    }
    re.push(sumRe)
    im.push(sumIm)
  }
  return { re, im }
}

function randomSignal(length: number, seed = 7): Float32Array {
  let state = seed
  return Float32Array.from({ length }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    return (state / 2 ** 32) * 2 - 1
  })
}

describe('real FFT', () => {
  it.each([16, 32, 64, 128, 256, 2048])(
    'matches the DFT definition bin for bin at size %i',
    (size) => {
      const signal = Float64Array.from(randomSignal(size))
      const fft = new RealFft(size)
      const re = new Float64Array(fft.bins)
      const im = new Float64Array(fft.bins)
      fft.transform(signal, re, im)
      const expected = directDft(signal)
      for (let k = 0; k < fft.bins; k++) {
        expect(re[k]).toBeCloseTo(expected.re[k]!, 8)
        expect(im[k]).toBeCloseTo(expected.im[k]!, 8)
      }
    },
  )

  it.each([64, 512, 2048])(
    'gives the power spectrum of a windowed frame read in place at size %i',
    (size) => {
      const signal = randomSignal(3 * size, 11)
      const window = Float32Array.from(
        { length: size },
        (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / size),
      )
      const offset = 37
      const fft = new RealFft(size)
      const power = new Float64Array(fft.bins)
      fft.windowedPower(signal, offset, window, power)
      const expected = directDft(
        Array.from({ length: size }, (_, n) => signal[offset + n]! * window[n]!),
      )
      for (let k = 0; k < fft.bins; k++) {
        const reference = expected.re[k]! ** 2 + expected.im[k]! ** 2
        expect(Math.abs(power[k]! - reference)).toBeLessThan(1e-9 * (1 + reference))
      }
    },
  )

  it('puts a cosine at bin 5 into bin 5 only', () => {
    const size = 256
    const fft = new RealFft(size)
    const power = new Float64Array(fft.bins)
    const cosine = Float32Array.from({ length: size }, (_, n) =>
      Math.cos((2 * Math.PI * 5 * n) / size),
    )
    fft.windowedPower(cosine, 0, new Float32Array(size).fill(1), power)
    expect(Math.sqrt(power[5]!)).toBeCloseTo(size / 2, 3)
    power[5] = 0
    expect(Math.max(...power)).toBeLessThan(1e-6)
  })

  it('refuses sizes that are not a power of two', () => {
    expect(() => new RealFft(1000)).toThrow(RangeError)
    expect(() => new RealFft(8)).toThrow(RangeError)
  })
})
