// The embedding probe: how well candidate feature sets separate the styles of
// ../shared/corpus/styles (labels.tsv) and the soundtracks of ../shared/fixtures/music (folders),
// by the same cross-validated ridge probe and leave-one-out 1-NN as `attune eval-embedding`
// (src/main/analysis/embedding-quality.ts: classes of fewer than 5 tracks left out, 5 stratified
// folds, repeats of 10 seeds). Each excerpt is decoded once, exactly as analysis decodes it
// (decodeForAnalysis: the same windows), and its frame-level data is cached, so trying a feature
// set costs seconds:
//
//   node bin/run-ts.js bench/embedding-probe.ts [--sets v4,v4+modulation,…] [--library corpus|fixtures|both]
//
// `bofK` / `bofmK` are bags of frames: a codebook of K centroids (k-means over frames of MFCCs and
// deltas, or of mel-band shape) learned from the library being measured (no label read, as the app
// would learn it from the listener's library), each excerpt its histogram of nearest centroids
// (`boftK`: TF-IDF weighted, which the probe's and the model's standardisation undo).
//
// Cache: $ATTUNE_BENCH_CACHE (default $TMPDIR/attune-bench-cache)/embedding-probe/.
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { decodeForAnalysis, decodeToMono } from '../src/main/analysis/decode'
import { analyseWindows, getTables } from '../src/main/analysis/features'
import { FEATURES } from '../src/main/analysis/feature-names'
import {
  accuracyOf,
  crossValidateRidge,
  fitStandardiser,
  leaveOneOutNeighbours,
  standardiseRows,
} from '../src/main/analysis/linear-probe'
import { RealFft } from '../src/main/analysis/real-fft'
import { ANALYSIS_SAMPLE_RATE } from '../src/main/analysis/resample'
import { seededRandom } from '../src/shared/random'
import { drawByWeight } from './preprocess-levers'

const SHARED = realpathSync(resolve(import.meta.dirname, '../../shared'))
const FRAME = 2048
const HOP = 512
const BINS = FRAME / 2 + 1
const MEL = 40
const FRAME_RATE = ANALYSIS_SAMPLE_RATE / HOP

interface Item {
  path: string
  label: string
}

interface Frames {
  /** The extractor's own vector of the same windows. */
  v4: Float32Array
  count: number
  windowStarts: number[]
  /** count × MEL, dB (as features.ts: power + floor, 10·log10). */
  mel: Float32Array
  /** count × 12, shares of the frame's 100 Hz–5 kHz power. */
  chroma: Float32Array
  rmsDb: Float32Array
  flatness: Float32Array
  zcr: Float32Array
}

