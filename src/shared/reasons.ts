// Why a song was suggested, in a listener's words (issue 10, item 3). The engine works out the
// parts (the marked songs that pushed the score up, one everyday feature phrase, whether the
// exploration bonus changed the pick); this module turns them into the one reason line every
// front end shows, so the queue, Discover and the CLI say the same words. Numbers stay in
// `details`, one click away.
import { seedSentence } from './radio'

/** What the listener did with a song the reason names. */
export type SongFeeling = 'loved' | 'liked' | 'almost liked' | 'turned down' | 'played' | 'skipped'

/** A marked or played song that moved this song's score. */
export interface ReasonSong {
  trackId: number
  title: string
  feeling: SongFeeling
  /** 'close': this song is like it (and it pleased you); 'far': unlike it (and it did not). */
  relation: 'close' | 'far'
}

/** The numbers behind a reason, for "details". */
export interface ReasonDetails {
  /** Predicted reward (θ·x). */
  mean: number
  /** Exploration bonus (α·sqrt(xᵀA⁻¹x)). */
  bonus: number
  ucb: number
  /** The chance the auto-queue's draw gave this song; null outside the auto-queue. */
  probability: number | null
  /** The model's expectation for a song at the library's average (θ's intercept). */
  baseline: number
  /** The marked or played songs with the largest shares of mean − baseline (all shares sum to it). */
  songs: { trackId: number; title: string; feeling: SongFeeling; contribution: number }[]
  /** The named features that moved the mean the most (shares of mean − baseline). */
  features: { name: string; words: string; contribution: number }[]
  /** While a radio runs: the song's seed term (its closeness to the seed, on the score's scale). */
  seedTerm?: number
}

/** Why a song was suggested: the reason line, its parts, and the numbers. */
export interface PickReason {
  /** The line a listener reads: songs first, at most one feature phrase, the wild card. */
  line: string
  /** The songs the line names, in its order. */
  songs: ReasonSong[]
  /** One feature in everyday words ("calmer", "a minor-key feel"), or null. */
  feature: string | null
  /** Why it is a wild card, when the exploration bonus changed the pick; else null. */
  wildCard: string | null
  /** Nothing learned yet: the pick spreads across the library. */
  coldStart: boolean
  /** The radio's seed in words ("the album Wesnoth"), when closeness to it decided the pick. */
  seed?: string
  details: ReasonDetails
}

export const WILD_CARD_WHY = "the model hasn't heard songs like this from you yet"
const COLD_START_LINE = 'A first pick spread across your library, since nothing is learned yet.'
const FALLBACK_LINE = 'The closest fit to your marks among the songs left.'

const FEELING_WORDS: Record<SongFeeling, string> = {
  loved: 'which you loved',
  liked: 'which you liked',
  'almost liked': 'which you almost liked',
  'turned down': 'which you turned down',
  played: 'which you played to the end',
  skipped: 'which you skipped',
}

/** Feelings that count as "it pleased you" (a song like it is a reason to play this one). */
export function isPositiveFeeling(feeling: SongFeeling): boolean {
  return (
    feeling === 'loved' || feeling === 'liked' || feeling === 'almost liked' || feeling === 'played'
  )
}

/** "A and B, which you loved" / "A, which you loved, and B, which you liked". */
function songClause(songs: readonly ReasonSong[]): string {
  const groups: { titles: string[]; feeling: SongFeeling }[] = []
  for (const song of songs) {
    const last = groups[groups.length - 1]
    if (last && last.feeling === song.feeling) last.titles.push(song.title)
    else groups.push({ titles: [song.title], feeling: song.feeling })
  }
  const parts = groups.map((g) => `${joinAnd(g.titles)}, ${FEELING_WORDS[g.feeling]}`)
  return parts.length <= 1
    ? (parts[0] ?? '')
    : `${parts.slice(0, -1).join(', ')}, and ${parts[parts.length - 1]}`
}

function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? ''
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

/** The feature phrase as a sentence: "Calmer than most of your songs." / "It has a minor-key feel." */
export function featureSentence(phrase: string): string {
  return /^(a|an) /.test(phrase)
    ? `It has ${phrase}.`
    : `${capitalise(phrase)} than most of your songs.`
}

