// The parts of a listener-words reason (src/shared/reasons.ts) from the model's numbers: which
// marked or played songs pushed this song's score up (their exact shares of the mean, see
// TasteModel.songContributions), one everyday feature phrase, and whether it is a wild card.
import type { Mark } from '../../shared/domain'
import {
  isPositiveFeeling,
  reasonLine,
  WILD_CARD_WHY,
  type PickReason,
  type ReasonSong,
  type SongFeeling,
} from '../../shared/reasons'
import { featurePhrase, type FeatureReason } from './explain'

/** At most this many "close to" songs and "far from" songs in a reason line. */
const MAX_CLOSE = 2
const MAX_FAR = 1
/**
 * A song is named only when its share is at least this fraction of the largest positive share
 * and NAMED_OF_ALL of all the songs' shares (absolute values summed): a faint resemblance is
 * never offered as a reason.
 */
const NAMED_SHARE = 0.25
const NAMED_OF_ALL = 0.1
/** Shares below this are rounding, not reasons. */
const NEGLIGIBLE = 1e-6
/** How many songs the details list (by the size of their share, either sign). */
const DETAIL_SONGS = 5

export interface SongShare {
  trackId: number
  /** Its rows' share of the song's mean beyond the baseline: Σ w·r·((x, 0)ᵀA⁻¹x̃_row). */
  contribution: number
  feeling: SongFeeling
}

export interface ReasonInputs {
  mean: number
  bonus: number
  ucb: number
  baseline: number
  coldStart: boolean
  /** The exploration bonus changed the pick: without it another song would hold its place. */
  wildCard: boolean
  /** The auto-queue draw's probability; null elsewhere. */
  probability?: number | null
  space: string
  /** The features that moved the mean most (FeatureReason, largest |contribution| first). */
  features: readonly FeatureReason[]
  /** Every other song's share of the mean. */
  songs: readonly SongShare[]
  titleOf: (trackId: number) => string
}

/** What a mark (or, for a song without one, its plays) says the listener felt. */
export function feelingOf(mark: Mark | null, listenReward: number): SongFeeling {
  switch (mark) {
    case 'love':
      return 'loved'
    case 'like':
      return 'liked'
    case 'near_miss':
      return 'almost liked'
    case 'not_for_me':
      return 'turned down'
    default:
      return listenReward > 0 ? 'played' : 'skipped'
  }
}

/**
 * The songs a reason line names: the largest positive shares, "close to" songs the listener
 * liked (up to two) and "far from" songs they turned down (one), each a fair part of the score
 * (NAMED_SHARE, NAMED_OF_ALL).
 */
export function namedSongs(
  songs: readonly SongShare[],
  titleOf: (trackId: number) => string,
): ReasonSong[] {
  const pushing = songs
    .filter((s) => s.contribution > NEGLIGIBLE)
    .sort((a, b) => b.contribution - a.contribution || a.trackId - b.trackId)
  const total = songs.reduce((sum, s) => sum + Math.abs(s.contribution), 0)
  const least = Math.max(NAMED_SHARE * (pushing[0]?.contribution ?? 0), NAMED_OF_ALL * total)
  const close: ReasonSong[] = []
  const far: ReasonSong[] = []
  for (const song of pushing) {
    if (song.contribution < least) break
    const positive = isPositiveFeeling(song.feeling)
    const list = positive ? close : far
    if (list.length >= (positive ? MAX_CLOSE : MAX_FAR)) continue
    list.push({
      trackId: song.trackId,
      title: titleOf(song.trackId),
      feeling: song.feeling,
      relation: positive ? 'close' : 'far',
    })
  }
  return [...close, ...far]
}

export function composeReason(input: ReasonInputs): PickReason {
  const songs = input.coldStart ? [] : namedSongs(input.songs, input.titleOf)
  const feature = input.coldStart ? null : featurePhrase(input.features, input.space)
  const wildCard = input.wildCard && !input.coldStart ? WILD_CARD_WHY : null
  const parts = { songs, feature, wildCard, coldStart: input.coldStart }
  return {
    ...parts,
    line: reasonLine(parts),
    details: {
      mean: input.mean,
      bonus: input.bonus,
      ucb: input.ucb,
      probability: input.probability ?? null,
      baseline: input.baseline,
      songs: [...input.songs]
        .filter((s) => Math.abs(s.contribution) > NEGLIGIBLE)
        .sort(
          (a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.trackId - b.trackId,
        )
        .slice(0, DETAIL_SONGS)
        .map((s) => ({
          trackId: s.trackId,
          title: input.titleOf(s.trackId),
          feeling: s.feeling,
          contribution: s.contribution,
        })),
      features: input.features.map((f) => ({
        name: f.name,
        words: f.phrase,
        contribution: f.contribution,
      })),
    },
  }
}
