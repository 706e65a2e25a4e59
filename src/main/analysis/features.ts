/**
 * The `attune-dsp-v1` feature extractor: a fixed-length vector of named, documented
 * statistics (see feature-names.ts and docs/features.md) computed from a bounded amount of
 * audio spread over the track.
 *
 * Frames: 2048-point real FFT (real-fft.ts), Hann window, hop 512, at 22,050 Hz
 * (93 ms frames, 43 frames per second).
 */
import {
  CONTRAST_BAND_EDGES_HZ,
  FEATURE_INDEX,
  FEATURES,
  MFCC_COUNT,
  MODULATION_RATES_HZ,
  ONSET_BANDS,
  SHAPE_BANDS,
  TEMPO_BANDS_BPM,
} from './feature-names'
import { RealFft } from './real-fft'
import { ANALYSIS_SAMPLE_RATE, resample } from './resample'
import { sliceWindows } from './windows'

export const FRAME_SIZE = 2048
export const HOP_SIZE = 512
const BINS = FRAME_SIZE / 2 + 1
const MEL_BANDS = 40
/** Frames quieter than the track's loud level (90th percentile) by more than this are left out of the statistics. */
const RELATIVE_GATE_DB = 40
/** Frames below this level are digital silence, whatever the track's level. */
const ABSOLUTE_GATE_DBFS = -80
const DB_FLOOR = -100
/**
 * Added to mel-band power before the log: about 80 dB below a full-scale sine's peak bin
 * (power (2048/4)² ≈ 2.6e5), so empty bands and codec noise floors read alike rather than as
 * large random negative numbers.
 */
const MEL_POWER_FLOOR = 2.6e-3
const ROLLOFF_SHARE = 0.85
const CONTRAST_QUANTILE = 0.2
const CONTRAST_EVERY = 4
const CHROMA_MIN_HZ = 100
const CHROMA_MAX_HZ = 5000
const TEMPO_MIN_BPM = 30
const TEMPO_MAX_BPM = 300
/** Prior over tempi: log-normal around 120 BPM with one octave deviation (as librosa's beat tracker). */
const TEMPO_PRIOR_BPM = 120
const TEMPO_PRIOR_OCTAVES = 1
/** Tempo drift compares the tempo of stretches of about this many seconds. */
const TEMPO_DRIFT_SECONDS = 5
/** Loudness range: loudness of 3 s stretches, every second (as EBU R 128's short-term loudness). */
const LOUDNESS_RANGE_SECONDS = 3

/** Krumhansl–Kessler key profiles (Krumhansl 1990, Cognitive Foundations of Musical Pitch). */
const MAJOR_PROFILE = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]
const MINOR_PROFILE = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]

interface SparseFilter {
  start: number
  weights: Float32Array
}

/** Everything that depends only on the frame parameters, built once per process. */
export class AnalysisTables {
  readonly fft = new RealFft(FRAME_SIZE)
  readonly window = new Float32Array(FRAME_SIZE)
  readonly binHz = new Float32Array(BINS)
  readonly mel: SparseFilter[] = []
  readonly dct: Float32Array[] = []
  /**
   * The mel filters flattened for the frame loop: band b's weights are
   * melWeights[melStart[b] … melEnd[b]), applied to the bins from melBin[b] on.
   */
  readonly melWeights: Float64Array
  readonly melStart = new Int32Array(MEL_BANDS)
  readonly melEnd = new Int32Array(MEL_BANDS)
  readonly melBin = new Int32Array(MEL_BANDS)
  /** The DCT rows back to back (MFCC_COUNT × MEL_BANDS), same values as `dct`. */
  readonly dctRows = new Float64Array(MFCC_COUNT * MEL_BANDS)
  /** The bins that count towards chroma, and the pitch class of each. */
  readonly chromaBins: Int32Array
  readonly chromaClasses: Uint8Array
  readonly chromaClass = new Int8Array(BINS).fill(-1)
  readonly contrastBands: [number, number][] = []
  /** The SHAPE_BANDS and ONSET_BANDS entry of each mel band (by its centre frequency). */
  readonly melShapeBand = new Int32Array(MEL_BANDS)
  readonly melOnsetBand = new Int32Array(MEL_BANDS)
  readonly shapeBandSize = new Int32Array(SHAPE_BANDS.length)
  readonly onsetBandSize = new Int32Array(ONSET_BANDS.length)
  readonly chromaFirstBin = Math.ceil((CHROMA_MIN_HZ * FRAME_SIZE) / ANALYSIS_SAMPLE_RATE)
  readonly chromaLastBin = Math.floor((CHROMA_MAX_HZ * FRAME_SIZE) / ANALYSIS_SAMPLE_RATE)

