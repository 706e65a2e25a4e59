// Radio from a seed (issue 13, item 1): a song, an album, an artist, a folder or a list of songs (a
// playlist) starts a radio; while it runs, the auto-queue's score of each song adds a term for how
// close the song is to the seed in the taste model's space (docs/radio.md has the formula). The
// seed kinds, the listener's control ("close to the seed" … "wander") and the words are declared
// once here for the engine, the contract and every front end.
import { z } from 'zod'
import { sliderWords } from './slider-words'

const id = z.number().int().positive()

/** At most this many songs make a seed (a whole library folder is cut to its first songs). */
export const MAX_SEED_SONGS = 5000

/** What a radio starts from. `tracks` is any list of songs, named (a playlist, a selection). */
export const radioSeedSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('track'), trackId: id }).strict(),
  /** An album by its key (AlbumSummary.key, as listGroupTracks takes it). */
  z.object({ kind: z.literal('album'), album: z.string().min(1).max(5000) }).strict(),
  z.object({ kind: z.literal('artist'), artist: z.string().min(1).max(1000) }).strict(),
  z.object({ kind: z.literal('folder'), path: z.string().min(1).max(5000) }).strict(),
  z
    .object({
      kind: z.literal('tracks'),
      trackIds: z.array(id).min(1).max(MAX_SEED_SONGS),
      /** How the reasons name the list: "the playlist Road trip". */
      name: z.string().trim().min(1).max(500),
    })
    .strict(),
])
export type RadioSeed = z.infer<typeof radioSeedSchema>
export type RadioSeedKind = RadioSeed['kind']

/** A radio that runs: its seed, the seed's songs, and how the reasons name it. */
export const radioStateSchema = z.object({
  seed: radioSeedSchema,
  /** The seed in words, as a reason names it: "Northerners", "the album Wesnoth". */
  label: z.string().min(1).max(1000),
  trackIds: z.array(id).min(1).max(MAX_SEED_SONGS),
  startedAt: z.number(),
})
export type RadioState = z.infer<typeof radioStateSchema>

/** What the listener sees of the radio: null when none runs. */
export interface RadioStatus {
  radio: { label: string; kind: RadioSeedKind; songs: number; startedAt: number } | null
  /** 0 = "wander" … 1 = "close to the seed". */
  closeness: number
}

export const DEFAULT_CLOSENESS = 0.5

/** The radio as the listener sees it, from the settings' radio section. */
export function radioStatus(settings: {
  closeness: number
  current: RadioState | null
}): RadioStatus {
  const current = settings.current
  return {
    radio: current
      ? {
          label: current.label,
          kind: current.seed.kind,
          songs: current.trackIds.length,
          startedAt: current.startedAt,
        }
      : null,
    closeness: settings.closeness,
  }
}

/**
 * The seed term's weight w from the listener's control (0 = "wander" … 1 = "close to the seed"):
 * 0.25 · 16^closeness, so 0.25 … 4 on a log scale with w = 1 in the middle, where one standard
 * deviation of closeness to the seed counts as much as one standard deviation of the taste score.
 */
export function radioWeight(closeness: number): number {
  const c = Math.min(1, Math.max(0, closeness))
  return 0.25 * Math.pow(16, c)
}

/** The control's position in words. */
export function closenessWords(closeness: number): string {
  return sliderWords(
    closeness,
    [
      [0.2, 'Wander'],
      [0.45, 'Wander a little'],
      [0.6, 'A balance'],
      [0.85, 'Mostly close to the seed'],
    ],
    'Close to the seed',
  )
}

/** The sentence a reason starts with when the seed decided a pick. */
export function seedSentence(label: string): string {
  return `Close to ${label}, where this radio started.`
}
