/**
 * Downmix and band-limited resampling to the analysis rate.
 *
 * The resampler is a polyphase windowed-sinc FIR (Smith, "Digital Audio Resampling",
 * https://ccrma.stanford.edu/~jos/resample/): each output sample is a dot product of the
 * input around its position with a Blackman-windowed sinc whose cutoff sits just below the
 * lower of the two Nyquist frequencies, so downsampling does not fold highs into the band.
 */

/** The single rate all analysis runs at: enough for music features up to 11 kHz. */
export const ANALYSIS_SAMPLE_RATE = 22_050

/** Zero crossings of the sinc on each side at the narrower rate: 16 taps when not decimating. */
const ZERO_CROSSINGS = 8
/** Passband edge as a share of the output Nyquist: keeps the transition band below it. */
const CUTOFF_SHARE = 0.92
/** Phases kept in the coefficient table when the rate ratio is not a small fraction. */
const MAX_PHASES = 1024

/** Averages the channels into one (a plain mean keeps the level of centred sounds). */
export function downmixToMono(channels: readonly Float32Array[]): Float32Array {
  const first = channels[0]
  if (!first) return new Float32Array(0)
  if (channels.length === 1) return first
  const length = Math.min(...channels.map((channel) => channel.length))
  const mono = new Float32Array(length)
  const second = channels[1]!
  if (channels.length === 2) {
    // The common case in one pass.
    for (let i = 0; i < length; i++) mono[i] = (first[i]! + second[i]!) * 0.5
    return mono
  }
  for (const channel of channels) {
    for (let i = 0; i < length; i++) mono[i]! += channel[i]!
  }
  const scale = 1 / channels.length
  for (let i = 0; i < length; i++) mono[i]! *= scale
  return mono
}

function greatestCommonDivisor(a: number, b: number): number {
  while (b) [a, b] = [b, a % b]
  return a
}

function blackman(x: number): number {
  // x in [-1, 1]; the 3-term Blackman window (side lobes near -58 dB).
  return 0.42 + 0.5 * Math.cos(Math.PI * x) + 0.08 * Math.cos(2 * Math.PI * x)
}

/** A reusable resampler between two fixed rates; its coefficient table is built once. */
export class Resampler {
  readonly inputRate: number
  readonly outputRate: number
  private readonly phases: number
  private readonly halfTaps: number
  private readonly taps: number
  private readonly table: Float64Array
  private readonly exactPhaseStep: boolean

  constructor(inputRate: number, outputRate: number) {
    if (!(inputRate > 0) || !(outputRate > 0)) throw new RangeError('sample rates must be positive')
    this.inputRate = inputRate
    this.outputRate = outputRate
    const divisor = greatestCommonDivisor(Math.round(inputRate), Math.round(outputRate))
    const upFactor = Math.round(outputRate) / divisor
    this.exactPhaseStep = upFactor <= MAX_PHASES
    this.phases = this.exactPhaseStep ? upFactor : MAX_PHASES
    const decimation = Math.max(1, inputRate / outputRate)
    // Cutoff in cycles per input sample: below the output Nyquist when decimating.
    const cutoff = (0.5 * CUTOFF_SHARE) / decimation
    this.halfTaps = Math.ceil(ZERO_CROSSINGS * decimation)
    this.taps = 2 * this.halfTaps
    this.table = new Float64Array(this.phases * this.taps)
    for (let phase = 0; phase < this.phases; phase++) {
      const fraction = phase / this.phases
      let sum = 0
      const row = phase * this.taps
      for (let k = 0; k < this.taps; k++) {
        // Tap k reads input[i - halfTaps + 1 + k]; its distance from the output position.
        const distance = k - this.halfTaps + 1 - fraction
        const x = 2 * cutoff * distance
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x)
        const edge = distance / (this.halfTaps + 1)
        const value = Math.abs(edge) >= 1 ? 0 : sinc * blackman(edge)
        this.table[row + k] = value
        sum += value
      }
      // Unit gain at DC for every phase, so a constant stays constant.
      for (let k = 0; k < this.taps; k++) this.table[row + k]! /= sum
    }
  }

  /** Resamples a whole signal (samples before and after it are taken as silence). */
  process(input: Float32Array): Float32Array {
    if (this.inputRate === this.outputRate) return input
    if (this.inputRate === 2 * this.outputRate) return halveRate(input)
    const outputLength = Math.floor((input.length * this.outputRate) / this.inputRate)
    const output = new Float32Array(outputLength)
    const { taps, halfTaps, table, phases } = this
    // Zero padding on both sides keeps the inner loop free of bounds checks.
    const padded = new Float32Array(input.length + 2 * taps)
    padded.set(input, taps)
    const divisor = greatestCommonDivisor(Math.round(this.inputRate), Math.round(this.outputRate))
    const down = Math.round(this.inputRate) / divisor
    const step = this.inputRate / this.outputRate
    // Input index and phase advance by fixed amounts per output sample (exact integer
    // arithmetic when the rates have a small common fraction).
    const indexStep = Math.floor(down / phases)
    const phaseStep = down - indexStep * phases
    let index = 0
    let phase = 0
    for (let n = 0; n < outputLength; n++) {
      if (!this.exactPhaseStep) {
        const position = n * step
        index = Math.floor(position)
        phase = Math.round((position - index) * phases)
        if (phase === phases) {
          index++
          phase = 0
        }
      }
      let at = index - halfTaps + 1 + taps
      let row = phase * taps
      const end = row + taps
      let acc0 = 0
      let acc1 = 0
      for (; row + 1 < end; row += 2, at += 2) {
        acc0 += padded[at]! * table[row]!
        acc1 += padded[at + 1]! * table[row + 1]!
      }
      output[n] = acc0 + acc1
      if (this.exactPhaseStep) {
        index += indexStep
        phase += phaseStep
        if (phase >= phases) {
          phase -= phases
          index++
        }
      }
    }
    return output
  }
}