  constructor() {
    for (let i = 0; i < FRAME_SIZE; i++)
      this.window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / FRAME_SIZE)
    for (let bin = 0; bin < BINS; bin++) this.binHz[bin] = (bin * ANALYSIS_SAMPLE_RATE) / FRAME_SIZE
    // Triangular mel filters on the power spectrum, HTK mel scale, 20 Hz to Nyquist.
    const toMel = (hz: number): number => 2595 * Math.log10(1 + hz / 700)
    const fromMel = (mel: number): number => 700 * (10 ** (mel / 2595) - 1)
    const low = toMel(20)
    const high = toMel(ANALYSIS_SAMPLE_RATE / 2)
    const edges = Array.from({ length: MEL_BANDS + 2 }, (_, i) =>
      fromMel(low + ((high - low) * i) / (MEL_BANDS + 1)),
    )
    for (let band = 0; band < MEL_BANDS; band++) {
      const [left, centre, right] = [edges[band]!, edges[band + 1]!, edges[band + 2]!]
      const weights: number[] = []
      let start = -1
      for (let bin = 0; bin < BINS; bin++) {
        const hz = this.binHz[bin]!
        const weight =
          hz <= left || hz >= right
            ? 0
            : hz <= centre
              ? (hz - left) / (centre - left)
              : (right - hz) / (right - centre)
        if (weight > 0) {
          // Triangles are contiguous, so the weights of one band are consecutive bins.
          if (start < 0) start = bin
          weights.push(weight)
        }
      }
      if (start < 0) {
        // A band narrower than one bin: take the nearest bin.
        start = Math.round((centre * FRAME_SIZE) / ANALYSIS_SAMPLE_RATE)
        weights.push(1)
      }
      this.mel.push({ start, weights: Float32Array.from(weights) })
      const shape = Math.max(
        0,
        SHAPE_BANDS.findIndex((b) => centre >= b.low && centre < b.high),
      )
      const onset = Math.max(
        0,
        ONSET_BANDS.findIndex((b) => centre >= b.low && centre < b.high),
      )
      this.melShapeBand[band] = shape
      this.melOnsetBand[band] = onset
      this.shapeBandSize[shape]!++
      this.onsetBandSize[onset]!++
    }
    // Orthonormal DCT-II rows 1..13 (row 0, overall level, is left to the loudness features).
    for (let k = 1; k <= MFCC_COUNT; k++) {
      const row = new Float32Array(MEL_BANDS)
      for (let m = 0; m < MEL_BANDS; m++)
        row[m] = Math.sqrt(2 / MEL_BANDS) * Math.cos((Math.PI * k * (m + 0.5)) / MEL_BANDS)
      this.dct.push(row)
    }
    // Each bin to the nearest equal-tempered pitch class (A4 = 440 Hz, C = 0).
    for (let bin = 1; bin < BINS; bin++) {
      const hz = this.binHz[bin]!
      if (hz < CHROMA_MIN_HZ || hz > CHROMA_MAX_HZ) continue
      const semitonesFromA = Math.round(12 * Math.log2(hz / 440))
      this.chromaClass[bin] = (((semitonesFromA + 9) % 12) + 12) % 12
    }
    for (let band = 0; band < CONTRAST_BAND_EDGES_HZ.length - 1; band++) {
      const from = Math.max(
        1,
        Math.ceil((CONTRAST_BAND_EDGES_HZ[band]! * FRAME_SIZE) / ANALYSIS_SAMPLE_RATE),
      )
      const to = Math.min(
        BINS,
        Math.ceil((CONTRAST_BAND_EDGES_HZ[band + 1]! * FRAME_SIZE) / ANALYSIS_SAMPLE_RATE),
      )
      this.contrastBands.push([from, to])
    }
    this.melWeights = new Float64Array(
      this.mel.reduce((sum, filter) => sum + filter.weights.length, 0),
    )
    let at = 0
    this.mel.forEach((filter, band) => {
      this.melStart[band] = at
      this.melBin[band] = filter.start
      this.melWeights.set(filter.weights, at)
      at += filter.weights.length
      this.melEnd[band] = at
    })
    this.dct.forEach((row, k) => this.dctRows.set(row, k * MEL_BANDS))
    const chromaBins: number[] = []
    const chromaClasses: number[] = []
    for (let bin = this.chromaFirstBin; bin <= this.chromaLastBin; bin++) {
      const pitchClass = this.chromaClass[bin]!
      if (pitchClass < 0) continue
      chromaBins.push(bin)
      chromaClasses.push(pitchClass)
    }
    this.chromaBins = Int32Array.from(chromaBins)
    this.chromaClasses = Uint8Array.from(chromaClasses)
  }
}

let tables: AnalysisTables | null = null
/** The frame tables (window, mel filters, pitch class of each bin), built once; also for bench/embedding-probe.ts. */
export function getTables(): AnalysisTables {
  tables ??= new AnalysisTables()
  return tables
}

/** Per-frame measurements of all windows, one row per frame. */
interface FrameTrack {
  count: number
  rmsDb: Float32Array
  zcr: Float32Array
  centroid: Float32Array
  bandwidth: Float32Array
  rolloff: Float32Array
  flatness: Float32Array
  flux: Float32Array
  contrast: Float32Array // count × bands
  /** Contrast valleys against the frame's mean magnitude (dB), count × bands (every CONTRAST_EVERY-th frame). */
  valley: Float32Array
  /** Mel-band levels grouped in SHAPE_BANDS, against the frame's mean mel level (dB), count × bands. */
  shape: Float32Array
  /** Onset strength per ONSET_BANDS entry, count × bands. */
  bandOnset: Float32Array
  /** Mean mel level (dB) per ONSET_BANDS entry, count × bands (for the modulation spectrum). */
  bandLevel: Float32Array
  mfcc: Float32Array // count × MFCC_COUNT
  chroma: Float32Array // count × 12
  onset: Float32Array
  /** Index of the first frame of each window, plus the total count at the end. */
  windowStarts: number[]
}

function frameCount(length: number): number {
  if (length <= 0) return 0
  return length < FRAME_SIZE ? 1 : 1 + Math.floor((length - FRAME_SIZE) / HOP_SIZE)
}