function libraryItems(name: string): Item[] {
  if (name === 'corpus') {
    const root = join(SHARED, 'corpus/styles')
    return readFileSync(join(root, 'labels.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .filter((line) => line.trim())
      .map((line) => {
        const [path = '', , style = ''] = line.split('\t')
        return { path: join(root, path), label: style }
      })
      .sort((a, b) => (a.path < b.path ? -1 : 1))
  }
  const root = join(SHARED, 'fixtures/music')
  const items: Item[] = []
  for (const folder of readdirSync(root).sort()) {
    const dir = join(root, folder)
    if (!statSync(dir).isDirectory()) continue
    for (const file of readdirSync(dir).sort()) items.push({ path: join(dir, file), label: folder })
  }
  return items
}

// --- frame data -----------------------------------------------------------------------------

const { window: hann, mel: melFilters, chromaClass } = getTables()

function frameData(windows: Float32Array[]): Frames {
  const fft = new RealFft(FRAME)
  const power = new Float64Array(BINS)
  const counts = windows.map((w) =>
    w.length < FRAME ? 0 : 1 + Math.floor((w.length - FRAME) / HOP),
  )
  const count = counts.reduce((a, b) => a + b, 0)
  const mel = new Float32Array(count * MEL)
  const chroma = new Float32Array(count * 12)
  const rmsDb = new Float32Array(count)
  const flatness = new Float32Array(count)
  const zcr = new Float32Array(count)
  const windowStarts: number[] = []
  let f = 0
  windows.forEach((signal, w) => {
    windowStarts.push(f)
    for (let i = 0; i < counts[w]!; i++, f++) {
      const offset = i * HOP
      let energy = 0
      let crossings = 0
      for (let n = offset; n < offset + FRAME; n++) {
        energy += signal[n]! * signal[n]!
        if (n > offset && signal[n]! < 0 !== signal[n - 1]! < 0) crossings++
      }
      const rms = Math.sqrt(energy / FRAME)
      rmsDb[f] = rms > 0 ? Math.max(-100, 20 * Math.log10(rms)) : -100
      zcr[f] = (crossings * ANALYSIS_SAMPLE_RATE) / FRAME
      fft.windowedPower(signal, offset, hann, power)
      let logSum = 0
      let sum = 0
      for (let bin = 0; bin < BINS; bin++) {
        const m = Math.sqrt(power[bin]!)
        logSum += Math.log(m + 1e-10)
        sum += m
      }
      flatness[f] = sum / BINS > 1e-10 ? Math.exp(logSum / BINS) / (sum / BINS) : 0
      melFilters.forEach(({ start, weights }, band) => {
        let s = 0
        for (let k = 0; k < weights.length; k++) s += weights[k]! * power[start + k]!
        mel[f * MEL + band] = 10 * Math.log10(s + 2.6e-3)
      })
      let chromaSum = 0
      for (let bin = 0; bin < BINS; bin++) {
        const c = chromaClass[bin]!
        if (c < 0) continue
        chroma[f * 12 + c]! += power[bin]!
        chromaSum += power[bin]!
      }
      if (chromaSum > 0) for (let c = 0; c < 12; c++) chroma[f * 12 + c]! /= chromaSum
    }
  })
  windowStarts.push(f)
  return { v4: new Float32Array(0), count, windowStarts, mel, chroma, rmsDb, flatness, zcr }
}

function cacheDir(): string {
  const dir = join(
    process.env.ATTUNE_BENCH_CACHE ?? join(tmpdir(), 'attune-bench-cache'),
    'embedding-probe',
  )
  mkdirSync(dir, { recursive: true })
  return dir
}

const CACHE_VERSION = 2
/** PROBE_WHOLE=1: each excerpt decoded and analysed whole (not the extractor's windows), to see what the window costs. */
const WHOLE = process.env.PROBE_WHOLE === '1'

async function loadFrames(item: Item): Promise<Frames> {
  const stat = statSync(item.path)
  const key = createHash('sha1')
    .update(
      `${CACHE_VERSION}|${WHOLE ? 'whole|' : ''}${item.path}|${stat.size}|${stat.mtimeMs}|${FEATURES.length}`,
    )
    .digest('hex')
    .slice(0, 16)
  const file = join(cacheDir(), `${basename(dirname(item.path))}-${basename(item.path)}-${key}.bin`)
  if (existsSync(file)) {
    const buffer = readFileSync(file)
    const head = new Int32Array(buffer.buffer, buffer.byteOffset, 3)
    const [count, windows, dims] = [head[0]!, head[1]!, head[2]!]
    let at = 12
    const take = (n: number): Float32Array => {
      const out = new Float32Array(n)
      out.set(
        new Float32Array(
          buffer.buffer.slice(buffer.byteOffset + at, buffer.byteOffset + at + 4 * n),
        ),
      )
      at += 4 * n
      return out
    }
    const starts = Array.from(take(windows + 1))
    return {
      count,
      windowStarts: starts,
      v4: take(dims),
      mel: take(count * MEL),
      chroma: take(count * 12),
      rmsDb: take(count),
      flatness: take(count),
      zcr: take(count),
    }
  }
  const audio = WHOLE
    ? { windows: [(await decodeToMono(item.path)).pcm] }
    : await decodeForAnalysis(item.path)
  const frames = frameData(audio.windows)
  frames.v4 = analyseWindows(audio.windows).vector
  const parts = [
    Float32Array.from(frames.windowStarts),
    frames.v4,
    frames.mel,
    frames.chroma,
    frames.rmsDb,
    frames.flatness,
    frames.zcr,
  ]
  const head = Int32Array.from([frames.count, frames.windowStarts.length - 1, frames.v4.length])
  writeFileSync(
    file,
    Buffer.concat([Buffer.from(head.buffer), ...parts.map((p) => Buffer.from(p.buffer))]),
  )
  return frames
}

// --- candidate features ---------------------------------------------------------------------

/** Frames above the extractor's silence gate (−80 dBFS, and 40 dB below the 90th percentile). */
function keptFrames(fr: Frames): Uint8Array {
  const audible = Array.from(fr.rmsDb)
    .filter((d) => d > -80)
    .sort((a, b) => a - b)
  const p90 = audible.length ? audible[Math.floor(0.9 * (audible.length - 1))]! : -100
  const gate = Math.max(-80, p90 - 40)
  return Uint8Array.from(fr.rmsDb, (d) => (d > gate ? 1 : 0))
}

const DCT = Array.from({ length: 13 }, (_, k) =>
  Float64Array.from(
    { length: MEL },
    (_, m) => Math.sqrt(2 / MEL) * Math.cos((Math.PI * (k + 1) * (m + 0.5)) / MEL),
  ),
)

function mfccFrames(fr: Frames): Float64Array {
  const out = new Float64Array(fr.count * 13)
  for (let f = 0; f < fr.count; f++)
    for (let k = 0; k < 13; k++) {
      let c = 0
      for (let m = 0; m < MEL; m++) c += DCT[k]![m]! * fr.mel[f * MEL + m]!
      out[f * 13 + k] = c
    }
  return out
}

function meanStdOf(
  series: Float64Array | Float32Array,
  stride: number,
  col: number,
  kept: Uint8Array,
): [number, number] {
  let n = 0
  let s = 0
  let q = 0
  for (let f = 0; f < kept.length; f++) {
    if (!kept[f]) continue
    const v = series[f * stride + col]!
    s += v
    q += v * v
    n++
  }
  if (!n) return [0, 0]
  const m = s / n
  return [m, Math.sqrt(Math.max(0, q / n - m * m))]
}

/** Covariance (upper triangle incl. diagonal) of the columns of a frames × d series over kept frames. */
function covarianceUpper(
  series: Float64Array,
  d: number,
  kept: Uint8Array,
  correlation: boolean,
): number[] {
  const mean = new Float64Array(d)
  let n = 0
  for (let f = 0; f < kept.length; f++) {
    if (!kept[f]) continue
    n++
    for (let i = 0; i < d; i++) mean[i]! += series[f * d + i]!
  }
  if (!n) return new Array<number>((d * (d + 1)) / 2).fill(0)
  for (let i = 0; i < d; i++) mean[i]! /= n
  const cov = new Float64Array(d * d)
  for (let f = 0; f < kept.length; f++) {
    if (!kept[f]) continue
    for (let i = 0; i < d; i++) {
      const a = series[f * d + i]! - mean[i]!
      for (let j = i; j < d; j++) cov[i * d + j]! += a * (series[f * d + j]! - mean[j]!)
    }
  }
  const out: number[] = []
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      const c = cov[i * d + j]! / n
      if (correlation) {
        if (i === j) continue
        const denominator = Math.sqrt((cov[i * d + i]! / n) * (cov[j * d + j]! / n))
        out.push(denominator > 0 ? c / denominator : 0)
      } else out.push(c)
    }
  return out
}

/** Groups of mel bands (indices) used by band-wise features. */
function melGroups(groups: number): number[][] {
  return Array.from({ length: groups }, (_, g) =>
    Array.from({ length: MEL }, (_, b) => b).filter((b) => Math.floor((b * groups) / MEL) === g),
  )
}

/**
 * Modulation spectrum (fluctuation pattern): per group of mel bands, the power spectrum of the
 * band level over stretches of `n` frames (Hann, mean removed), summed, in rate bins; log10.
 */
function modulation(
  fr: Frames,
  groups: number,
  rates: [number, number][],
  n: number,
  shares: boolean,
  weighted = false,
): number[] {
  const bands = melGroups(groups)
  const out: number[] = []
  for (const members of bands) {
    const level = new Float64Array(fr.count)
    for (let f = 0; f < fr.count; f++) {
      let s = 0
      for (const b of members) s += fr.mel[f * MEL + b]!
      level[f] = s / members.length
    }
    const maxHz = rates[rates.length - 1]![1]
    const maxBin = Math.min(n / 2, Math.ceil((maxHz * n) / FRAME_RATE))
    const power = new Float64Array(maxBin + 1)
    let segments = 0
    for (let w = 0; w + 1 < fr.windowStarts.length; w++) {
      const to = fr.windowStarts[w + 1]!
      for (let from = fr.windowStarts[w]!; from + n <= to; from += n / 2) {
        segments++
        let mean = 0
        for (let i = 0; i < n; i++) mean += level[from + i]!
        mean /= n
        const seg = new Float64Array(n)
        for (let i = 0; i < n; i++)
          seg[i] = (level[from + i]! - mean) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n))
        for (let k = 1; k <= maxBin; k++) {
          let re = 0
          let im = 0
          for (let i = 0; i < n; i++) {
            re += seg[i]! * Math.cos((2 * Math.PI * k * i) / n)
            im -= seg[i]! * Math.sin((2 * Math.PI * k * i) / n)
          }
          power[k]! += re * re + im * im
        }
      }
    }
    const values = rates.map(([low, high]) => {
      let s = 0
      let c = 0
      for (let k = 1; k <= maxBin; k++) {
        const hz = (k * FRAME_RATE) / n
        if (hz >= low && hz < high) {
          s += power[k]! * (weighted ? hz : 1)
          c++
        }
      }
      return c ? s / c / Math.max(1, segments) : 0
    })
    const total = values.reduce((a, b) => a + b, 0)
    for (const v of values) out.push(shares ? (total > 0 ? v / total : 0) : Math.log10(v + 1e-6))
  }
  return out
}

