// The listener's settings, with their defaults (DESIGN.md) and a schema that validates them at
// the boundary. Stored as JSON in the `settings` table, one row per section.
import { z } from 'zod'
import { MAX_CROSSFADE_SECONDS } from './crossfade'
import { DEFAULT_REWARDS } from './rewards'
import { DEFAULT_CLOSENESS, radioStateSchema } from './radio'
import { sliderWords } from './slider-words'

const rewardRow = z.object({ reward: z.number().min(-5).max(5), weight: z.number().min(0).max(10) })

export const settingsSchema = z.object({
  rewards: z.object({
    marks: z.object({
      love: rewardRow,
      like: rewardRow,
      near_miss: rewardRow,
      not_for_me: rewardRow,
    }),
    importWeight: z.number().min(0).max(10),
    played: rewardRow.extend({ minFraction: z.number().min(0).max(1) }),
    lateSkip: rewardRow,
    earlySkip: rewardRow.extend({
      maxFraction: z.number().min(0).max(1),
      minSecondsLeft: z.number().min(0),
    }),
    listenRowsPerTrack: z.number().int().min(0).max(100),
  }),
  model: z.object({
    /** The embedding space the taste model uses. */
    space: z.string().min(1),
    /** PCA dimensions (k = min(this, N − 1, D)). */
    pcaDims: z.number().int().min(2).max(256),
    lambda: z.number().positive().max(1000),
    /** Sliding window of the last W rewards, or null for no forgetting. */
    forgettingWindow: z.number().int().min(10).nullable(),
    paused: z.boolean(),
    /**
     * Tag context: a song's artist, album, genre and decade (or what its folders name) join its
     * sound in the model, so songs of an album or artist you like come sooner (docs/learning.md).
     */
    useTags: z.boolean(),
    /** How much the tags weigh beside the sound (the sound's part has length 1). */
    tagWeight: z.number().min(0).max(4),
    /**
     * The album's sound: each song's sound mixed with its album's average, this share of it
     * (0: off … 1: every song of an album sounds like the album), docs/learning.md.
     */
    albumSound: z.number().min(0).max(1),
  }),
  exploration: z.object({
    /** α: 0.1 "safe bets" … 3 "surprise me". */
    alpha: z.number().min(0).max(10),
    /** Softmax temperature over the top candidates; 0 = argmax. */
    temperature: z.number().min(0).max(10),
    topN: z.number().int().min(1).max(100),
    /** Rediscover offers songs turned down at least this many days ago. */
    rediscoverAfterDays: z.number().min(0).max(3650),
  }),
  autoQueue: z.object({
    enabled: z.boolean(),
    minUpcoming: z.number().int().min(1).max(50),
    /** Not replayed within this many days. */
    replayWindowDays: z.number().min(0).max(365),
    /** No artist twice within this many auto-picks. */
    artistSpacing: z.number().int().min(0).max(50),
  }),
  analysis: z.object({
    /** Worker threads; null = cores − 1. */
    workers: z.number().int().min(1).max(64).nullable(),
    autoStart: z.boolean(),
  }),
  playback: z.object({
    /** "Not for me" on the song that is playing moves on to the next one. */
    skipOnNotForMe: z.boolean(),
    /** Evens out loudness with the files' ReplayGain tags: per track, per album, or not. */
    replayGain: z.enum(['track', 'album', 'off']),
    /**
     * Seconds the end of a song and the start of the next overlap; 0 = off: songs follow each
     * other without a gap. Never between consecutive songs of one album (src/shared/crossfade.ts).
     */
    crossfadeSeconds: z.number().min(0).max(MAX_CROSSFADE_SECONDS),
  }),
  /** Radio from a seed (see radio.ts): how close to the seed it stays, and the one running. */
  radio: z.object({
    /** 0 = "wander" … 1 = "close to the seed" (the seed term's weight, radioWeight). */
    closeness: z.number().min(0).max(1),
    /** The radio running (it survives a restart), or null. Set by startRadio and stopRadio. */
    current: radioStateSchema.nullable(),
  }),
  /** Sending listens to ListenBrainz and Last.fm: off unless the listener turns it on. */
  scrobbling: z.object({
    listenbrainz: z.object({
      enabled: z.boolean(),
      /** The user token from listenbrainz.org/settings (sent as `Authorization: Token …`). */
      token: z.string().max(200),
      /** The API's address: ListenBrainz itself, or a compatible server of the listener's own. */
      url: z.string().url().max(500),
    }),
    lastfm: z.object({
      enabled: z.boolean(),
      /** The listener's own API account (last.fm/api/account/create): key and shared secret. */
      apiKey: z.string().max(100),
      apiSecret: z.string().max(100),
      /** The session Last.fm gives once the listener allowed Attune (auth.getSession). */
      sessionKey: z.string().max(100),
      user: z.string().max(100),
      url: z.string().url().max(500),
    }),
  }),
})

export type Settings = z.infer<typeof settingsSchema>
export type SettingsSection = keyof Settings

export const DEFAULT_SETTINGS: Settings = {
  rewards: DEFAULT_REWARDS,
  model: {
    space: 'attune-dsp-v1',
    pcaDims: 64,
    lambda: 1,
    forgettingWindow: null,
    paused: false,
    useTags: true,
    tagWeight: 0.5,
    albumSound: 0.75,
  },
  exploration: { alpha: 0.5, temperature: 0.1, topN: 10, rediscoverAfterDays: 30 },
  autoQueue: { enabled: false, minUpcoming: 2, replayWindowDays: 3, artistSpacing: 2 },
  analysis: { workers: null, autoStart: true },
  playback: { skipOnNotForMe: true, replayGain: 'track', crossfadeSeconds: 0 },
  radio: { closeness: DEFAULT_CLOSENESS, current: null },
  scrobbling: {
    listenbrainz: { enabled: false, token: '', url: 'https://api.listenbrainz.org' },
    lastfm: {
      enabled: false,
      apiKey: '',
      apiSecret: '',
      sessionKey: '',
      user: '',
      url: 'https://ws.audioscrobbler.com/2.0/',
    },
  },
}

/** Maps the UI's exploration slider (0 = "safe bets", 1 = "surprise me") to α in 0.1…3, log-scaled. */
export function alphaFromSlider(position: number): number {
  const p = Math.min(1, Math.max(0, position))
  return 0.1 * Math.pow(30, p)
}

export function sliderFromAlpha(alpha: number): number {
  return Math.min(1, Math.max(0, Math.log(Math.max(alpha, 1e-6) / 0.1) / Math.log(30)))
}

export type ReplayGainMode = Settings['playback']['replayGain']

/** The exploration slider's position (0…1) in words, "safe bets" … "surprise me". */
export function explorationWords(position: number): string {
  // The default α = 1 sits at 0.68: "A balance".
  return sliderWords(
    position,
    [
      [0.2, 'Safe bets'],
      [0.45, 'Mostly safe bets'],
      [0.75, 'A balance'],
      [0.9, 'Some surprises'],
    ],
    'Surprise me',
  )
}
