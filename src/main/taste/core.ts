// The taste model's home inside its worker thread: it reads the library's vectors, the settings and
// the event log from its own read-only SQLite connection (so no big matrix crosses the thread
// boundary), keeps a TasteLearner current, and hands out snapshots for the main thread to save.
import { createHash } from 'node:crypto'
import type { Database } from '../db/database'
import { fromBlob } from '../db/embeddings'
import { EventLog } from '../db/events'
import { TasteLibrary } from '../db/taste-library'
import { ExclusionRepository } from '../db/exclusions'
import { ModelStateStore } from '../db/model-state'
import { SettingsStore } from '../db/settings'
import type { Settings } from '../../shared/settings'
import type { RewardSettings } from '../../shared/rewards'
import {
  TasteLearner,
  TasteModel,
  type LearnerEvent,
  type LearnerRecommendOptions,
  type Recommendation,
  type ScoredSong,
  type WordedSong,
  type RewardObservation,
  type TasteLearnerJson,
  type TasteModelSettings,
  type RadioRequest,
  type PreparedStats,
} from './model'
import { TrainingLedger } from './training'
import { tagDimensionsFor, tagMatrix, type SongTags } from './tags'
import {
  AlbumSignatures,
  albumMember,
  applyAlbumSound,
  fitAlbumSound,
  type AlbumMember,
  type AlbumSoundFrame,
} from './album-sound'
import type { RefreshStats } from './linucb'
import { tasteInsights } from './insights'
import type { TasteInsights } from '../../shared/insights'
import type { Explanation } from '../../shared/taste'
import { UserError } from '../../shared/errors'
import { PickHistory } from '../db/pick-history'
import {
  asCandidates,
  chooseAutoPick,
  planReplacements,
  type AutoQueueChoice,
  type AutoQueuePolicy,
  type CandidateExtras,
  type PlannedReplacement,
} from '../../shared/auto-queue'
import { seededRandom } from '../../shared/random'

/** What shapes the model: a change to any of these means replaying the whole log. */
export interface ModelParams {
  space: string
  pcaDims: number
  lambda: number
  forgettingWindow: number | null
  rewards: RewardSettings
  /**
   * Tag context (tags.ts): hashed tag dimensions (taken from `pcaDims`) and their weight; null:
   * audio only.
   */
  tags: { dims: number; weight: number } | null
  /**
   * The album's share of each song's sound (album-sound.ts), 0..1; absent when off, so the
   * parameters, and the saved model's key, of a model without it are as before.
   */
  albumSound?: number
}

export interface TasteStatus {
  key: string
  space: string
  tracks: number
  /** PCA dimensions in use (the sound's part of each song's vector). */
  k: number
  /** Each song's vector in the model: the k sound dimensions and the tag dimensions. */
  width: number
  rows: number
  lastEventId: number
  /** How the model was last (re)built. */
  source: 'snapshot' | 'replay'
  /** Songs the PCA was fitted on (songs added since extend the model until 10 % growth). */
  fittedOn: number
  /**
   * What the last change of the library's vectors did without a replay of the log: new songs
   * extended the model, or made it re-fit the PCA and replay its rows; or only which songs are
   * missing changed. null: none since the model was (re)built.
   */
  libraryChange: LibraryChange | null
  /** Events applied by this call. */
  appliedEvents: number
  paused: boolean
  elapsedMs: number
  /** LinUCB's exact refresh, done in slices in idle time: how it has gone, and whether one is due. */
  refresh: RefreshStats & { pending: boolean }
}

export interface TasteSnapshot {
  key: string
  space: string
  params: ModelParams
  /** JSON of `SavedState`. */
  state: string
  lastEventId: number
}

export type LibraryChange = 'extended' | 'refitted' | 'unchanged'

/** Whether the worker has idle work left (the exact refresh, preparing songs), and how preparing went. */
export interface IdleWork extends PreparedStats {
  pending: boolean
}

interface SavedState {
  /** The library's fingerprint when saved (for information; `vectors` decides). */
  library: string
  /**
   * SHA-256 of the model's songs and their vectors, in its order: a vector changed since (a
   * re-analysis) means a re-fit. Songs added since extend the restored model.
   */
  vectors: string
  learner: TasteLearnerJson
}

/** Every vector of a space, of present and missing tracks alike, by track id. */
interface LibraryVectors {
  trackIds: Int32Array
  dim: number
  data: Float32Array
  /** Tracks whose file is missing: kept in the model, never candidates. */
  missing: number[]
  /** How many songs have a vector in the space (`trackIds` may be only some of them). */
  count: number
  /** The sum of their track ids (with `count` and `latest`, the library's fingerprint). */
  idSum: number
  /** The newest `computed_at` among them. */
  latest: number
  /** The songs' tag dimensions (n × tag dims, tags.ts) when the model uses tags, else null. */
  tags: Float32Array | null
  /** Every song's tags (read with `tags`), for the check of the songs the model knows. */
  songTags: Map<number, SongTags> | null
  /** The tags of the read before (when `songTags` is set), to compare with. */
  previousSongTags?: Map<number, SongTags> | null
  /** The tags of each song read (in `trackIds` order), when the model reads tags or albums. */
  rowTags?: SongTags[]
  /** With the album's sound: what it reads of each song read (in `trackIds` order). */
  members?: AlbumMember[]
}