/** Texture windows: mean and std of a frame series over windows of `span` frames, then the mean and std of those. */
function texture(
  series: Float64Array,
  d: number,
  fr: Frames,
  kept: Uint8Array,
  span: number,
): number[] {
  const means: number[][] = []
  const stds: number[][] = []
  for (let w = 0; w + 1 < fr.windowStarts.length; w++) {
    for (let from = fr.windowStarts[w]!; from + span <= fr.windowStarts[w + 1]!; from += span) {
      const m = new Array<number>(d).fill(0)
      const q = new Array<number>(d).fill(0)
      let n = 0
      for (let f = from; f < from + span; f++) {
        if (!kept[f]) continue
        n++
        for (let i = 0; i < d; i++) {
          const v = series[f * d + i]!
          m[i]! += v
          q[i]! += v * v
        }
      }
      if (n < span / 2) continue
      means.push(m.map((x) => x / n))
      stds.push(q.map((x, i) => Math.sqrt(Math.max(0, x / n - (m[i]! / n) ** 2))))
    }
  }
  const out: number[] = []
  for (const block of [stds, means]) {
    for (let i = 0; i < d; i++) {
      const column = block.map((row) => row[i]!)
      const mean = column.reduce((a, b) => a + b, 0) / Math.max(1, column.length)
      const std = Math.sqrt(
        column.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, column.length),
      )
      if (block === stds) out.push(mean)
      out.push(std)
    }
  }
  return out
}