function analyseFrames(windows: readonly Float32Array[]): FrameTrack {
  const t = getTables()
  const total = windows.reduce((sum, window) => sum + frameCount(window.length), 0)
  const bands = t.contrastBands.length
  const track: FrameTrack = {
    count: total,
    rmsDb: new Float32Array(total),
    zcr: new Float32Array(total),
    centroid: new Float32Array(total),
    bandwidth: new Float32Array(total),
    rolloff: new Float32Array(total),
    flatness: new Float32Array(total),
    flux: new Float32Array(total),
    contrast: new Float32Array(total * bands),
    valley: new Float32Array(total * bands),
    shape: new Float32Array(total * SHAPE_BANDS.length),
    bandOnset: new Float32Array(total * ONSET_BANDS.length),
    bandLevel: new Float32Array(total * ONSET_BANDS.length),
    mfcc: new Float32Array(total * MFCC_COUNT),
    chroma: new Float32Array(total * 12),
    onset: new Float32Array(total),
    windowStarts: [],
  }
  const shortFrame = new Float32Array(FRAME_SIZE)
  const power = new Float64Array(BINS)
  // Magnitude spectra of this frame and the previous one (swapped each frame, no copying), and
  // the previous frame's 1 / L2 norm, for the flux between unit-norm spectra.
  let magnitude = new Float64Array(BINS)
  let previousMagnitude = new Float64Array(BINS)
  let previousInverseNorm = 0
  const logMel = new Float64Array(MEL_BANDS)
  const previousLogMel = new Float64Array(MEL_BANDS)
  const chroma = new Float64Array(12)
  const scratch = new Float64Array(BINS)
  const { binHz, window: hann, melStart, melEnd, melBin, melWeights, dctRows } = t
  const { chromaBins, chromaClasses, melShapeBand, melOnsetBand, shapeBandSize, onsetBandSize } = t
  const shapeBands = SHAPE_BANDS.length
  const onsetBands = ONSET_BANDS.length
  const shapeSum = new Float64Array(shapeBands)
  const onsetSum = new Float64Array(onsetBands)
  const levelSum = new Float64Array(onsetBands)
  const contrastParts = new Float64Array(2)
  const blocksPerFrame = FRAME_SIZE / HOP_SIZE
  let f = 0
  for (const signal of windows) {
    track.windowStarts.push(f)
    const frames = frameCount(signal.length)
    // Energy and zero crossings per hop-sized block, so each sample is visited once for them
    // rather than once per overlapping frame. blockCrossings[b] counts sign changes between
    // consecutive samples inside block b plus the one entering it from block b − 1.
    const blocks = Math.ceil(signal.length / HOP_SIZE) + blocksPerFrame
    const blockEnergy = new Float64Array(blocks)
    const blockCrossings = new Int32Array(blocks)
    const enteringCrossing = new Uint8Array(blocks)
    let previousNegative = signal.length > 0 && signal[0]! < 0 ? 1 : 0
    for (let block = 0, from = 0; from < signal.length; block++, from += HOP_SIZE) {
      const to = Math.min(signal.length, from + HOP_SIZE)
      let energy = 0
      let crossings = 0
      // Branch-free count: on noisy signals a branch here mispredicts half the time.
      const first = signal[from]!
      const firstNegative = first < 0 ? 1 : 0
      enteringCrossing[block] = firstNegative ^ previousNegative
      crossings += firstNegative ^ previousNegative
      energy += first * first
      previousNegative = firstNegative
      for (let n = from + 1; n < to; n++) {
        const x = signal[n]!
        energy += x * x
        const negative = x < 0 ? 1 : 0
        crossings += negative ^ previousNegative
        previousNegative = negative
      }
      blockEnergy[block] = energy
      blockCrossings[block] = crossings
    }
    for (let i = 0; i < frames; i++, f++) {
      const offset = i * HOP_SIZE
      let energy = 0
      let crossings = -enteringCrossing[i]!
      for (let b = i; b < i + blocksPerFrame; b++) {
        energy += blockEnergy[b]!
        crossings += blockCrossings[b]!
      }
      const rms = Math.sqrt(Math.max(0, energy) / FRAME_SIZE)
      track.rmsDb[f] = rms > 0 ? Math.max(DB_FLOOR, 20 * Math.log10(rms)) : DB_FLOOR
      track.zcr[f] = (crossings * ANALYSIS_SAMPLE_RATE) / FRAME_SIZE

      if (offset + FRAME_SIZE <= signal.length) t.fft.windowedPower(signal, offset, hann, power)
      else {
        // A signal shorter than one frame: its only frame is zero-padded.
        shortFrame.fill(0)
        shortFrame.set(signal.subarray(offset))
        t.fft.windowedPower(shortFrame, 0, hann, power)
      }
      // One pass over the power spectrum for the magnitudes and every sum the spectral shape
      // needs, bins taken in pairs with an accumulator for each (the additions of one
      // accumulator wait for each other; two chains run side by side).
      let magnitudeSum = 0
      let powerSum = 0
      let weightedHz = 0
      let weightedSquaredHz = 0
      let oddMagnitudeSum = 0
      let oddPowerSum = 0
      let oddWeightedHz = 0
      let oddWeightedSquaredHz = 0
      let logMagnitudeSum = 0
      // Geometric mean via products of 16 (one log per 16 bins; 16 factors between 1e-10 and
      // ~1e3 stay within float64 range). BINS = 16·64 + 1: the last bin is added on its own.
      for (let group = 0; group + 16 <= BINS; group += 16) {
        let product = 1
        let oddProduct = 1
        for (let bin = group; bin < group + 16; bin += 2) {
          const p = power[bin]!
          const m = Math.sqrt(p)
          const hz = binHz[bin]!
          magnitude[bin] = m
          magnitudeSum += m
          powerSum += p
          const mHz = m * hz
          weightedHz += mHz
          weightedSquaredHz += mHz * hz
          product *= m + 1e-10
          const oddP = power[bin + 1]!
          const oddM = Math.sqrt(oddP)
          const oddHz = binHz[bin + 1]!
          magnitude[bin + 1] = oddM
          oddMagnitudeSum += oddM
          oddPowerSum += oddP
          const oddMHz = oddM * oddHz
          oddWeightedHz += oddMHz
          oddWeightedSquaredHz += oddMHz * oddHz
          oddProduct *= oddM + 1e-10
        }
        logMagnitudeSum += Math.log(product * oddProduct)
      }
      {
        const p = power[BINS - 1]!
        const m = Math.sqrt(p)
        const hz = binHz[BINS - 1]!
        magnitude[BINS - 1] = m
        magnitudeSum += m + oddMagnitudeSum
        powerSum += p + oddPowerSum
        weightedHz += m * hz + oddWeightedHz
        weightedSquaredHz += m * hz * hz + oddWeightedSquaredHz
        logMagnitudeSum += Math.log(m + 1e-10)
      }
      // Spectral shape (Peeters 2004, "A large set of audio features"): magnitude-weighted
      // moments; the spread Σ m·(hz − centroid)² expanded as Σ m·hz² − centroid·Σ m·hz.
      const centroid = magnitudeSum > 0 ? weightedHz / magnitudeSum : 0
      const spread = Math.max(0, weightedSquaredHz - centroid * weightedHz)
      let rolloffBin = BINS - 1
      const rolloffTarget = ROLLOFF_SHARE * powerSum
      let cumulative = 0
      for (let bin = 0; bin < BINS; bin++) {
        cumulative += power[bin]!
        if (cumulative >= rolloffTarget) {
          rolloffBin = bin
          break
        }
      }
      // Flux between unit-norm spectra, so it measures change of shape, not of level.
      const inverseNorm = powerSum > 0 ? 1 / Math.sqrt(powerSum) : 0
      // Two accumulators (even and odd bins) so the additions need not wait for each other.
      let fluxEven = 0
      let fluxOdd = 0
      for (let bin = 0; bin + 1 < BINS; bin += 2) {
        const rise = magnitude[bin]! * inverseNorm - previousMagnitude[bin]! * previousInverseNorm
        const nextRise =
          magnitude[bin + 1]! * inverseNorm - previousMagnitude[bin + 1]! * previousInverseNorm
        // Half-wave rectification as (x + |x|) / 2, exact and branch-free (a branch, or
        // Math.max, mispredicts half the time on noisy spectra).
        const positive = 0.5 * (rise + Math.abs(rise))
        const nextPositive = 0.5 * (nextRise + Math.abs(nextRise))
        fluxEven += positive * positive
        fluxOdd += nextPositive * nextPositive
      }
      const lastRise = Math.max(
        0,
        magnitude[BINS - 1]! * inverseNorm - previousMagnitude[BINS - 1]! * previousInverseNorm,
      )
      const flux = fluxEven + fluxOdd + lastRise * lastRise
      track.centroid[f] = centroid
      track.bandwidth[f] = magnitudeSum > 0 ? Math.sqrt(spread / magnitudeSum) : 0
      track.rolloff[f] = powerSum > 0 ? binHz[rolloffBin]! : 0
      const arithmetic = magnitudeSum / BINS
      track.flatness[f] = arithmetic > 1e-10 ? Math.exp(logMagnitudeSum / BINS) / arithmetic : 0
      track.flux[f] = i === 0 ? 0 : Math.sqrt(flux)

      // Octave-band contrast: mean of the top vs the bottom 20 % of magnitudes, in dB.
      // Computed on every CONTRAST_EVERY-th frame only: it was a quarter of the frame's cost,
      // and its mean and spread over thousands of frames hardly change.
      for (let band = 0; band < t.contrastBands.length && f % CONTRAST_EVERY === 0; band++) {
        const [from, to] = t.contrastBands[band]!
        const size = to - from
        for (let k = 0; k < size; k++) scratch[k] = magnitude[from + k]!
        contrastAndValley(scratch, size, contrastParts)
        track.contrast[f * bands + band] = contrastParts[0]!
        track.valley[f * bands + band] =
          contrastParts[1]! - 20 * Math.log10(magnitudeSum / BINS + 1e-10)
      }

      // Mel spectrum in dB, MFCCs, and onset strength (Böck & Widmer 2013 style: summed positive change).
      let onset = 0
      let melSum = 0
      shapeSum.fill(0)
      onsetSum.fill(0)
      levelSum.fill(0)
      for (let band = 0; band < MEL_BANDS; band++) {
        const start = melStart[band]!
        const end = melEnd[band]!
        // Weight k applies to bin k + shift; two accumulators halve the chain of dependent adds.
        const shift = melBin[band]! - start
        let sumEven = 0
        let sumOdd = 0
        let k = start
        for (; k + 1 < end; k += 2) {
          sumEven += melWeights[k]! * power[k + shift]!
          sumOdd += melWeights[k + 1]! * power[k + 1 + shift]!
        }
        if (k < end) sumEven += melWeights[k]! * power[k + shift]!
        const db = 10 * Math.log10(sumEven + sumOdd + MEL_POWER_FLOOR)
        logMel[band] = db
        melSum += db
        shapeSum[melShapeBand[band]!]! += db
        levelSum[melOnsetBand[band]!]! += db
        if (i > 0) {
          const rise = db - previousLogMel[band]!
          if (rise > 0) {
            onset += rise
            onsetSum[melOnsetBand[band]!]! += rise
          }
        }
      }
      previousLogMel.set(logMel)
      track.onset[f] = onset / MEL_BANDS
      const melMean = melSum / MEL_BANDS
      for (let b = 0; b < shapeBands; b++)
        track.shape[f * shapeBands + b] = shapeSum[b]! / shapeBandSize[b]! - melMean
      for (let b = 0; b < onsetBands; b++)
        track.bandOnset[f * onsetBands + b] = onsetSum[b]! / onsetBandSize[b]!
      for (let b = 0; b < onsetBands; b++)
        track.bandLevel[f * onsetBands + b] = levelSum[b]! / onsetBandSize[b]!
      const mfccAt = f * MFCC_COUNT
      for (let k = 0, row = 0; k < MFCC_COUNT; k++, row += MEL_BANDS) {
        let c = 0
        for (let band = 0; band < MEL_BANDS; band++) c += dctRows[row + band]! * logMel[band]!
        track.mfcc[mfccAt + k] = c
      }

      // Chroma: power per pitch class, as shares of the frame's total.
      chroma.fill(0)
      let chromaSum = 0
      for (let k = 0; k < chromaBins.length; k++) {
        const p = power[chromaBins[k]!]!
        chroma[chromaClasses[k]!]! += p
        chromaSum += p
      }
      const chromaAt = f * 12
      if (chromaSum > 0)
        for (let c = 0; c < 12; c++) track.chroma[chromaAt + c] = chroma[c]! / chromaSum

      const swap = previousMagnitude
      previousMagnitude = magnitude
      magnitude = swap
      previousInverseNorm = inverseNorm
    }
  }
  track.windowStarts.push(f)
  return track
}