/** Rewards observed under one parameter set, oldest first (the main thread logs them). */
export interface ObservationBatch {
  key: string
  params: ModelParams
  observations: RewardObservation[]
}

/** A page of the observations waiting in the worker; `remaining` are left for the next page. */
export interface PendingObservations {
  batches: ObservationBatch[]
  remaining: number
}

export interface RecommendRequest {
  n: number
  /** Already queued. */
  exclude?: number[]
  /** ms since the epoch; default now. */
  now?: number
  /** Exploration for this request only (0: by predicted score alone); default the setting. */
  alpha?: number
  /** A radio runs: its seed's songs and the seed term's weight (see radio.ts). */
  radio?: RadioRequest
}

/**
 * A re-rank of the waiting auto-picks in one round trip (TasteCore.rerank): the ranking asked for,
 * and what only the engine knows: the picks waiting (in queue order, with the score each was
 * drawn with), the pick policy, and a seed from the engine's own stream of draws (so a seeded
 * engine's picks are reproducible).
 */
export interface RerankRequest extends RecommendRequest {
  waiting: { trackId: number; ucb: number | null }[]
  policy: AutoQueuePolicy
  seed: number
}

/**
 * The next auto-pick in one round trip (TasteCore.pick): the ranking asked for, the pick policy
 * and the uniform number in [0, 1) its draw uses, the next of the engine's own stream (a pick
 * takes exactly one: a seeded engine picks the songs it picked when it drew them itself).
 */
export interface PickRequest extends RecommendRequest {
  policy: AutoQueuePolicy
  draw: number
}

export interface PickAnswer {
  /** The ranked songs the pick was drawn from, best first. */
  candidates: RerankCandidate[]
  /** The song drawn with its short-list and probability; null when no song is eligible. */
  choice: AutoQueueChoice<RerankCandidate> | null
  /** The current score and reason of the song drawn (none when nothing was drawn). */
  words: WordedSong[]
}

/** A ranked song as a re-rank's candidate. */
export type RerankCandidate = ScoredSong & CandidateExtras

export interface RerankAnswer {
  /** The ranked songs the plan drew from, best first (the waiting picks among them). */
  candidates: RerankCandidate[]
  /** The replacements drawn (indices into the waiting picks), as planReplacements plans them. */
  plan: PlannedReplacement<RerankCandidate>[]
  /** The current scores and reasons of the songs drawn and of the picks kept. */
  words: WordedSong[]
}

const EVENT_PAGE = 5000

export function paramsOf(settings: Settings): ModelParams {
  return {
    space: settings.model.space,
    pcaDims: settings.model.pcaDims,
    lambda: settings.model.lambda,
    forgettingWindow: settings.model.forgettingWindow,
    rewards: settings.rewards,
    tags:
      settings.model.useTags && settings.model.tagWeight > 0
        ? { dims: tagDimensionsFor(settings.model.pcaDims), weight: settings.model.tagWeight }
        : null,
    ...(settings.model.albumSound > 0 ? { albumSound: settings.model.albumSound } : {}),
  }
}

