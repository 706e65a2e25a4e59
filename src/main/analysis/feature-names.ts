/**
 * The named dimensions of the built-in embedding `attune-dsp-v1`, in vector order.
 * Every dimension carries a one-line meaning in plain words, so a recommendation can be
 * explained ("picked for its tempo and brightness").
 */

export type FeatureGroup = 'timbre' | 'spectral' | 'harmony' | 'rhythm' | 'loudness'

export interface FeatureInfo {
  name: string
  group: FeatureGroup
  unit: string
  meaning: string
  /** Everyday words for a song high and low on it ("more bass", "less bass"), when there are any. */
  words?: readonly [higher: string, lower: string]
}

/**
 * Spectral-shape bands (Hz) of version 4: groups of the 40 mel bands, each band's level relative to
 * the frame's average level, so it describes the balance of the sound rather than its loudness.
 */
export const SHAPE_BANDS: readonly { low: number; high: number; words: [string, string] }[] = [
  { low: 0, high: 150, words: ['more deep bass', 'less deep bass'] },
  { low: 150, high: 400, words: ['more bass', 'less bass'] },
  { low: 400, high: 800, words: ['warmer', 'thinner'] },
  { low: 800, high: 1600, words: ['more midrange', 'less midrange'] },
  { low: 1600, high: 3200, words: ['more presence', 'less presence'] },
  { low: 3200, high: 6400, words: ['brighter', 'mellower'] },
  { low: 6400, high: 11025, words: ['airier', 'less airy'] },
]
/** Modulation rates (Hz) of version 4: how fast the level of a band pulses (slow swells to fast rolls). */
export const MODULATION_RATES_HZ = [
  [0.5, 2],
  [2, 4],
  [4, 8],
  [8, 16],
] as const
/** Onset bands of version 4: where the attacks happen (kick and bass, middle, cymbals and hiss). */
export const ONSET_BANDS: readonly {
  name: string
  low: number
  high: number
  words: [string, string]
}[] = [
  { name: 'low', low: 0, high: 200, words: ['punchier low end', 'softer low end'] },
  { name: 'mid', low: 200, high: 2000, words: ['more percussive', 'smoother'] },
  { name: 'high', low: 2000, high: 11025, words: ['crisper highs', 'gentler highs'] },
]

/** Contrast bands (Hz): about one octave each, as in Jiang et al. 2002 (octave-based spectral contrast). */
export const CONTRAST_BAND_EDGES_HZ = [0, 250, 500, 1000, 2000, 4000, 11025] as const
/** Tempo bands (BPM) whose share of the onset autocorrelation is reported. */
export const TEMPO_BANDS_BPM = [
  [40, 70],
  [70, 100],
  [100, 140],
  [140, 200],
] as const
export const MFCC_COUNT = 13
export const PITCH_CLASS_NAMES = [
  'C',
  'C#',
  'D',
  'D#',
  'E',
  'F',
  'F#',
  'G',
  'G#',
  'A',
  'A#',
  'B',
] as const
const INTERVAL_NAMES = [
  'the tonic',
  'the minor second',
  'the second',
  'the minor third',
  'the major third',
  'the fourth',
  'the tritone',
  'the fifth',
  'the minor sixth',
  'the sixth',
  'the minor seventh',
  'the major seventh',
]