/**
 * Spectral contrast of one band (Jiang et al. 2002): 20·log10 of the mean of the top 20 % of its
 * magnitudes over the mean of the bottom 20 %. Reorders `values[0..size)`: partial ordering
 * instead of a full sort (the sort was most of the frame's cost).
 */
export function contrastDb(values: Float64Array, size: number): number {
  const parts = new Float64Array(2)
  contrastAndValley(values, size, parts)
  return parts[0]!
}

/** As contrastDb, writing the contrast (dB) to out[0] and the valley's level (dB) to out[1]. */
function contrastAndValley(values: Float64Array, size: number, out: Float64Array): void {
  const take = Math.max(1, Math.round(CONTRAST_QUANTILE * size))
  // The `take` smallest to the front; then, of the rest, everything but the `take` largest before
  // them, so the top `take` end up last.
  selectSmallest(values, 0, size - 1, take)
  if (size - 2 * take > 0) selectSmallest(values, take, size - 1, size - 2 * take)
  let valley = 0
  let peak = 0
  for (let k = 0; k < take; k++) {
    valley += values[k]!
    peak += values[size - 1 - k]!
  }
  out[0] = 20 * Math.log10((peak / take + 1e-10) / (valley / take + 1e-10))
  out[1] = 20 * Math.log10(valley / take + 1e-10)
}