/**
 * Half-band taps for exact 2:1 decimation (44.1 → 22.05 kHz, the common case): a Blackman-
 * windowed sinc with its cutoff at the new Nyquist frequency, whose every even-offset tap but
 * the centre is zero, so each output costs HALF_BAND_PAIRS multiply-adds on symmetric pairs.
 */
const HALF_BAND_PAIRS = 12
const HALF_BAND = ((): { taps: Float64Array; centre: number } => {
  const reach = 2 * HALF_BAND_PAIRS // offsets ±1, ±3, … ±(2·pairs − 1)
  const taps = new Float64Array(HALF_BAND_PAIRS)
  const rawCentre = 0.5 // 2·cutoff, with the cutoff at 0.25 cycles per input sample
  let sum = rawCentre
  for (let pair = 0; pair < HALF_BAND_PAIRS; pair++) {
    const offset = 2 * pair + 1
    const x = 0.5 * offset
    taps[pair] = 0.5 * (Math.sin(Math.PI * x) / (Math.PI * x)) * blackman(offset / reach)
    sum += 2 * taps[pair]!
  }
  // Unit gain at DC.
  for (let pair = 0; pair < HALF_BAND_PAIRS; pair++) taps[pair]! /= sum
  return { taps, centre: rawCentre / sum }
})()

function halveRate(input: Float32Array): Float32Array {
  const outputLength = Math.floor(input.length / 2)
  const output = new Float32Array(outputLength)
  const reach = 2 * HALF_BAND_PAIRS
  const padded = new Float32Array(input.length + 2 * reach)
  padded.set(input, reach)
  const { taps, centre } = HALF_BAND
  for (let n = 0; n < outputLength; n++) {
    const at = 2 * n + reach
    let acc = centre * padded[at]!
    for (let pair = 0; pair < HALF_BAND_PAIRS; pair++) {
      const offset = 2 * pair + 1
      acc += taps[pair]! * (padded[at - offset]! + padded[at + offset]!)
    }
    output[n] = acc
  }
  return output
}

const resamplers = new Map<string, Resampler>()

/** Resamples with a cached resampler for this pair of rates. */
export function resample(input: Float32Array, inputRate: number, outputRate: number): Float32Array {
  if (inputRate === outputRate) return input
  // Rates above twice the target go through twice the target first, then the half-band
  // filter: 48 and 96 kHz sources then get the same final response as 44.1 kHz ones, so one
  // song reads alike whichever rate it was encoded at (and it costs no more than one stage).
  if (inputRate > 2 * outputRate) {
    return halveRate(resamplerFor(inputRate, 2 * outputRate).process(input))
  }
  return resamplerFor(inputRate, outputRate).process(input)
}

function resamplerFor(inputRate: number, outputRate: number): Resampler {
  const key = `${inputRate}>${outputRate}`
  let resampler = resamplers.get(key)
  if (!resampler) {
    resampler = new Resampler(inputRate, outputRate)
    resamplers.set(key, resampler)
  }
  return resampler
}