function onsetEnvelope(fr: Frames): Float64Array {
  const out = new Float64Array(fr.count)
  for (let w = 0; w + 1 < fr.windowStarts.length; w++)
    for (let f = fr.windowStarts[w]! + 1; f < fr.windowStarts[w + 1]!; f++) {
      let s = 0
      for (let b = 0; b < MEL; b++)
        s += Math.max(0, fr.mel[f * MEL + b]! - fr.mel[(f - 1) * MEL + b]!)
      out[f] = s / MEL
    }
  return out
}

/** Normalised onset autocorrelation sampled at log-spaced lags (a tempo-free rhythm pattern). */
function onsetAutocorrelation(fr: Frames, points: number): number[] {
  const env = onsetEnvelope(fr)
  const maxLag = Math.round(FRAME_RATE * 2)
  const acf = new Float64Array(maxLag + 1)
  for (let w = 0; w + 1 < fr.windowStarts.length; w++) {
    const from = fr.windowStarts[w]!
    const to = fr.windowStarts[w + 1]!
    let mean = 0
    for (let f = from; f < to; f++) mean += env[f]!
    mean /= Math.max(1, to - from)
    for (let lag = 0; lag <= maxLag && lag < to - from; lag++) {
      let s = 0
      for (let f = from; f + lag < to; f++) s += (env[f]! - mean) * (env[f + lag]! - mean)
      acf[lag]! += (s * (to - from)) / (to - from - lag)
    }
  }
  const out: number[] = []
  for (let p = 0; p < points; p++) {
    const lo = Math.round(2 * Math.pow(maxLag / 2, p / points))
    const hi = Math.max(lo + 1, Math.round(2 * Math.pow(maxLag / 2, (p + 1) / points)))
    let s = 0
    for (let lag = lo; lag < hi; lag++) s += acf[lag]! / (acf[0]! || 1)
    out.push(s / (hi - lo))
  }
  return out
}

type Candidate = (fr: Frames) => number[]

const LOG_SPREAD = new Set(
  FEATURES.map((f, i) => ({ f, i }))
    .filter(({ f }) => /_std$|delta_std$|dynamic_range|loudness_range|tempo_drift/.test(f.name))
    .map(({ i }) => i),
)

/** Positive features whose corpus + fixtures distribution is skewed (|skew| > 1) and less so in log. */
const SKEWED =
  /(mfcc\d+_std|delta_std|spectral_rolloff|contrast_.*_std|contrast_(2000|4000)_.*_mean|onset_strength_mean|dynamic_range_db|zero_crossing_rate|shape_.*_std|onset_(low|mid|high)_mean|modulation_.*|loudness_range_db)$/
const SKEWED_INDEX = new Set(
  FEATURES.map((f, i) => (SKEWED.test(f.name) ? i : -1)).filter((i) => i >= 0),
)