/** The reason line from its parts: the songs, then the feature, then the wild card. */
export function reasonLine(
  parts: Pick<PickReason, 'songs' | 'feature' | 'wildCard' | 'coldStart' | 'seed'>,
): string {
  if (parts.coldStart) return parts.seed ? seedSentence(parts.seed) : COLD_START_LINE
  const sentences: string[] = parts.seed ? [seedSentence(parts.seed)] : []
  const close = parts.songs.filter((s) => s.relation === 'close')
  const far = parts.songs.filter((s) => s.relation === 'far')
  if (close.length > 0) sentences.push(`Close to ${songClause(close)}.`)
  if (far.length > 0) sentences.push(`Far from ${songClause(far)}.`)
  if (parts.feature) sentences.push(featureSentence(parts.feature))
  if (parts.wildCard) sentences.push(`A wild card, as ${parts.wildCard}.`)
  return sentences.length > 0 ? sentences.join(' ') : FALLBACK_LINE
}

/**
 * The same reason with (or without) the wild card and with the draw's probability, re-worded; on
 * a radio (`radio`), with the song's seed term, and "close to" the seed first when it decided the
 * pick. Without `radio`, no seed.
 */
export function withPickContext(
  reason: PickReason,
  context: {
    wildCard: boolean
    probability?: number | null
    radio?: { label: string; term: number; decided: boolean } | null
  },
): PickReason {
  const wildCard = context.wildCard && !reason.coldStart ? WILD_CARD_WHY : null
  const { seed: _seed, ...rest } = reason
  const { seedTerm: _term, ...details } = reason.details
  const radio = context.radio ?? null
  const next: PickReason = {
    ...rest,
    wildCard,
    ...(radio?.decided ? { seed: radio.label } : {}),
    details: {
      ...details,
      probability: context.probability ?? reason.details.probability,
      ...(radio ? { seedTerm: radio.term } : {}),
    },
  }
  return { ...next, line: reasonLine(next) }
}

/** A saved reason (it crosses the queue store as JSON) back into shape, or null. */
export function asPickReason(value: unknown): PickReason | null {
  if (typeof value !== 'object' || value === null) return null
  const r = value as Partial<PickReason>
  if (typeof r.line !== 'string' || typeof r.details !== 'object' || r.details === null) return null
  const d = r.details as Partial<ReasonDetails>
  const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0)
  return {
    line: r.line,
    songs: Array.isArray(r.songs) ? r.songs.filter(isReasonSong) : [],
    feature: typeof r.feature === 'string' ? r.feature : null,
    wildCard: typeof r.wildCard === 'string' ? r.wildCard : null,
    coldStart: r.coldStart === true,
    ...(typeof r.seed === 'string' && r.seed ? { seed: r.seed } : {}),
    details: {
      mean: num(d.mean),
      bonus: num(d.bonus),
      ucb: num(d.ucb),
      probability: typeof d.probability === 'number' ? d.probability : null,
      baseline: num(d.baseline),
      songs: Array.isArray(d.songs)
        ? d.songs.filter((s) => isReasonSong({ ...s, relation: 'close' }))
        : [],
      features: Array.isArray(d.features)
        ? d.features.filter(
            (f) =>
              typeof f === 'object' &&
              f !== null &&
              typeof f.name === 'string' &&
              typeof f.words === 'string' &&
              typeof f.contribution === 'number',
          )
        : [],
      ...(typeof d.seedTerm === 'number' && Number.isFinite(d.seedTerm)
        ? { seedTerm: d.seedTerm }
        : {}),
    },
  }
}

function isReasonSong(value: unknown): value is ReasonSong {
  if (typeof value !== 'object' || value === null) return false
  const s = value as Partial<ReasonSong>
  return (
    typeof s.trackId === 'number' &&
    typeof s.title === 'string' &&
    typeof s.feeling === 'string' &&
    s.feeling in FEELING_WORDS &&
    (s.relation === 'close' || s.relation === 'far')
  )
}

/** Why the auto-queue picked a song: the model's scores, the draw's probability, the reasons. */
export interface AutoPickReason {
  mean: number
  bonus: number
  ucb: number
  /** The chance the softmax draw gave this song among its short-list. */
  probability: number
  /** Why, in a listener's words (saved queues from before it have none). */
  why?: PickReason
  /** The reason line (`why.line`), as a list. */
  reasons: string[]
}

/** A saved reason back into shape (it crosses the queue store as JSON). */
export function asAutoPickReason(value: unknown): AutoPickReason | null {
  if (typeof value !== 'object' || value === null) return null
  const r = value as Partial<AutoPickReason>
  if (typeof r.mean !== 'number' || typeof r.bonus !== 'number') return null
  const why = asPickReason(r.why)
  return {
    mean: r.mean,
    bonus: r.bonus,
    ucb: typeof r.ucb === 'number' ? r.ucb : r.mean + r.bonus,
    probability: typeof r.probability === 'number' ? r.probability : 1,
    ...(why ? { why } : {}),
    reasons: Array.isArray(r.reasons)
      ? r.reasons.filter((x): x is string => typeof x === 'string')
      : [],
  }
}