/**
 * Moves the k smallest values of values[from..to] to its front (Hoare's quickselect;
 * the rest of the order is unspecified).
 */
function selectSmallest(values: Float64Array, from: number, to: number, k: number): void {
  let left = from
  let right = to
  const target = from + k - 1
  while (right > left) {
    const middle = (left + right) >> 1
    // Median of three as the pivot, so sorted input is not the worst case.
    const a = values[left]!
    const b = values[middle]!
    const c = values[right]!
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b
    let i = left
    let j = right
    while (i <= j) {
      while (values[i]! < pivot) i++
      while (values[j]! > pivot) j--
      if (i <= j) {
        const swap = values[i]!
        values[i] = values[j]!
        values[j] = swap
        i++
        j--
      }
    }
    if (target <= j) right = j
    else if (target >= i) left = i
    else return
  }
}

function percentile(sorted: Float32Array, share: number): number {
  if (sorted.length === 0) return DB_FLOOR
  const position = share * (sorted.length - 1)
  const low = Math.floor(position)
  const high = Math.min(sorted.length - 1, low + 1)
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low)
}

/** Mean and standard deviation of values[frame·stride + offset] over the kept frames. */
function meanStd(values: Float32Array, kept: Uint8Array, stride = 1, offset = 0): [number, number] {
  let n = 0
  let sum = 0
  for (let f = 0; f < kept.length; f++) {
    if (!kept[f]) continue
    sum += values[f * stride + offset]!
    n++
  }
  if (n === 0) return [0, 0]
  const mean = sum / n
  let squares = 0
  for (let f = 0; f < kept.length; f++) {
    if (!kept[f]) continue
    const d = values[f * stride + offset]! - mean
    squares += d * d
  }
  return [mean, Math.sqrt(squares / n)]
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length
  let meanA = 0
  let meanB = 0
  for (let i = 0; i < n; i++) {
    meanA += a[i]!
    meanB += b[i]!
  }
  meanA /= n
  meanB /= n
  let cov = 0
  let varA = 0
  let varB = 0
  for (let i = 0; i < n; i++) {
    const da = a[i]! - meanA
    const db = b[i]! - meanB
    cov += da * db
    varA += da * da
    varB += db * db
  }
  return varA > 0 && varB > 0 ? cov / Math.sqrt(varA * varB) : 0
}

export interface KeyEstimate {
  /** Pitch class of the tonic, C = 0. */
  tonic: number
  major: boolean
  /** Correlation of the chroma with the best key profile. */
  strength: number
  /** Best major correlation minus best minor correlation. */
  modeClarity: number
}

/** Key by correlation of mean chroma with rotated Krumhansl–Kessler profiles (Krumhansl–Schmuckler). */
export function estimateKey(chroma: ArrayLike<number>): KeyEstimate {
  let best: KeyEstimate = { tonic: 0, major: true, strength: 0, modeClarity: 0 }
  let bestMajor = -1
  let bestMinor = -1
  for (let tonic = 0; tonic < 12; tonic++) {
    const rotated = Array.from({ length: 12 }, (_, i) => chroma[(tonic + i) % 12] ?? 0)
    const major = pearson(rotated, MAJOR_PROFILE)
    const minor = pearson(rotated, MINOR_PROFILE)
    bestMajor = Math.max(bestMajor, major)
    bestMinor = Math.max(bestMinor, minor)
    if (major > best.strength) best = { tonic, major: true, strength: major, modeClarity: 0 }
    if (minor > best.strength) best = { tonic, major: false, strength: minor, modeClarity: 0 }
  }
  return { ...best, modeClarity: best.strength > 0 ? bestMajor - bestMinor : 0 }
}

export interface TempoEstimate {
  bpm: number
  /** Normalised autocorrelation of the onset envelope at the tempo's period (0..1). */
  confidence: number
  /** Mean normalised autocorrelation in each of TEMPO_BANDS_BPM. */
  bandEnergies: number[]
}