function hpss(fr: Frames, groups: number): number[] {
  // Harmonic/percussive split of the mel power spectrogram (Fitzgerald 2010): median over 17 frames
  // (harmonic) against median over 7 bands (percussive); share of percussive power per band group.
  const kept = keptFrames(fr)
  const half = 8
  const bandHalf = 3
  const pow = Float64Array.from(fr.mel, (db) => 10 ** (db / 10))
  const perc = new Float64Array(groups)
  const total = new Float64Array(groups)
  const bands = melGroups(groups)
  const scratch: number[] = []
  for (let w = 0; w + 1 < fr.windowStarts.length; w++) {
    const from = fr.windowStarts[w]!
    const to = fr.windowStarts[w + 1]!
    for (let f = from; f < to; f++) {
      if (!kept[f]) continue
      bands.forEach((members, g) => {
        for (const b of members) {
          scratch.length = 0
          for (let k = Math.max(from, f - half); k <= Math.min(to - 1, f + half); k++)
            scratch.push(pow[k * MEL + b]!)
          scratch.sort((x, y) => x - y)
          const h = scratch[scratch.length >> 1]!
          scratch.length = 0
          for (let k = Math.max(0, b - bandHalf); k <= Math.min(MEL - 1, b + bandHalf); k++)
            scratch.push(pow[f * MEL + k]!)
          scratch.sort((x, y) => x - y)
          const p = scratch[scratch.length >> 1]!
          const mask = (p * p) / (p * p + h * h + 1e-20)
          perc[g]! += mask * pow[f * MEL + b]!
          total[g]! += pow[f * MEL + b]!
        }
      })
    }
  }
  return Array.from(perc, (p, g) => (total[g]! > 0 ? p / total[g]! : 0))
}

const LOG_MORE = new Set(
  FEATURES.map((f, i) =>
    /_std$|delta_std$|dynamic_range|loudness_range|tempo_drift|spectral_rolloff_mean|zero_crossing_rate_mean|onset_(low|mid|high)_mean|onset_strength_mean|^modulation_/.test(
      f.name,
    )
      ? i
      : -1,
  ).filter((i) => i >= 0),
)
const NAMED = (name: string): number => FEATURES.findIndex((f) => f.name === name)

/** Modulation rate bins (Hz) of the mod8 blocks. */
const RATES_8: [number, number][] = [
  [0.5, 1],
  [1, 2],
  [2, 3],
  [3, 4],
  [4, 6],
  [6, 8],
  [8, 12],
]

/** Modulation rate bins (Hz) of the mod12 blocks. */
const RATES_12: [number, number][] = [
  [0.3, 1],
  [1, 2],
  [2, 4],
  [4, 7],
  [7, 10],
]

const blocks: Record<string, Candidate> = {
  v4logmore: (fr) =>
    Array.from(fr.v4, (v, i) => (LOG_MORE.has(i) ? Math.log(Math.max(1e-4, v)) : v)),
  v4logall: (fr) =>
    Array.from(fr.v4, (v, i) =>
      v > 0 && !FEATURES[i]!.name.startsWith('chroma') && FEATURES[i]!.unit !== 'dB'
        ? Math.log(v)
        : v,
    ),
  v4logtempo: (fr) =>
    Array.from(fr.v4, (v, i) =>
      LOG_SPREAD.has(i)
        ? Math.log(Math.max(1e-6, v))
        : i === NAMED('tempo_bpm')
          ? Math.log2(Math.max(30, v))
          : v,
    ),
  v4lognotempo: (fr) =>
    Array.from(fr.v4, (v, i) => (LOG_SPREAD.has(i) ? Math.log(Math.max(1e-6, v)) : v)).filter(
      (_, i) => i !== NAMED('tempo_bpm'),
    ),
  v4lognochroma: (fr) =>
    Array.from(fr.v4, (v, i) => (LOG_SPREAD.has(i) ? Math.log(Math.max(1e-6, v)) : v)).filter(
      (_, i) => !FEATURES[i]!.name.startsWith('chroma_key'),
    ),
  v4skew: (fr) =>
    Array.from(fr.v4, (v, i) => (SKEWED_INDEX.has(i) ? Math.log(Math.max(1e-4, v)) : v)),
  hpss3: (fr) => hpss(fr, 3),
  hpss8: (fr) => hpss(fr, 8),
  v4: (fr) => Array.from(fr.v4),
  v4log: (fr) => Array.from(fr.v4, (v, i) => (LOG_SPREAD.has(i) ? Math.log(Math.max(1e-6, v)) : v)),
  v3: (fr) => Array.from(fr.v4).slice(0, 90),
  mfcccov: (fr) => covarianceUpper(mfccFrames(fr), 13, keptFrames(fr), false),
  mfcccorr: (fr) => covarianceUpper(mfccFrames(fr), 13, keptFrames(fr), true),
  melmean: (fr) => {
    const kept = keptFrames(fr)
    const m = Array.from({ length: MEL }, (_, b) => meanStdOf(fr.mel, MEL, b, kept)[0])
    const avg = m.reduce((a, b) => a + b, 0) / MEL
    return m.map((x) => x - avg)
  },
  melstd: (fr) => {
    const kept = keptFrames(fr)
    return Array.from({ length: MEL }, (_, b) => meanStdOf(fr.mel, MEL, b, kept)[1])
  },
  mod8: (fr) => modulation(fr, 8, RATES_8, 128, false),
  mod8s: (fr) => modulation(fr, 8, RATES_8, 128, true),
  mod4: (fr) =>
    modulation(
      fr,
      4,
      [
        [0.5, 1.5],
        [1.5, 3],
        [3, 6],
        [6, 12],
      ],
      128,
      false,
    ),
  mod12s: (fr) => modulation(fr, 12, RATES_12, 128, true),
  mod12: (fr) => modulation(fr, 12, RATES_12, 128, false),
  texmfcc: (fr) => texture(mfccFrames(fr), 13, fr, keptFrames(fr), Math.round(FRAME_RATE)),
  acf: (fr) => onsetAutocorrelation(fr, 12),
  flat: (fr) => {
    const kept = keptFrames(fr)
    const lf = Float64Array.from(fr.flatness, (v) => Math.log10(v + 1e-6))
    return meanStdOf(lf, 1, 0, kept)
  },
  chromastat: (fr) => {
    const kept = keptFrames(fr)
    let entropy = 0
    let n = 0
    const mean = new Array<number>(12).fill(0)
    for (let f = 0; f < fr.count; f++) {
      if (!kept[f]) continue
      n++
      let e = 0
      for (let c = 0; c < 12; c++) {
        const p = fr.chroma[f * 12 + c]!
        mean[c]! += p
        if (p > 0) e -= p * Math.log2(p)
      }
      entropy += e
    }
    const total = mean.reduce((a, b) => a + b, 0) || 1
    const meanEntropy = -mean.reduce(
      (a, p) => (p > 0 ? a + (p / total) * Math.log2(p / total) : a),
      0,
    )
    return [n ? entropy / n : 0, meanEntropy]
  },
}

