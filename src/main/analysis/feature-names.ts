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
}

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
  const add = (group: FeatureGroup, name: string, unit: string, meaning: string): void => {
    features.push({ name, group, unit, meaning })
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
  return features
}

/** Every dimension of the vector, in order. */
export const FEATURES: readonly FeatureInfo[] = build()

/** Identifies the extractor in the `embeddings.space` column. */
// Version 2: band contrast's peak is the exact mean of the top 20 % (version 1 took whatever a
// partial selection left at the end). Version 3: one window plan for every length (windows.ts):
// half of the track, at most 60 s, in windows centred in equal parts; tracks of 10–60 s were
// analysed whole, and 4 × 15 s windows sat at 10 %…90 % of the duration. A new version
// re-analyses every track once.
export const EXTRACTOR = { space: 'attune-dsp-v1', version: 3, dims: FEATURES.length } as const

/** Position of each feature in the vector. */
export const FEATURE_INDEX: ReadonlyMap<string, number> = new Map(
  FEATURES.map((feature, index) => [feature.name, index]),
)