const FRAME_RATE = ANALYSIS_SAMPLE_RATE / HOP_SIZE

/** Tempo from the autocorrelation of the onset-strength envelope, summed over windows. */
export function estimateTempo(onset: Float32Array, windowStarts: readonly number[]): TempoEstimate {
  const minLag = Math.floor((60 * FRAME_RATE) / TEMPO_MAX_BPM)
  const maxLag = Math.ceil((60 * FRAME_RATE) / TEMPO_MIN_BPM)
  const acf = new Float64Array(maxLag + 2)
  let zeroLag = 0
  for (let w = 0; w + 1 < windowStarts.length; w++) {
    const from = windowStarts[w]!
    const to = windowStarts[w + 1]!
    const length = to - from
    if (length < 2) continue
    let mean = 0
    for (let f = from; f < to; f++) mean += onset[f]!
    mean /= length
    const centred = new Float64Array(length)
    for (let f = 0; f < length; f++) centred[f] = onset[from + f]! - mean
    for (let f = 0; f < length; f++) zeroLag += centred[f]! * centred[f]!
    // Unbiased: each lag's sum is scaled by length / overlap, so long lags are not penalised.
    for (let lag = 1; lag <= maxLag + 1 && lag < length; lag++) {
      let sum = 0
      for (let f = 0; f + lag < length; f++) sum += centred[f]! * centred[f + lag]!
      acf[lag]! += (sum * length) / (length - lag)
    }
  }
  const bandEnergies = TEMPO_BANDS_BPM.map(() => 0)
  if (!(zeroLag > 0)) return { bpm: 0, confidence: 0, bandEnergies }
  for (let lag = 0; lag < acf.length; lag++) acf[lag]! /= zeroLag
  let bestLag = -1
  let bestScore = 0
  for (let lag = Math.max(2, minLag); lag <= maxLag; lag++) {
    const value = acf[lag]!
    if (value <= 0 || value < acf[lag - 1]! || value < acf[lag + 1]!) continue
    const bpm = (60 * FRAME_RATE) / lag
    const prior = Math.exp(-0.5 * (Math.log2(bpm / TEMPO_PRIOR_BPM) / TEMPO_PRIOR_OCTAVES) ** 2)
    if (value * prior > bestScore) {
      bestScore = value * prior
      bestLag = lag
    }
  }
  TEMPO_BANDS_BPM.forEach(([low, high], band) => {
    let sum = 0
    let n = 0
    for (let lag = Math.max(1, minLag); lag <= maxLag; lag++) {
      const bpm = (60 * FRAME_RATE) / lag
      if (bpm >= low && bpm < high) {
        sum += Math.max(0, acf[lag]!)
        n++
      }
    }
    bandEnergies[band] = n > 0 ? sum / n : 0
  })
  if (bestLag < 0) return { bpm: 0, confidence: 0, bandEnergies }
  // Parabolic interpolation of the peak for sub-frame period precision.
  const [a, b, c] = [acf[bestLag - 1]!, acf[bestLag]!, acf[bestLag + 1]!]
  const curvature = a - 2 * b + c
  const shift = curvature < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / curvature)) : 0
  return {
    bpm: (60 * FRAME_RATE) / (bestLag + shift),
    confidence: Math.min(1, Math.max(0, b)),
    bandEnergies,
  }
}

/** Onsets per second: local maxima of the envelope that stand out from their surroundings. */
function onsetRate(track: FrameTrack, kept: Uint8Array, seconds: number): number {
  if (seconds <= 0) return 0
  let count = 0
  for (let w = 0; w + 1 < track.windowStarts.length; w++) {
    const from = track.windowStarts[w]!
    const to = track.windowStarts[w + 1]!
    for (let f = from + 1; f < to; f++) {
      if (!kept[f]) continue
      const value = track.onset[f]!
      if (value < 1) continue // less than 1 dB average rise: not an onset
      let isPeak = true
      let localSum = 0
      let localCount = 0
      for (let k = Math.max(from, f - 10); k < Math.min(to, f + 11); k++) {
        localSum += track.onset[k]!
        localCount++
        if (Math.abs(k - f) <= 3 && track.onset[k]! > value) isPeak = false
      }
      if (isPeak && value > 1.5 * (localSum / localCount)) count++
    }
  }
  return count / seconds
}

const MODULATION_FRAMES = 256

/**
 * Modulation spectrum of one band's level (dB) over time: the power spectrum of stretches of
 * MODULATION_FRAMES frames (~6 s, mean removed, Hann window), summed over stretches, as shares of
 * the power between 0.5 and 16 Hz in each of MODULATION_RATES_HZ (slow swells to fast pulses).
 */
function modulationShares(track: FrameTrack, band: number): number[] {
  const bands = ONSET_BANDS.length
  const n = MODULATION_FRAMES
  const power = new Float64Array(n / 2 + 1)
  const segment = new Float64Array(n)
  for (let w = 0; w + 1 < track.windowStarts.length; w++) {
    const to = track.windowStarts[w + 1]!
    for (let from = track.windowStarts[w]!; from + n <= to; from += n / 2) {
      let mean = 0
      for (let i = 0; i < n; i++) mean += track.bandLevel[(from + i) * bands + band]!
      mean /= n
      for (let i = 0; i < n; i++) {
        const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n)
        segment[i] = (track.bandLevel[(from + i) * bands + band]! - mean) * hann
      }
      // A plain DFT of the bins up to 16 Hz (~95 of 129): cheap at 43 frames a second.
      const maxBin = Math.min(n / 2, Math.ceil((16 * n) / FRAME_RATE))
      for (let k = 1; k <= maxBin; k++) {
        let re = 0
        let im = 0
        const step = (2 * Math.PI * k) / n
        for (let i = 0; i < n; i++) {
          re += segment[i]! * Math.cos(step * i)
          im -= segment[i]! * Math.sin(step * i)
        }
        power[k]! += re * re + im * im
      }
    }
  }
  const shares = MODULATION_RATES_HZ.map(([low, high]) => {
    let sum = 0
    for (let k = 1; k < power.length; k++) {
      const hz = (k * FRAME_RATE) / n
      if (hz >= low && hz < high) sum += power[k]!
    }
    return sum
  })
  const total = shares.reduce((a, b) => a + b, 0)
  return shares.map((x) => (total > 0 ? x / total : 0))
}