// --- a codebook learned from the library (bag of frames) -------------------------------------

/**
 * Per-frame descriptors for the codebook: 13 MFCCs and their deltas (`bof…`), or the 40 mel bands'
 * levels against the frame's mean level, a spectral shape (`bofm…`); kept (audible) frames only.
 */
function frameDescriptors(fr: Frames, kind: 'mfcc' | 'mel'): { rows: Float64Array; dim: number } {
  const kept = keptFrames(fr)
  if (kind === 'mel') {
    const rows: number[] = []
    for (let f = 0; f < fr.count; f++) {
      if (!kept[f]) continue
      let mean = 0
      for (let b = 0; b < MEL; b++) mean += fr.mel[f * MEL + b]! / MEL
      for (let b = 0; b < MEL; b++) rows.push(fr.mel[f * MEL + b]! - mean)
    }
    return { rows: Float64Array.from(rows), dim: MEL }
  }
  const mfcc = mfccFrames(fr)
  const rows: number[] = []
  for (let f = 1; f < fr.count; f++) {
    if (!kept[f] || !kept[f - 1]) continue
    for (let k = 0; k < 13; k++) rows.push(mfcc[f * 13 + k]!)
    for (let k = 0; k < 13; k++) rows.push(mfcc[f * 13 + k]! - mfcc[(f - 1) * 13 + k]!)
  }
  return { rows: Float64Array.from(rows), dim: 26 }
}

function nearest(
  centroids: Float64Array,
  k: number,
  dim: number,
  x: Float64Array,
  at: number,
): number {
  let best = 0
  let bestDistance = Infinity
  for (let c = 0; c < k; c++) {
    let dist = 0
    for (let j = 0; j < dim; j++) dist += (x[at + j]! - centroids[c * dim + j]!) ** 2
    if (dist < bestDistance) {
      bestDistance = dist
      best = c
    }
  }
  return best
}

/**
 * k-means (k-means++ start, 25 Lloyd rounds, seeded) over up to 200 frames of every excerpt of the
 * library, each descriptor standardised over that sample; each excerpt is then its histogram of
 * nearest centroids over all its kept frames, as shares (TF-IDF weighted with `tfidf`). The
 * codebook is learned from the library being measured, as the app would learn it from the
 * listener's library at analysis time (no label is read).
 */