function build(): FeatureInfo[] {
  const features: FeatureInfo[] = []
  const add = (
    group: FeatureGroup,
    name: string,
    unit: string,
    meaning: string,
    words?: readonly [string, string],
  ): void => {
    features.push(words ? { name, group, unit, meaning, words } : { name, group, unit, meaning })
  }
  for (let k = 1; k <= MFCC_COUNT; k++) {
    add(
      'timbre',
      `mfcc${k}_mean`,
      'dB',
      `timbre: average of spectral-envelope coefficient ${k} (${k === 1 ? 'overall tilt, dark vs bright' : 'finer shape of the tone colour'})`,
    )
  }
  for (let k = 1; k <= MFCC_COUNT; k++) {
    add(
      'timbre',
      `mfcc${k}_std`,
      'dB',
      `timbre variety: how much spectral-envelope coefficient ${k} changes over the track`,
    )
  }
  for (let k = 1; k <= MFCC_COUNT; k++) {
    add(
      'timbre',
      `mfcc${k}_delta_std`,
      'dB/frame',
      `timbre motion: how fast spectral-envelope coefficient ${k} changes from one moment to the next`,
    )
  }
  const spectral: [string, string, string][] = [
    ['spectral_centroid', 'Hz', 'brightness: where the centre of the spectrum lies'],
    ['spectral_bandwidth', 'Hz', 'fullness: how widely the spectrum spreads around its centre'],
    ['spectral_rolloff', 'Hz', 'treble reach: the frequency below which 85 % of the energy lies'],
    ['spectral_flatness', 'ratio', 'noisiness: 0 for pure tones, near 1 for noise-like sound'],
    ['spectral_flux', 'ratio', 'change: how much the spectrum shape moves between moments'],
  ]
  for (const [name, unit, meaning] of spectral) {
    add('spectral', `${name}_mean`, unit, `${meaning} (average)`)
    add('spectral', `${name}_std`, unit, `${meaning} (how much it varies)`)
  }
  for (let band = 0; band < CONTRAST_BAND_EDGES_HZ.length - 1; band++) {
    const low = CONTRAST_BAND_EDGES_HZ[band]!
    const high = CONTRAST_BAND_EDGES_HZ[band + 1]!
    add(
      'spectral',
      `contrast_${low}_${high}hz_mean`,
      'dB',
      `clarity between ${low} and ${high} Hz: peaks vs valleys (clear notes vs dense noise), average`,
    )
    add(
      'spectral',
      `contrast_${low}_${high}hz_std`,
      'dB',
      `clarity between ${low} and ${high} Hz: how much it varies`,
    )
  }
  for (let interval = 0; interval < 12; interval++) {
    add(
      'harmony',
      `chroma_key_${interval}`,
      'share',
      `harmony: how much ${INTERVAL_NAMES[interval]} of the key sounds (pitch classes relative to the estimated key)`,
    )
  }
  add(
    'harmony',
    'key_strength',
    'correlation',
    'tonal clarity: how well the harmony fits one major or minor key',
  )
  add('harmony', 'key_mode', '1 major / 0 minor', 'mode: major (bright, 1) or minor (dark, 0) key')
  add(
    'harmony',
    'key_mode_clarity',
    'correlation',
    'how much better the best major key fits than the best minor key (positive: major)',
  )
  add('rhythm', 'tempo_bpm', 'BPM', 'tempo: beats per minute from the periodicity of note onsets')
  add(
    'rhythm',
    'tempo_confidence',
    'correlation',
    'beat clarity: how regular the pulse at that tempo is',
  )
  add('rhythm', 'onset_rate', '1/s', 'busyness: note or drum onsets per second')
  add(
    'rhythm',
    'onset_strength_mean',
    'dB',
    'attack: how sharply the sound rises at onsets, on average',
  )
  for (const [low, high] of TEMPO_BANDS_BPM) {
    add(
      'rhythm',
      `tempo_band_${low}_${high}bpm`,
      'correlation',
      `pulse between ${low} and ${high} BPM: how strongly the rhythm repeats at those speeds`,
    )
  }
  add(
    'loudness',
    'loudness_p10_db',
    'dBFS',
    'quiet passages: level of the quietest tenth of the moments',
  )
  add('loudness', 'loudness_p50_db', 'dBFS', 'typical loudness: median level')
  add(
    'loudness',
    'loudness_p90_db',
    'dBFS',
    'loud passages: level of the loudest tenth of the moments',
  )
  add(
    'loudness',
    'dynamic_range_db',
    'dB',
    'dynamics: spread between loud (95th percentile) and quiet (5th) moments',
  )
  add(
    'spectral',
    'zero_crossing_rate_mean',
    '1/s',
    'edge: how often the waveform crosses zero (noisy, hissy or bright sounds cross more)',
  )
  add('spectral', 'zero_crossing_rate_std', '1/s', 'edge: how much the zero-crossing rate varies')
  // Version 4.
  for (const band of SHAPE_BANDS) {
    const range = `${band.low}–${band.high} Hz`
    add(
      'spectral',
      `shape_${band.low}_${band.high}hz_mean`,
      'dB',
      `balance: how strong ${range} is against the rest of the sound (average)`,
      band.words,
    )
    add(
      'spectral',
      `shape_${band.low}_${band.high}hz_std`,
      'dB',
      `balance: how much the strength of ${range} against the rest varies`,
    )
  }
  for (let band = 0; band < CONTRAST_BAND_EDGES_HZ.length - 1; band++) {
    const low = CONTRAST_BAND_EDGES_HZ[band]!
    const high = CONTRAST_BAND_EDGES_HZ[band + 1]!
    add(
      'spectral',
      `valley_${low}_${high}hz_mean`,
      'dB',
      `floor between ${low} and ${high} Hz: level of the quietest fifth of its frequencies (dense, noisy sound is high)`,
      ['a denser sound', 'a cleaner sound'],
    )
  }
  for (const band of ONSET_BANDS) {
    add(
      'rhythm',
      `onset_${band.name}_mean`,
      'dB',
      `attacks between ${band.low} and ${band.high} Hz: how sharply that range rises at onsets`,
      band.words,
    )
  }
  for (const band of ONSET_BANDS)
    for (const [low, high] of MODULATION_RATES_HZ)
      add(
        'rhythm',
        `modulation_${band.name}_${low}_${high}hz`,
        'share',
        `pulsing between ${band.low} and ${band.high} Hz: share of that range's level changes that repeat ${low}–${high} times a second`,
      )
  add(
    'harmony',
    'harmonic_change',
    'share',
    'harmonic motion: how much the pitch classes change from one moment to the next',
    ['more harmonic movement', 'more static harmony'],
  )
  add(
    'rhythm',
    'tempo_drift',
    'octaves',
    'tempo stability: how much the tempo differs between parts of the track (0 = steady)',
    ['a freer tempo', 'a steadier tempo'],
  )
  add(
    'loudness',
    'loudness_range_db',
    'dB',
    'loudness range: spread of 3-second loudness between loud (95th percentile) and quiet (10th) stretches',
    ['more contrast between loud and quiet parts', 'more even from start to end'],
  )
  return features
}

/** Every dimension of the vector, in order. */
export const FEATURES: readonly FeatureInfo[] = build()

/** Identifies the extractor in the `embeddings.space` column. */
// Version 2: band contrast's peak is the exact mean of the top 20 % (version 1 took whatever a
// partial selection left at the end). Version 3: one window plan for every length (windows.ts):
// half of the track, at most 60 s, in windows centred in equal parts; tracks of 10–60 s were
// analysed whole, and 4 × 15 s windows sat at 10 %…90 % of the duration. Version 4: spectral
// balance in 7 bands, contrast valleys, onsets in 3 bands, harmonic change, tempo drift and
// loudness range (docs/features.md). A new version re-analyses every track once.
export const EXTRACTOR = { space: 'attune-dsp-v1', version: 4, dims: FEATURES.length } as const

/** Position of each feature in the vector. */
export const FEATURE_INDEX: ReadonlyMap<string, number> = new Map(
  FEATURES.map((feature, index) => [feature.name, index]),
)