/** Mean L1 change of the chroma shares between consecutive kept frames of a window. */
function harmonicChange(track: FrameTrack, kept: Uint8Array): number {
  let sum = 0
  let n = 0
  for (let w = 0; w + 1 < track.windowStarts.length; w++) {
    for (let f = track.windowStarts[w]! + 1; f < track.windowStarts[w + 1]!; f++) {
      if (!kept[f] || !kept[f - 1]) continue
      let change = 0
      for (let c = 0; c < 12; c++)
        change += Math.abs(track.chroma[f * 12 + c]! - track.chroma[(f - 1) * 12 + c]!)
      sum += change
      n++
    }
  }
  return n > 0 ? sum / n : 0
}

/**
 * How much the tempo moves: the standard deviation, in octaves, of the tempi of stretches of
 * TEMPO_DRIFT_SECONDS (each estimated as the whole track's is); 0 with fewer than two stretches.
 */
function tempoDrift(track: FrameTrack): number {
  const span = Math.round(TEMPO_DRIFT_SECONDS * FRAME_RATE)
  const octaves: number[] = []
  for (let w = 0; w + 1 < track.windowStarts.length; w++) {
    const to = track.windowStarts[w + 1]!
    for (let from = track.windowStarts[w]!; from + span <= to; from += span) {
      const { bpm } = estimateTempo(track.onset, [from, from + span])
      if (bpm > 0) octaves.push(Math.log2(bpm))
    }
  }
  if (octaves.length < 2) return 0
  const mean = octaves.reduce((a, b) => a + b, 0) / octaves.length
  return Math.sqrt(octaves.reduce((a, b) => a + (b - mean) ** 2, 0) / octaves.length)
}

/**
 * Loudness range (after EBU Tech 3342, on frame levels rather than K-weighted loudness): the
 * spread between the 10th and 95th percentiles of the level of 3 s stretches, one every second,
 * leaving out stretches below the silence gate.
 */
function loudnessRange(track: FrameTrack, gate: number): number {
  const span = Math.round(LOUDNESS_RANGE_SECONDS * FRAME_RATE)
  const step = Math.round(FRAME_RATE)
  const levels: number[] = []
  for (let w = 0; w + 1 < track.windowStarts.length; w++) {
    const to = track.windowStarts[w + 1]!
    for (let from = track.windowStarts[w]!; from + span <= to; from += step) {
      let power = 0
      for (let f = from; f < from + span; f++) power += 10 ** (track.rmsDb[f]! / 10)
      const db = 10 * Math.log10(power / span + 1e-12)
      if (db > gate) levels.push(db)
    }
  }
  if (levels.length < 2) return 0
  const sorted = Float32Array.from(levels).sort()
  return percentile(sorted, 0.95) - percentile(sorted, 0.1)
}

export interface FeatureDetails {
  vector: Float32Array
  /** Mean chroma before rotation to the key (C = 0, A = 9), shares summing to 1 (zeros for silence). */
  rawChroma: Float64Array
  key: KeyEstimate
  tempo: TempoEstimate
  /** Frames analysed and frames kept after the silence gate. */
  frames: number
  keptFrames: number
}