function codebook(all: Frames[], k: number, kind: 'mfcc' | 'mel', tfidf: boolean): Candidate {
  const random = seededRandom(12_345 + k)
  const per = all.map((fr) => frameDescriptors(fr, kind))
  const dim = per[0]!.dim
  const sample: number[] = []
  for (const { rows } of per) {
    const count = rows.length / dim
    const take = Math.min(200, count)
    for (let t = 0; t < take; t++) {
      const f = Math.floor((t * count) / take)
      for (let j = 0; j < dim; j++) sample.push(rows[f * dim + j]!)
    }
  }
  const x = Float64Array.from(sample)
  const n = x.length / dim
  const mean = new Float64Array(dim)
  const sd = new Float64Array(dim)
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += x[i * dim + j]! / n
  for (let i = 0; i < n; i++)
    for (let j = 0; j < dim; j++) sd[j]! += (x[i * dim + j]! - mean[j]!) ** 2 / n
  for (let j = 0; j < dim; j++) sd[j] = Math.sqrt(sd[j]!) || 1
  const standardise = (rows: Float64Array): Float64Array =>
    rows.map((v, i) => (v - mean[i % dim]!) / sd[i % dim]!)
  const z = standardise(x)
  // k-means++ start.
  const centroids = new Float64Array(k * dim)
  const first = Math.floor(random() * n)
  centroids.set(z.subarray(first * dim, (first + 1) * dim), 0)
  const closest = new Float64Array(n).fill(Infinity)
  for (let c = 1; c < k; c++) {
    let total = 0
    for (let i = 0; i < n; i++) {
      let dist = 0
      for (let j = 0; j < dim; j++) dist += (z[i * dim + j]! - centroids[(c - 1) * dim + j]!) ** 2
      if (dist < closest[i]!) closest[i] = dist
      total += closest[i]!
    }
    const pick = drawByWeight(closest, total, random)
    centroids.set(z.subarray(pick * dim, (pick + 1) * dim), c * dim)
  }
  const assignment = new Int32Array(n)
  for (let round = 0; round < 25; round++) {
    for (let i = 0; i < n; i++) assignment[i] = nearest(centroids, k, dim, z, i * dim)
    const sums = new Float64Array(k * dim)
    const counts = new Float64Array(k)
    for (let i = 0; i < n; i++) {
      const c = assignment[i]!
      counts[c]! += 1
      for (let j = 0; j < dim; j++) sums[c * dim + j]! += z[i * dim + j]!
    }
    for (let c = 0; c < k; c++)
      if (counts[c]! > 0)
        for (let j = 0; j < dim; j++) centroids[c * dim + j] = sums[c * dim + j]! / counts[c]!
  }
  const histograms = per.map(({ rows }) => {
    const zr = standardise(rows)
    const h = new Float64Array(k)
    const count = zr.length / dim
    for (let f = 0; f < count; f++)
      h[nearest(centroids, k, dim, zr, f * dim)]! += 1 / Math.max(1, count)
    return h
  })
  const idf = new Float64Array(k)
  for (let c = 0; c < k; c++) {
    const df = histograms.filter((h) => h[c]! > 0).length
    idf[c] = tfidf ? Math.log((1 + histograms.length) / (1 + df)) + 1 : 1
  }
  const byFrames = new Map(all.map((fr, i) => [fr, histograms[i]!]))
  return (fr) => {
    const h = byFrames.get(fr)
    if (!h) throw new Error('a codebook block serves only the library it was learned from')
    return Array.from(h, (v, c) => v * idf[c]!)
  }
}

/** `bof64` (MFCC + deltas, 64 centroids), `boft64` (TF-IDF), `bofm64` (mel shape). */
function libraryBlock(name: string, all: Frames[]): Candidate | undefined {
  const match = /^bof(m|t)?(\d+)$/.exec(name)
  if (!match) return undefined
  return codebook(all, Number(match[2]), match[1] === 'm' ? 'mel' : 'mfcc', match[1] === 't')
}

function candidate(spec: string, all: Frames[] = []): Candidate {
  const parts = spec.split('+').map((name) => {
    const block = blocks[name] ?? libraryBlock(name, all)
    if (!block)
      throw new Error(
        `unknown block ${name} (${Object.keys(blocks).join(', ')}, bofK, boftK, bofmK)`,
      )
    return block
  })
  return (fr) => parts.flatMap((part) => part(fr))
}

// --- probe ----------------------------------------------------------------------------------

interface Figures {
  linear: number[]
  oneNN: number
}

