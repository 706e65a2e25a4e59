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
  downmixInto(channels, 0, length, mono, 0)
  return mono
}

/**
 * Writes the mean of samples [from, to) of every channel into `target` from `at` on, so a
 * decoder's output goes straight into a preallocated buffer (no per-chunk mono array).
 */
export function downmixInto(
  channels: readonly Float32Array[],
  from: number,
  to: number,
  target: Float32Array,
  at: number,
): void {
  const first = channels[0]
  if (!first || to <= from) return
  if (channels.length === 1) {
    target.set(first.subarray(from, to), at)
    return
  }
  const second = channels[1]!
  const shift = at - from
  if (channels.length === 2) {
    // The common case in one pass.
    for (let i = from; i < to; i++) target[i + shift] = (first[i]! + second[i]!) * 0.5
    return
  }
  // Summed in float32 steps, channel by channel, as a Float32Array accumulator would.
  target.set(first.subarray(from, to), at)
  for (let c = 1; c < channels.length; c++) {
    const channel = channels[c]!
    for (let i = from; i < to; i++) target[i + shift]! += channel[i]!
  }
  const scale = 1 / channels.length
  for (let i = from; i < to; i++) target[i + shift]! *= scale
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
    const { taps, halfTaps, table, phases, exactPhaseStep } = this
    const length = input.length
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
      if (!exactPhaseStep) {
        const position = n * step
        index = Math.floor(position)
        phase = Math.round((position - index) * phases)
        if (phase === phases) {
          index++
          phase = 0
        }
      }
      // Taps read input[first … first + taps); even and odd taps go to two accumulators.
      const first = index - halfTaps + 1
      let row = phase * taps
      const end = row + taps
      let acc0 = 0
      let acc1 = 0
      if (first >= 0 && first + taps <= length) {
        // Inside the signal: read it directly, with no zero-padded copy (allocating and
        // copying one cost as much as the filtering).
        for (let at = first; row + 1 < end; row += 2, at += 2) {
          acc0 += input[at]! * table[row]!
          acc1 += input[at + 1]! * table[row + 1]!
        }
      } else {
        // Near the ends: samples outside the signal are silence.
        for (let at = first; row + 1 < end; row += 2, at += 2) {
          acc0 += (at >= 0 && at < length ? input[at]! : 0) * table[row]!
          acc1 += (at + 1 >= 0 && at + 1 < length ? input[at + 1]! : 0) * table[row + 1]!
        }
      }
      output[n] = acc0 + acc1
      if (exactPhaseStep) {
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
/** Fixed: halveRate's inner loop is unrolled for exactly 12 pairs. */
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
  const { taps, centre } = HALF_BAND
  const reach = 2 * HALF_BAND_PAIRS - 1
  // Outputs whose taps all fall inside the input read it directly (no zero-padded copy of
  // the signal, which cost more in allocation and page faults than the filtering itself).
  const firstInner = Math.ceil(reach / 2)
  const endInner = Math.max(firstInner, Math.floor((input.length - 1 - reach) / 2) + 1)
  const sampleOrSilence = (index: number): number =>
    index >= 0 && index < input.length ? input[index]! : 0
  for (let n = 0; n < outputLength; n++) {
    if (n === firstInner) n = Math.min(outputLength, endInner)
    if (n >= outputLength) break
    const at = 2 * n
    let acc = centre * sampleOrSilence(at)
    for (let pair = 0; pair < HALF_BAND_PAIRS; pair++) {
      const offset = 2 * pair + 1
      acc += taps[pair]! * (sampleOrSilence(at - offset) + sampleOrSilence(at + offset))
    }
    output[n] = acc
  }
  // The 12 pairs unrolled with their taps in locals, in the same order of operations as the
  // loop above, so every output is the same to the last bit. The 24 odd-offset samples sit in
  // locals that slide by one pair per output (before[k] = input[at − k], after[k] = input[at + k]):
  // two reads per output instead of 25, which made this loop 1.6× faster.
  const t0 = taps[0]!
  const t1 = taps[1]!
  const t2 = taps[2]!
  const t3 = taps[3]!
  const t4 = taps[4]!
  const t5 = taps[5]!
  const t6 = taps[6]!
  const t7 = taps[7]!
  const t8 = taps[8]!
  const t9 = taps[9]!
  const t10 = taps[10]!
  const t11 = taps[11]!
  const end = Math.min(outputLength, endInner)
  if (end <= firstInner) return output
  let at = 2 * firstInner
  let before23 = input[at - 23]!
  let before21 = input[at - 21]!
  let before19 = input[at - 19]!
  let before17 = input[at - 17]!
  let before15 = input[at - 15]!
  let before13 = input[at - 13]!
  let before11 = input[at - 11]!
  let before9 = input[at - 9]!
  let before7 = input[at - 7]!
  let before5 = input[at - 5]!
  let before3 = input[at - 3]!
  let before1 = input[at - 1]!
  let after1 = input[at + 1]!
  let after3 = input[at + 3]!
  let after5 = input[at + 5]!
  let after7 = input[at + 7]!
  let after9 = input[at + 9]!
  let after11 = input[at + 11]!
  let after13 = input[at + 13]!
  let after15 = input[at + 15]!
  let after17 = input[at + 17]!
  let after19 = input[at + 19]!
  let after21 = input[at + 21]!
  for (let n = firstInner; n < end; n++, at += 2) {
    const after23 = input[at + 23]!
    let acc = centre * input[at]!
    acc += t0 * (before1 + after1)
    acc += t1 * (before3 + after3)
    acc += t2 * (before5 + after5)
    acc += t3 * (before7 + after7)
    acc += t4 * (before9 + after9)
    acc += t5 * (before11 + after11)
    acc += t6 * (before13 + after13)
    acc += t7 * (before15 + after15)
    acc += t8 * (before17 + after17)
    acc += t9 * (before19 + after19)
    acc += t10 * (before21 + after21)
    acc += t11 * (before23 + after23)
    output[n] = acc
    before23 = before21
    before21 = before19
    before19 = before17
    before17 = before15
    before15 = before13
    before13 = before11
    before11 = before9
    before9 = before7
    before7 = before5
    before5 = before3
    before3 = before1
    before1 = after1
    after1 = after3
    after3 = after5
    after5 = after7
    after7 = after9
    after9 = after11
    after11 = after13
    after13 = after15
    after15 = after17
    after17 = after19
    after19 = after21
    after21 = after23
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