/** Features of windows already at ANALYSIS_SAMPLE_RATE (mono), with the intermediate results. */
export function analyseWindows(windows: readonly Float32Array[]): FeatureDetails {
  const track = analyseFrames(windows)
  const seconds = windows.reduce((sum, window) => sum + window.length, 0) / ANALYSIS_SAMPLE_RATE
  const values = new Map<string, number>()
  const set = (name: string, value: number): void => {
    values.set(name, Number.isFinite(value) ? value : 0)
  }

  // Gate: drop digital silence, and frames far below the track's loud level.
  const audible = track.rmsDb.filter((db) => db > ABSOLUTE_GATE_DBFS).sort()
  const loudLevel = percentile(audible, 0.9)
  const gate = Math.max(ABSOLUTE_GATE_DBFS, loudLevel - RELATIVE_GATE_DB)
  const kept = new Uint8Array(track.count)
  let keptFrames = 0
  for (let f = 0; f < track.count; f++) {
    if (track.rmsDb[f]! > gate) {
      kept[f] = 1
      keptFrames++
    }
  }

  for (let k = 0; k < MFCC_COUNT; k++) {
    const [mean, std] = meanStd(track.mfcc, kept, MFCC_COUNT, k)
    set(`mfcc${k + 1}_mean`, mean)
    set(`mfcc${k + 1}_std`, std)
  }
  // Delta-MFCC: central difference within a window, where both neighbours are kept.
  for (let k = 0; k < MFCC_COUNT; k++) {
    let n = 0
    let sum = 0
    let squares = 0
    for (let w = 0; w + 1 < track.windowStarts.length; w++) {
      for (let f = track.windowStarts[w]! + 1; f + 1 < track.windowStarts[w + 1]!; f++) {
        if (!kept[f - 1] || !kept[f + 1]) continue
        const delta =
          (track.mfcc[(f + 1) * MFCC_COUNT + k]! - track.mfcc[(f - 1) * MFCC_COUNT + k]!) / 2
        sum += delta
        squares += delta * delta
        n++
      }
    }
    const mean = n > 0 ? sum / n : 0
    set(`mfcc${k + 1}_delta_std`, n > 0 ? Math.sqrt(Math.max(0, squares / n - mean * mean)) : 0)
  }
  const spectral: [string, Float32Array][] = [
    ['spectral_centroid', track.centroid],
    ['spectral_bandwidth', track.bandwidth],
    ['spectral_rolloff', track.rolloff],
    ['spectral_flatness', track.flatness],
    ['spectral_flux', track.flux],
    ['zero_crossing_rate', track.zcr],
  ]
  for (const [name, series] of spectral) {
    const [mean, std] = meanStd(series, kept)
    set(`${name}_mean`, mean)
    set(`${name}_std`, std)
  }
  const bands = CONTRAST_BAND_EDGES_HZ.length - 1
  const keptForContrast = kept.map((keep, f) => (keep && f % CONTRAST_EVERY === 0 ? 1 : 0))
  for (let band = 0; band < bands; band++) {
    const [mean, std] = meanStd(track.contrast, keptForContrast, bands, band)
    const name = `contrast_${CONTRAST_BAND_EDGES_HZ[band]}_${CONTRAST_BAND_EDGES_HZ[band + 1]}hz`
    set(`${name}_mean`, mean)
    set(`${name}_std`, std)
  }

  SHAPE_BANDS.forEach(({ low, high }, band) => {
    const [mean, std] = meanStd(track.shape, kept, SHAPE_BANDS.length, band)
    set(`shape_${low}_${high}hz_mean`, mean)
    set(`shape_${low}_${high}hz_std`, std)
  })
  for (let band = 0; band < bands; band++) {
    const name = `valley_${CONTRAST_BAND_EDGES_HZ[band]}_${CONTRAST_BAND_EDGES_HZ[band + 1]}hz_mean`
    set(name, meanStd(track.valley, keptForContrast, bands, band)[0])
  }
  ONSET_BANDS.forEach(({ name }, band) =>
    set(`onset_${name}_mean`, meanStd(track.bandOnset, kept, ONSET_BANDS.length, band)[0]),
  )
  ONSET_BANDS.forEach(({ name }, band) => {
    const shares = modulationShares(track, band)
    MODULATION_RATES_HZ.forEach(([low, high], rate) =>
      set(`modulation_${name}_${low}_${high}hz`, shares[rate]!),
    )
  })
  set('harmonic_change', harmonicChange(track, kept))
  set('tempo_drift', tempoDrift(track))
  set('loudness_range_db', loudnessRange(track, gate))

  const rawChroma = new Float64Array(12)
  for (let c = 0; c < 12; c++) rawChroma[c] = meanStd(track.chroma, kept, 12, c)[0]
  const chromaTotal = rawChroma.reduce((sum, value) => sum + value, 0)
  if (chromaTotal > 0) for (let c = 0; c < 12; c++) rawChroma[c]! /= chromaTotal
  const key = estimateKey(rawChroma)
  for (let interval = 0; interval < 12; interval++)
    set(`chroma_key_${interval}`, rawChroma[(key.tonic + interval) % 12]!)
  set('key_strength', key.strength)
  set('key_mode', chromaTotal > 0 && key.major ? 1 : 0)
  set('key_mode_clarity', key.modeClarity)

  const tempo = estimateTempo(track.onset, track.windowStarts)
  set('tempo_bpm', tempo.bpm)
  set('tempo_confidence', tempo.confidence)
  set('onset_rate', onsetRate(track, kept, seconds))
  set('onset_strength_mean', meanStd(track.onset, kept)[0])
  TEMPO_BANDS_BPM.forEach(([low, high], band) =>
    set(`tempo_band_${low}_${high}bpm`, tempo.bandEnergies[band]!),
  )

  set('loudness_p10_db', percentile(audible, 0.1))
  set('loudness_p50_db', percentile(audible, 0.5))
  set('loudness_p90_db', loudLevel)
  set(
    'dynamic_range_db',
    audible.length > 0 ? percentile(audible, 0.95) - percentile(audible, 0.05) : 0,
  )

  const vector = new Float32Array(FEATURES.length)
  for (const [name, value] of values) {
    const index = FEATURE_INDEX.get(name)
    if (index === undefined) throw new Error(`feature ${name} is not declared in feature-names.ts`)
    vector[index] = value
  }
  if (values.size !== FEATURES.length) {
    const missing = FEATURES.filter((feature) => !values.has(feature.name)).map(
      (feature) => feature.name,
    )
    throw new Error(`features not computed: ${missing.join(', ')}`)
  }
  return { vector, rawChroma, key, tempo, frames: track.count, keptFrames }
}

/** Features of windows at any rate (resampled to ANALYSIS_SAMPLE_RATE first). */
export function extractFeaturesFromWindows(
  windows: readonly Float32Array[],
  sampleRate: number,
): Float32Array {
  const atRate =
    sampleRate === ANALYSIS_SAMPLE_RATE
      ? windows
      : windows.map((window) => resample(window, sampleRate, ANALYSIS_SAMPLE_RATE))
  return analyseWindows(atRate).vector
}

/**
 * The `attune-dsp-v1` vector of a whole mono signal: analyses the planned windows
 * (half of the track in up to 4 windows of 10–15 s, at most 60 s; tracks up to 10 s whole).
 */
export function extractFeatures(pcm: Float32Array, sampleRate: number): Float32Array {
  return extractFeatureDetails(pcm, sampleRate).vector
}

/** As extractFeatures, with the intermediate results (raw chroma, key, tempo) for tests and explanations. */
export function extractFeatureDetails(pcm: Float32Array, sampleRate: number): FeatureDetails {
  const windows = sliceWindows(pcm, sampleRate)
  const atRate =
    sampleRate === ANALYSIS_SAMPLE_RATE
      ? windows
      : windows.map((window) => resample(window, sampleRate, ANALYSIS_SAMPLE_RATE))
  return analyseWindows(atRate)
}