function probe(vectors: number[][], labels: string[], seeds: number[], repeats: number): Figures {
  const counts = new Map<string, number>()
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1)
  const classes = [...counts]
    .filter(([, n]) => n >= 5)
    .map(([l]) => l)
    .sort()
  const rows = labels.map((l, i) => ({ i, c: classes.indexOf(l) })).filter((r) => r.c >= 0)
  const dim = vectors[0]!.length
  const data = new Float64Array(rows.length * dim)
  rows.forEach((r, k) =>
    vectors[r.i]!.forEach((v, d) => (data[k * dim + d] = Number.isFinite(v) ? v : 0)),
  )
  const y = Int32Array.from(rows, (r) => r.c)
  const linear = seeds.map((seed) => {
    let sum = 0
    for (let r = 0; r < repeats; r++) {
      const cv = crossValidateRidge(data, dim, y, classes.length, 5, seed + r)
      sum += accuracyOf(cv.predictions, y)
    }
    return sum / repeats
  })
  const all = Array.from({ length: rows.length }, (_, i) => i)
  const std = standardiseRows(data, dim, all, fitStandardiser(data, dim, all))
  const nn = leaveOneOutNeighbours(std, dim, y, classes.length, [1]).get(1)!
  return { linear, oneNN: accuracyOf(nn, y) }
}

const { values } = parseArgs({
  options: {
    sets: { type: 'string', default: 'v4' },
    library: { type: 'string', default: 'both' },
    seeds: { type: 'string', default: '1,11,21' },
    repeats: { type: 'string', default: '10' },
    export: { type: 'string' },
    oracle: { type: 'string' },
    out: { type: 'string' },
  },
})
const libraries = values.library === 'both' ? ['corpus', 'fixtures'] : [values.library]
const seeds = values.seeds.split(',').map(Number)
const repeats = Number(values.repeats)
const frames = new Map<string, Frames[]>()
const items = new Map<string, Item[]>()
for (const library of libraries) {
  const list = libraryItems(library)
  items.set(library, list)
  const started = performance.now()
  const loaded: Frames[] = []
  for (const item of list) loaded.push(await loadFrames(item))
  frames.set(library, loaded)
  console.error(
    `${library}: ${list.length} excerpts ready in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  )
}
if (values.export) {
  // Every excerpt's vector of one set, by path, for bench/learning-screen.ts --vectors.
  const out: Record<string, number[]> = {}
  for (const library of libraries) {
    const make = candidate(values.export, frames.get(library))
    items.get(library)!.forEach((item, i) => {
      const vector = make(frames.get(library)![i]!)
      // --oracle W: W copies of a one-hot of the excerpt's own label appended (a ceiling: what the
      // screen reaches when the sound separates the styles perfectly).
      if (values.oracle) {
        const labels = [...new Set(items.get(library)!.map((x) => x.label))].sort()
        for (let copy = 0; copy < Number(values.oracle); copy++)
          for (const label of labels) vector.push(label === item.label ? 1 : 0)
      }
      out[item.path] = vector
    })
  }
  writeFileSync(values.out ?? `${values.export}.json`, JSON.stringify(out))
  console.error(
    `wrote ${Object.keys(out).length} vectors of ${values.export} to ${values.out ?? `${values.export}.json`}`,
  )
  process.exit(0)
}
const pct = (x: number): string => (100 * x).toFixed(1)
console.log(
  `| set | dims | ${libraries.map((l) => `${l}: linear probe (seeds ${seeds.join(' / ')}) | ${l}: mean | ${l}: 1-NN`).join(' | ')} |`,
)
console.log(`|---|---:|${libraries.map(() => '---:|---:|---:').join('|')}|`)
for (const spec of values.sets.split(',')) {
  const cells: string[] = []
  let dims = 0
  for (const library of libraries) {
    const make = candidate(spec, frames.get(library))
    const vectors = frames.get(library)!.map(make)
    dims = vectors[0]!.length
    const f = probe(
      vectors,
      items.get(library)!.map((i) => i.label),
      seeds,
      repeats,
    )
    const mean = f.linear.reduce((a, b) => a + b, 0) / f.linear.length
    cells.push(`${f.linear.map(pct).join(' / ')} | ${pct(mean)} | ${pct(f.oneNN)}`)
  }
  console.log(`| ${spec} | ${dims} | ${cells.join(' | ')} |`)
}

if (process.env.PROBE_SKEW) {
  const all = [...frames.values()].flat().map((f) => Array.from(f.v4))
  const skew = (xs: number[]): number => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length
    const s = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length)
    return s > 0 ? xs.reduce((a, b) => a + ((b - m) / s) ** 3, 0) / xs.length : 0
  }
  FEATURES.forEach((feature, i) => {
    const xs = all.map((v) => v[i]!)
    const min = Math.min(...xs)
    const sk = skew(xs)
    const logSk = min > 0 ? skew(xs.map(Math.log)) : NaN
    if (Math.abs(sk) > 1)
      console.log(
        `${i} ${feature.name} min=${min.toFixed(3)} skew=${sk.toFixed(2)} logskew=${logSk.toFixed(2)}`,
      )
  })
}