/** `space:hash`, the model_state key of a parameter set. */
export function modelKey(params: ModelParams): string {
  const hash = createHash('sha256').update(stableJson(params)).digest('hex').slice(0, 16)
  return `${params.space}:${hash}`
}

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`
}

export class TasteCore {
  private learner: TasteLearner | null = null
  private key = ''
  private params: ModelParams | null = null
  private library = ''
  private source: TasteStatus['source'] = 'replay'
  private libraryChange: LibraryChange | null = null
  /** The newest `computed_at` of the space when its vectors were last read. */
  private latestComputedAt = 0
  /** library_version when every song's tags were last read (see attachTags). */
  private tagsReadAt: number | null = null
  /** Every song's tags at that read. */
  private lastSongTags: Map<number, SongTags> | null = null
  /**
   * With the album's sound: the statistics fitted with the PCA (album-sound.ts), kept until its
   * next re-fit, and what the mixing read of each song of the model (a re-tag that moves a song
   * between albums changes its signature, and means a replay).
   */
  private albumFrame: AlbumSoundFrame | null = null
  private readonly albumSignatures = new AlbumSignatures()
  /** Checksum of the model's songs and vectors, cached until they change. */
  private vectorsChecksum: string | null = null
  /** The last library fingerprint and what it was computed from (see libraryFingerprint). */
  private libraryCheck: {
    space: string
    version: string
    value: string
    withTags: boolean
  } | null = null
  /** Observed rewards not yet handed to the main thread, grouped by parameter set. */
  private readonly pendingObservations: ObservationBatch[] = []
  /** The songs whose rewards are likely next (see prepareSongs), handed to every model built. */
  private preparedIds: readonly number[] = []
  private pendingObservationCount = 0
  private readonly settingsStore: SettingsStore
  private readonly events: EventLog
  private readonly reads: TasteLibrary
  private readonly modelState: ModelStateStore
  private readonly exclusions: ExclusionRepository
  private readonly pickHistory: PickHistory

  constructor(
    db: Database,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void = () => {},
  ) {
    this.settingsStore = new SettingsStore(db)
    this.events = new EventLog(db)
    this.reads = new TasteLibrary(db)
    this.modelState = new ModelStateStore(db)
    this.exclusions = new ExclusionRepository(db, this.events)
    this.pickHistory = new PickHistory(db)
  }

  /**
   * Builds the model: from the saved snapshot when its parameters match and its songs' vectors
   * are unchanged (then songs added since extend it and only the newer events are replayed),
   * otherwise by fitting the preprocessing and replaying the whole log. With a model already
   * built on the same parameters, a change of the library's vectors is followed without a replay
   * when it can be (see `followLibrary`). `force` ignores both and replays everything.
   */
  rebuild(options: { force?: boolean } = {}): TasteStatus {
    const started = Date.now()
    const settings = this.settingsStore.get()
    const params = paramsOf(settings)
    const key = modelKey(params)
    const current = this.learner
    if (
      !options.force &&
      current &&
      key === this.key &&
      this.params?.space === params.space &&
      (!params.albumSound || this.albumFrame !== null)
    ) {
      // Only the vectors computed since the last look are read (plus every song's id); with the
      // album's sound they are mixed with the frozen statistics, so no other song changes.
      const { library, fingerprint } = this.readLibrary(
        params.space,
        params.tags,
        { since: this.latestComputedAt, known: current.model },
        params.albumSound,
      )
      // Mixed in place: the vectors were read for this look alone.
      if (this.albumFrame !== null && library.members)
        applyAlbumSound(
          this.albumFrame,
          library.data,
          library.trackIds.length,
          library.members,
          library.data,
        )
      const change = this.followLibrary(current, library)
      if (change !== null) {
        this.library = fingerprint
        this.libraryChange = change
        this.vectorsChecksum = null
        const applied = settings.model.paused ? 0 : this.applyNewEvents(current)
        const status = this.status(applied, settings, started)
        this.log(
          'info',
          `taste model ${change === 'unchanged' ? 'kept' : change} after a library change: ` +
            `${status.tracks} songs (PCA fitted on ${status.fittedOn}), k = ${status.k}, ` +
            `${status.rows} rows, in ${status.elapsedMs} ms`,
        )
        return status
      }
    }
    const read = this.readLibrary(params.space, params.tags, undefined, params.albumSound)
    let library = read.library
    const fingerprint = read.fingerprint
    this.albumFrame = null
    this.albumSignatures.clear()
    if (library.trackIds.length === 0) {
      this.learner = null
      throw params.space.startsWith('attune-')
        ? new UserError('No song is analysed yet.', 'not-analysed')
        : new UserError(`There are no vectors in space '${params.space}'.`, 'no-vectors')
    }
    this.vectorsChecksum = null
    this.latestComputedAt = library.latest
    const durations = this.trackDurations()
    const modelSettings: TasteModelSettings = {
      // With tags, they take their share of the model's dimensions (tagDimensionsFor).
      pcaDims: params.pcaDims - (params.tags?.dims ?? 0),
      lambda: params.lambda,
      alpha: settings.exploration.alpha,
      forgettingWindow: params.forgettingWindow,
      ...(params.tags ? { tagDims: params.tags.dims, tagWeight: params.tags.weight } : {}),
      ...(params.albumSound ? { standardised: true } : {}),
    }
    let learner: TasteLearner | null = null
    this.libraryChange = null
    if (!options.force) {
      const restored = this.restore(key, library, params, durations)
      learner = restored?.learner ?? null
      const change = restored ? this.followLibrary(restored.learner, restored.library) : null
      if (change === null) {
        learner = null
        this.albumFrame = null
        this.albumSignatures.clear()
      } else if (change !== 'unchanged') this.libraryChange = change
    }
    this.source = learner ? 'snapshot' : 'replay'
    if (!learner) {
      // With the album's sound, the statistics are fitted on every song, as the PCA is.
      // In place: the unmixed vectors are not read again (a restore above mixed a copy).
      if (params.albumSound) library = this.mixAlbums(library, params.albumSound, undefined, true)
      learner = new TasteLearner(
        TasteModel.build(
          params.space,
          library.trackIds,
          library.data,
          library.dim,
          modelSettings,
          library.tags,
        ),
        new TrainingLedger(params.rewards, durations),
      )
      learner.model.setAbsent(library.missing)
    }
    this.learner = learner
    learner.model.prepareSongs(this.preparedIds)
    this.key = key
    this.params = params
    this.library = fingerprint
    const applied = settings.model.paused ? 0 : this.applyNewEvents(learner)
    const status = this.status(applied, settings, started)
    this.log(
      'info',
      `taste model ${this.source === 'snapshot' ? 'restored from its snapshot' : 'rebuilt'}: ` +
        `${status.tracks} songs, k = ${status.k}, ${status.rows} rows, ${applied} events applied in ${status.elapsedMs} ms`,
    )
    return status
  }

  /**
   * Brings the model up to date: new events are applied one by one; a change of the model's
   * parameters (space, PCA dimensions, λ, window, rewards) or of the library's vectors rebuilds it.
   */
  update(): TasteStatus {
    const started = Date.now()
    const settings = this.settingsStore.get()
    const learner = this.learner
    const params = paramsOf(settings)
    if (
      !learner ||
      modelKey(params) !== this.key ||
      this.libraryFingerprint(
        params.space,
        params.tags !== null || params.albumSound !== undefined,
      ) !== this.library
    ) {
      return this.rebuild()
    }
    const applied = settings.model.paused ? 0 : this.applyNewEvents(learner)
    return this.status(applied, settings, started)
  }

  recommend(request: RecommendRequest): Recommendation[] {
    return this.ranking(request, (learner, options) => learner.recommend(options))
  }

  /** As `recommend`, with the scores only (no reasons in words; see TasteLearner.rank). */
  rank(request: RecommendRequest): ScoredSong[] {
    return this.ranking(request, (learner, options) => learner.rank(options))
  }

  /**
   * The current scores and reasons of songs a caller drew from `rank`'s list, on the same model
   * (no new events applied in between, so the words match the scores the draw used).
   */
  word(trackIds: readonly number[]): WordedSong[] {
    return this.require().word(trackIds, this.titleOf)
  }

  /**
   * The next auto-pick: learns the new events, ranks, draws one song by the pick policy with
   * `request.draw` (artist spacing from the pick log), and words only that song (wording costs
   * more than ranking: the short-list is ~30 songs).
   */
  pick(request: PickRequest): PickAnswer {
    const { policy, draw, ...ranking } = request
    const candidates = this.candidatesOf(this.rank(ranking))
    const choice = chooseAutoPick(
      candidates,
      policy,
      this.pickHistory.recentAutoPickArtists(policy.artistSpacing),
      () => draw,
    )
    return { candidates, choice, words: choice ? this.word([choice.pick.trackId]) : [] }
  }

  /**
   * The waiting auto-picks re-ranked on the latest events, in one go: the ranking, the candidates'
   * artists and the latest picks' (for spacing, read here), the plan (which picks the model no
   * longer stands behind, and the draws that replace them: planReplacements), and the words of
   * the songs drawn and of the picks kept, on the same model. The engine logs and saves what
   * still applies to its queue when the answer arrives (docs/live-queue.md).
   */
  rerank(request: RerankRequest): RerankAnswer {
    const { waiting, policy, seed, ...ranking } = request
    const candidates = this.candidatesOf(this.rank(ranking))
    const plan = planReplacements(
      waiting,
      candidates,
      policy,
      this.pickHistory.recentAutoPickArtists(policy.artistSpacing),
      seededRandom(seed),
    )
    const replacedAt = new Set(plan.map((p) => p.index))
    const kept = waiting.filter((_, i) => !replacedAt.has(i)).map((w) => w.trackId)
    const words = this.word([...plan.map((p) => p.choice.pick.trackId), ...kept])
    return { candidates, plan, words }
  }

  /** Ranked songs as the pick policy's candidates, with their artists from the library. */
  private candidatesOf(ranked: ScoredSong[]): RerankCandidate[] {
    const artists = this.pickHistory.artistsOf(ranked.map((r) => r.trackId))
    return asCandidates(ranked, (trackId) => artists.get(trackId) ?? null)
  }

  /**
   * A path of `steps` songs from one song to another through the model's space, by the same rules
   * as the picks (never a song turned down, played lately, that will not play or that a "never
   * play" rule covers); null when either end is not analysed.
   */
  path(request: { from: number; to: number; steps: number }): number[] | null {
    this.update()
    const settings = this.settingsStore.get()
    return this.require().path({
      ...request,
      now: Date.now(),
      replayWindowDays: settings.autoQueue.replayWindowDays,
      exclude: [...this.events.unplayableTracks().keys(), ...this.exclusions.excludedTrackIds()],
    })
  }

  /** Brings the model up to date, then ranks with the request's exploration (or the setting's). */
  private ranking<T>(
    request: RecommendRequest,
    rank: (learner: TasteLearner, options: LearnerRecommendOptions) => T,
  ): T {
    this.update()
    const settings = this.settingsStore.get()
    const learner = this.require()
    learner.model.setAlpha(request.alpha ?? settings.exploration.alpha)
    try {
      return rank(learner, {
        n: request.n,
        now: request.now ?? Date.now(),
        replayWindowDays: settings.autoQueue.replayWindowDays,
        // Songs whose file would not play are never picked until the file changes, and songs a
        // "never play" rule covers are never picked at all (they stay playable by hand).
        exclude: [
          ...(request.exclude ?? []),
          ...this.events.unplayableTracks().keys(),
          ...this.exclusions.excludedTrackIds(),
        ],
        titleOf: this.titleOf,
        ...(request.radio ? { radio: request.radio } : {}),
      })
    } finally {
      // A one-off exploration (the Insights view's "probably love") leaves the setting in force.
      learner.model.setAlpha(settings.exploration.alpha)
    }
  }

  /** A song's title as the reason line names it: its tag, else its file name without extension. */
  private readonly titleOf = (trackId: number): string => {
    const row = this.reads.titleAndPath(trackId)
    if (!row) return 'a song no longer in your library'
    if (row.title?.trim()) return row.title.trim()
    const file = row.path.split(/[\\/]/).pop() ?? row.path
    return file.replace(/\.[^.]+$/, '') || file
  }

  explain(trackId: number): Explanation | null {
    this.update()
    const learner = this.require()
    learner.model.setAlpha(this.settingsStore.get().exploration.alpha)
    const explanation = learner.explain(trackId, this.titleOf)
    return explanation ? { ...explanation, label: learner.labelOf(trackId) } : null
  }

  /** The Insights view's data from the current model (on the latest events). */
  insights(): TasteInsights {
    this.update()
    const learner = this.require()
    learner.model.setAlpha(this.settingsStore.get().exploration.alpha)
    return tasteInsights({
      ...learner.model.insightInputs(),
      labels: learner.labelCounts(),
      examples: learner.tasteExamples(),
    })
  }

  /**
   * The songs whose rewards are likely next (the song playing and the next ones in the queue, as
   * the engine sees it): their products with every song are computed in idle time, so a reward
   * on one of them is learned in O(N) (TasteModel.prepareSongs). Replaces the previous list; kept for
   * the models built later (a rebuild, a restore).
   */
  prepareSongs(trackIds: readonly number[]): void {
    this.preparedIds = [...trackIds]
    this.learner?.model.prepareSongs(this.preparedIds)
  }

  /**
   * Work for idle time, one bounded slice per call: the model's exact refresh while one is due
   * (its swap of A⁻¹ would make prepared products stale), else preparing the songs of `prepareSongs`.
   * The worker calls it while no request waits and stops when it returns false.
   */
  idleStep(interrupted?: () => boolean): boolean {
    const model = this.learner?.model
    if (!model) return false
    if (model.refreshPending) model.refreshStep(interrupted)
    else if (model.preparePending) model.prepareStep(interrupted)
    return model.idlePending
  }

  /** Whether idle work remains (see idleStep), and how preparing has gone (tests, benchmarks). */
  idleWork(): IdleWork {
    const model = this.learner?.model
    if (!model) return { pending: false, fastChanges: 0, passChanges: 0, ready: 0, wanted: 0 }
    return { pending: model.idlePending, ...model.preparedStats() }
  }

  /** Hands out (and forgets) up to `limit` observed rewards, oldest first. */
  takeObservations(limit: number): PendingObservations {
    const batches: ObservationBatch[] = []
    let room = Math.max(0, Math.floor(limit))
    while (room > 0 && this.pendingObservations.length > 0) {
      const head = this.pendingObservations[0] as ObservationBatch
      if (head.observations.length <= room) {
        batches.push(head)
        this.pendingObservations.shift()
        room -= head.observations.length
      } else {
        batches.push({ ...head, observations: head.observations.splice(0, room) })
        room = 0
      }
    }
    for (const batch of batches) this.pendingObservationCount -= batch.observations.length
    return { batches, remaining: this.pendingObservationCount }
  }

  /** The current state, for the main thread to save in `model_state`. */
  snapshot(): TasteSnapshot {
    const learner = this.require()
    const params = this.params as ModelParams
    this.vectorsChecksum ??= vectorsChecksum(
      learner.model.trackIds,
      learner.model.rawVectors(),
      learner.model.tagVectors(),
    )
    const state: SavedState = {
      library: this.library,
      vectors: this.vectorsChecksum,
      learner: learner.toJSON(),
    }
    return {
      key: this.key,
      space: params.space,
      params,
      state: JSON.stringify(state),
      lastEventId: learner.lastEventId,
    }
  }

  private require(): TasteLearner {
    if (!this.learner) throw new UserError('No song is analysed yet.', 'not-analysed')
    return this.learner
  }

  /**
   * The saved learner when its parameters match and its songs still have the vectors it was made
   * on (missing files included); null otherwise (then the log is replayed).
   */
  private restore(
    key: string,
    unmixed: LibraryVectors,
    params: ModelParams,
    durations: (trackId: number) => number | null,
  ): { learner: TasteLearner; library: LibraryVectors } | null {
    const stored = this.modelState.stateOf(key)
    if (stored === null) return null
    try {
      const saved = JSON.parse(stored) as SavedState
      const songs = saved.learner.model.trackIds
      if (!Array.isArray(songs) || typeof saved.vectors !== 'string') {
        throw new Error('it was saved by an older version')
      }
      // The album's statistics are fitted again on the songs the saved PCA was fitted on (the
      // first ones of its order), so a song's mixed vector is what it was when saved.
      const fitted = saved.learner.model.preprocessor.fitted
      const library = params.albumSound
        ? this.mixAlbums(
            unmixed,
            params.albumSound,
            new Set(songs.slice(0, fitted?.fittedCount ?? saved.learner.model.preprocessor.count)),
          )
        : unmixed
      const inModelOrder = vectorsInOrder(library, songs)
      if (
        inModelOrder === null ||
        vectorsChecksum(inModelOrder.trackIds, inModelOrder.data, inModelOrder.tags) !==
          saved.vectors
      ) {
        this.log(
          'info',
          'a vector the saved taste model was made on changed; replaying the history',
        )
        return null
      }
      return {
        learner: TasteLearner.fromJSON(saved.learner, inModelOrder, params.rewards, durations),
        library,
      }
    } catch (error) {
      this.log(
        'warn',
        `the saved taste model could not be used (${(error as Error).message}); replaying the history`,
      )
      return null
    }
  }

  /**
   * The library with the album's sound mixed in (album-sound.ts), its statistics fitted on the
   * songs of `fittedOn` (all when absent) and kept (with what the mixing read of every song) for
   * the songs added until the PCA's next re-fit. `inPlace`: into `library.data` itself, when the
   * caller reads the unmixed vectors no more (no second copy of the library).
   */
  private mixAlbums(
    library: LibraryVectors,
    weight: number,
    fittedOn?: ReadonlySet<number>,
    inPlace = false,
  ): LibraryVectors {
    const members = library.members ?? []
    const n = library.trackIds.length
    const frame = fitAlbumSound(
      library.data,
      n,
      library.dim,
      members,
      weight,
      fittedOn ? (i) => fittedOn.has(library.trackIds[i] as number) : undefined,
    )
    this.albumFrame = frame
    this.albumSignatures.clear()
    library.trackIds.forEach((id, i) => this.albumSignatures.set(id, members[i] as AlbumMember))
    const out = inPlace ? library.data : undefined
    return { ...library, data: applyAlbumSound(frame, library.data, n, members, out) }
  }

  /** Whether a song the album's sound mixed has other album tags now. */
  private albumMoved(songTags: Map<number, SongTags>): boolean {
    return this.albumSignatures.moved((id) => songTags.get(id))
  }

  /**
   * Follows a change of the library's vectors without replaying the log: new songs extend the
   * model (or re-fit it past 10 % growth, see TasteModel.addSongs), and songs whose file went
   * missing stop being candidates (no re-fit). A vector that changed (a re-analysis) or vanished
   * returns null: the simplest correct answer is a re-fit and a replay of the whole log. So does,
   * with a forgetting window, a new song the listener already rated or played: its rows would
   * enter (and push others out of) the window out of log order.
   */
  private followLibrary(learner: TasteLearner, library: LibraryVectors): LibraryChange | null {
    try {
      return this.followLibraryChanges(learner, library)
    } catch (error) {
      // The learner may be half-changed: it is dropped, and the log replayed.
      this.log(
        'warn',
        `the taste model could not follow the library (${(error as Error).message}); replaying the history`,
      )
      return null
    }
  }

  private followLibraryChanges(
    learner: TasteLearner,
    library: LibraryVectors,
  ): LibraryChange | null {
    const model = learner.model
    if (library.trackIds.length > 0 && library.dim !== model.dimension) return null
    const { added, changed } = model.diffLibrary(library.trackIds, library.data, library.tags)
    const removed = library.count < model.trackIds.length + added.length
    if (changed.length > 0 || removed) return null
    // A re-tag shows in the vectors only once the file is analysed again: the songs the model
    // knows are checked against the tags read with the library (a change means a replay).
    if (
      library.songTags &&
      (model.tagDims > 0 || this.albumFrame === null) &&
      retagged(model, library.songTags, library.previousSongTags)
    ) {
      this.log('info', "a song's tags changed; replaying the history with the new tags")
      return null
    }
    const frame = this.albumFrame
    if (frame !== null && library.members) {
      // The album's sound: a song that moved to another album (or artist) changes the album
      // means; new songs are mixed with the frozen statistics, unless they bring the PCA's re-fit,
      // which fits the statistics again (a replay: every song's vector changes).
      if (library.songTags && this.albumMoved(library.songTags)) {
        this.log('info', "a song's album changed; replaying the history with the new albums")
        return null
      }
      if (added.length > 0 && model.refitsWith(added.length)) return null
    }
    let change: LibraryChange = 'unchanged'
    if (added.length > 0) {
      const d = library.dim
      const trackIds = Int32Array.from(added, (i) => library.trackIds[i] as number)
      if ((model.settings.forgettingWindow ?? 0) > 0 && this.events.hasRewardEvents(trackIds))
        return null
      const matrix = new Float32Array(added.length * d)
      added.forEach((i, j) => matrix.set(library.data.subarray(i * d, (i + 1) * d), j * d))
      const t = model.tagDims
      const tags = library.tags === null ? null : new Float32Array(added.length * t)
      if (tags !== null)
        added.forEach((i, j) =>
          tags.set((library.tags as Float32Array).subarray(i * t, (i + 1) * t), j * t),
        )
      const grown = learner.addSongs(trackIds, matrix, tags)
      if (grown === null) return null
      change = grown
      const members = library.members
      if (members)
        added.forEach((i) =>
          this.albumSignatures.set(library.trackIds[i] as number, members[i] as AlbumMember),
        )
    }
    model.setAbsent(library.missing)
    this.latestComputedAt = Math.max(this.latestComputedAt, library.latest)
    return change
  }

  /**
   * The library's vectors (see libraryVectors) and its fingerprint, read in one transaction so
   * they describe the same state; the read's own newest `computed_at` spares the fingerprint its
   * scan of the table.
   */
  private readLibrary(
    space: string,
    tags: ModelParams['tags'],
    incremental?: { since: number; known: TasteModel },
    albumSound?: number,
  ): { library: LibraryVectors; fingerprint: string } {
    return this.reads.consistently(() => {
      const library = this.libraryVectors(space, incremental)
      if (tags || albumSound) this.attachTags(library, tags?.dims ?? 0, incremental !== undefined)
      // The album's sound reads the albums: a re-tag is a change too.
      const fingerprint = this.libraryFingerprint(
        space,
        tags !== null || albumSound !== undefined,
        library,
      )
      if (albumSound) library.members = library.rowTags?.map(albumMember) ?? []
      return { library, fingerprint }
    })
  }

  /**
   * The tag dimensions of the songs read. When what the library shows changed since the tags
   * were last read (library_version: a scan, a re-tag), every song's tags are read (~N short
   * rows) and kept on the read, so the songs the model already knows are checked too; otherwise
   * (an analysis batch: only vectors changed) only the tags of the songs read.
   */
  private attachTags(library: LibraryVectors, dims: number, incremental: boolean): void {
    const shown = this.reads.libraryVersions().tracks
    const none: SongTags = { artist: null, albumArtist: null, album: null, genre: null, year: null }
    if (incremental && shown === this.tagsReadAt) {
      library.rowTags = Array.from(library.trackIds, (id) => this.reads.tagsOf(id) ?? none)
      if (dims > 0) library.tags = tagMatrix(library.rowTags, dims)
      return
    }
    const songTags = this.reads.songTags()
    library.rowTags = Array.from(library.trackIds, (id) => songTags.get(id) ?? none)
    if (dims > 0) library.tags = tagMatrix(library.rowTags, dims)
    library.songTags = songTags
    library.previousSongTags = this.lastSongTags
    this.lastSongTags = songTags
    this.tagsReadAt = shown
  }

  /**
   * The vectors of the space (present and missing tracks), ordered by track id. With `since`,
   * only those computed after it, and those of songs the model does not know, are read
   * (the vectors are most of the table: reading them all costs ~10 ms per 1,000 songs here);
   * `count` still counts every song with a vector.
   */
  private libraryVectors(
    space: string,
    incremental?: { since: number; known: TasteModel },
  ): LibraryVectors {
    if (incremental) return this.newLibraryVectors(space, incremental)
    const rows = this.reads.vectors(space)
    const dim = rows[0]?.dim ?? 0
    let latest = 0
    let idSum = 0
    for (const r of rows) {
      if (r.dim !== dim)
        throw new Error(`Space ${space} mixes ${dim}- and ${r.dim}-dimensional vectors.`)
      latest = Math.max(latest, r.computedAt)
      idSum += r.trackId
    }
    return this.vectorsOf(dim, rows, { count: rows.length, idSum, latest })
  }

  /**
   * The incremental read of `libraryVectors`, without the vector pages of the songs the model
   * already has: their count, dimensions and newest time, and the ids of the older ones, come from
   * the covering index embeddings_space_computed (migration 9) alone; the vectors computed after
   * `since` are an index range. At 100,000 songs: ~35–45 ms with 1,000 new vectors, instead of a ~650 ms table scan.
   * `error IS NULL` is `vector IS NOT NULL` (the table's CHECK) in the form the index covers.
   */
  private newLibraryVectors(
    space: string,
    incremental: { since: number; known: TasteModel },
  ): LibraryVectors {
    const summary = this.reads.vectorSummary(space)
    if (summary.smallest !== summary.largest)
      throw new Error(
        `Space ${space} mixes ${summary.smallest}- and ${summary.largest}-dimensional vectors.`,
      )
    const read = this.reads.vectorsComputedAfter(space, incremental.since)
    const older = this.reads.songsComputedUpTo(space, incremental.since)
    for (const trackId of older) {
      // A song the model never saw, computed no later than `since` (in the same millisecond as
      // the last batch read, or with the clock set back): read it too.
      if (incremental.known.contains(trackId)) continue
      const vector = this.reads.vectorOf(trackId, space)
      if (vector) read.push({ trackId, vector })
    }
    read.sort((a, b) => a.trackId - b.trackId)
    return this.vectorsOf(summary.smallest ?? 0, read, summary)
  }

  /** LibraryVectors from the rows read, in track id order, with the missing tracks. */
  private vectorsOf(
    dim: number,
    read: readonly { trackId: number; vector: Buffer }[],
    { count, idSum, latest }: { count: number; idSum: number; latest: number },
  ): LibraryVectors {
    const trackIds = new Int32Array(read.length)
    const data = new Float32Array(read.length * dim)
    read.forEach((r, i) => {
      trackIds[i] = r.trackId
      data.set(fromBlob(r.vector), i * dim)
    })
    const missing = this.reads.missingTrackIds()
    return { trackIds, dim, data, missing, count, idSum, latest, tags: null, songTags: null }
  }

  private applyNewEvents(learner: TasteLearner): number {
    let applied = 0
    for (;;) {
      const rows = this.events.replayPage(learner.lastEventId, EVENT_PAGE)
      if (rows.length === 0) break
      applied += learner.applyEvents(rows as LearnerEvent[], (o) => this.observe(o))
      if (rows.length < EVENT_PAGE) break
    }
    return applied
  }

  private observe(observation: RewardObservation): void {
    const last = this.pendingObservations[this.pendingObservations.length - 1]
    if (last?.key === this.key) last.observations.push(observation)
    else {
      const params = this.params as ModelParams
      this.pendingObservations.push({ key: this.key, params, observations: [observation] })
    }
    this.pendingObservationCount += 1
  }

  /**
   * Changes whenever a vector of the space is added, removed (a re-analysis that failed) or
   * replaced (a re-analysis gives it a newer `computed_at`), or a track goes missing or comes
   * back: then `followLibrary` finds out what changed. It runs before every update and
   * recommendation, so it is kept cheap: nothing is read while no connection has written
   * (data_version, total_changes()); then one pass over the covering index
   * embeddings_space_computed (~10 ms per 100,000 songs here, no vector read) and one over the
   * few missing tracks. `vectors`, when the caller has just read them, spares the pass.
   */
  private libraryFingerprint(
    space: string,
    withTags: boolean,
    vectors?: { count: number; idSum: number; latest: number },
  ): string {
    // Two counters the schema's triggers move with every change of the tracks (added, removed,
    // found missing: library_version) and of the embeddings (embeddings_version): a mark or a
    // play logged meanwhile moves neither, so the reward → pick path does no O(N) count.
    const counters = this.reads.libraryVersions()
    const version = `${counters.tracks}:${counters.embeddings}`
    const last = this.libraryCheck
    if (last?.space === space && last.version === version && last.withTags === withTags)
      return last.value
    const { count, idSum, latest } = vectors ?? this.reads.vectorSummary(space)
    const missing = this.reads.missingSummary()
    // With tags, any change of what the library shows (a tag, a folder-derived artist or album
    // included) is a change: the tags are then read again and compared (followLibraryChanges).
    const shown = withTags ? `:${counters.tracks}` : ''
    const value = `${count}:${idSum}:${latest}:${missing.n}:${missing.ids}${shown}`
    this.libraryCheck = { space, version, value, withTags }
    return value
  }

  private trackDurations(): (trackId: number) => number | null {
    const durations = this.reads.durations()
    return (trackId) => durations.get(trackId) ?? null
  }

  private status(applied: number, settings: Settings, started: number): TasteStatus {
    const learner = this.require()
    return {
      key: this.key,
      space: learner.model.space,
      tracks: learner.model.trackIds.length,
      k: learner.model.k,
      width: learner.model.width,
      rows: learner.model.rowCount,
      lastEventId: learner.lastEventId,
      source: this.source,
      fittedOn: learner.model.fittedCount,
      libraryChange: this.libraryChange,
      appliedEvents: applied,
      paused: settings.model.paused,
      elapsedMs: Date.now() - started,
      refresh: { ...learner.model.refreshStats(), pending: learner.model.refreshPending },
    }
  }
}

/**
 * Whether a song of the model has other tags now than when it got its tag dimensions: compared
 * field by field with the tags of the read before (cheap), and by its tag dimensions for the songs
 * that read did not have (added since, their tags read one by one).
 */
function retagged(
  model: TasteModel,
  now: Map<number, SongTags>,
  before: Map<number, SongTags> | null | undefined,
): boolean {
  const unknown: number[] = []
  for (const id of model.trackIds) {
    const previous = before?.get(id)
    if (previous === undefined) unknown.push(id)
    else if (!sameTags(previous, now.get(id))) return true
  }
  return unknown.length > 0 && model.changedTags(unknown, (id) => now.get(id)).length > 0
}

function sameTags(a: SongTags, b: SongTags | undefined): boolean {
  return (
    b !== undefined &&
    a.artist === b.artist &&
    a.albumArtist === b.albumArtist &&
    a.album === b.album &&
    a.genre === b.genre &&
    a.year === b.year
  )
}

/** The library's vectors of `songs`, in that order; null when one of them has no vector now. */
function vectorsInOrder(
  library: LibraryVectors,
  songs: readonly number[],
): { trackIds: Int32Array; data: Float32Array; dim: number; tags: Float32Array | null } | null {
  const d = library.dim
  const positions = new Map<number, number>()
  library.trackIds.forEach((id, i) => positions.set(id, i))
  const trackIds = Int32Array.from(songs)
  const data = new Float32Array(songs.length * d)
  const libraryTags = library.tags
  const t = libraryTags === null ? 0 : libraryTags.length / Math.max(1, library.trackIds.length)
  const tags = libraryTags === null ? null : new Float32Array(songs.length * t)
  for (let j = 0; j < songs.length; j++) {
    const i = positions.get(songs[j] as number)
    if (i === undefined) return null
    data.set(library.data.subarray(i * d, (i + 1) * d), j * d)
    if (tags !== null) tags.set((libraryTags as Float32Array).subarray(i * t, (i + 1) * t), j * t)
  }
  return { trackIds, data, dim: d, tags }
}

/** SHA-256 over the songs' ids, vectors and tag dimensions (their bytes), in the model's order. */
function vectorsChecksum(
  trackIds: Int32Array,
  vectors: Float32Array,
  tags: Float32Array | null,
): string {
  const hash = createHash('sha256')
    .update(new Uint8Array(trackIds.buffer, trackIds.byteOffset, trackIds.byteLength))
    .update(new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength))
  if (tags !== null && tags.length > 0)
    hash.update(new Uint8Array(tags.buffer, tags.byteOffset, tags.byteLength))
  return hash.digest('hex')
}
