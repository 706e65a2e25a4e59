// The player: a plain class around the queue (pure functions from src/shared/queue) and one or two
// sounds (the playing one and the next one, preloaded). When both can be scheduled (Web Audio), the
// next one is started on the exact sample where the current one ends, or overlapping it by the
// crossfade (src/shared/crossfade.ts decides how long; docs/playback.md). It reports every play
// start, play end and progress to the engine exactly once, and emits typed events; React reads it
// with useSyncExternalStore (see usePlayer.ts).
import type { CallArgs, HistoryEntry, QueueEntry, QueueState } from '../../../../shared/contract'
import type { EndReason, Track } from '../../../../shared/domain'
import {
  addToQueue,
  backTo,
  clearUpNext,
  currentItem,
  emptyQueue,
  jumpTo,
  move,
  next,
  playList,
  playNext,
  playNow,
  previous,
  queueFrom,
  queueParts,
  remove,
  setRepeat,
  setShuffle,
  dropPlayed,
  upcoming,
  upcomingCount,
  type PlayQueue,
  type QueueItem,
  type RepeatMode,
} from '../../../../shared/queue'
import {
  isNewPick,
  replacementFate,
  type DeclineReason,
  type LiveQueueEntry,
  type QueueReplacement,
} from '../../../../shared/live-queue'
import type { Bridge } from '../../lib/bridge'
import type { Sound, SoundFactory } from './sound'
import type { ReplayGainMode } from '../../../../shared/settings'
import { crossfadeSeconds } from '../../../../shared/crossfade'

export type QueueTrack = QueueEntry & { track: Track | null }

export type PlayerStatus = 'idle' | 'loading' | 'playing' | 'paused'

export interface PlayerNote {
  kind: 'missing' | 'undecodable' | 'engine'
  message: string
  trackId: number | null
}

export interface PlayerSnapshot {
  queue: PlayQueue<QueueTrack>
  status: PlayerStatus
  track: Track | null
  /** Seconds; from the audio once loaded, else from the tags. */
  duration: number | null
  volume: number
  note: PlayerNote | null
  /**
   * The queue ran out: the last song stays current (paused at 0) so Play and Previous bring it
   * back, and anything added afterwards plays from there, not from the top.
   */
  atEnd: boolean
}

export interface PlayerEvents {
  change: PlayerSnapshot
  position: number
  playStarted: { trackId: number; playId: string }
  playEnded: { trackId: number; reason: EndReason; position: number }
  note: PlayerNote
}

export interface PlayerOptions {
  bridge: Bridge
  createSound: SoundFactory
  /** How often the position is polled while playing (ms). */
  tickMs?: number
  /** How often play progress reaches the engine (ms). */
  progressEveryMs?: number
  /** How soon before the end the next track is preloaded (s). */
  preloadSeconds?: number
  /** Whether the engine answers 404 for a track's audio (a missing file); fetch by default. */
  isMissing?: (url: string) => Promise<boolean>
  /** Seed for shuffle orders (tests pass a fixed one). */
  seed?: number
  /** Timers, replaceable in tests. */
  setInterval?: (fn: () => void, ms: number) => unknown
  clearInterval?: (handle: unknown) => void
}

interface Session {
  item: QueueItem<QueueTrack>
  track: Track
  sound: Sound
  /** Resolves to the engine's play id once the start is reported; null if it never was. */
  playId: Promise<string | null> | null
  knownPlayId: string | null
  ended: boolean
  lastProgressAt: number
  /** Playing the engine's own decode (`?decode=1`) after the browser refused the file. */
  decoded: boolean
}

const RESTART_INSTEAD_OF_PREVIOUS_AFTER = 3
/** Played songs kept in the queue (the "Played" part); older ones are in the history. */
export const PLAYED_KEPT = 5
/** How many of the songs started last the player remembers (recentlyPlayed). */
export const RECENT_KEPT = 20
/** Played songs dropped from the queue that Previous can still go back to (a long day's listening). */
export const EARLIER_KEPT = 2000
/** How many started (or saved as played) auto-picks the player remembers (see passedPicks). */
const PASSED_KEPT = 2000
/** After a restore, how many plays of the History Previous can reach beyond the saved queue. */
export const EARLIER_FROM_HISTORY = 200

/**
 * The plays before a restored queue, oldest first, as entries Previous can bring back: `history`
 * (newest first, as listHistory answers) begins with the restored queue's played songs and its
 * current one (`restored`, in play order; the current one only if it had started), and what comes
 * after them was played before. Nothing when the history does not begin that way (plays made
 * elsewhere since): Previous then stops at the queue's start rather than guess.
 */
export function earlierFromHistory(
  history: readonly HistoryEntry[],
  restored: readonly number[],
): QueueTrack[] {
  const newestFirst = [...restored].reverse()
  for (const skip of [0, 1]) {
    const expected = newestFirst.slice(skip)
    if (expected.every((trackId, i) => history[i]?.track?.id === trackId))
      return history
        .slice(expected.length)
        .flatMap((h) =>
          h.track ? [{ trackId: h.track.id, source: 'user' as const, track: h.track }] : [],
        )
        .reverse()
  }
  return []
}

/** ReplayGain (track gain in dB, peak as a linear amplitude) → a volume factor that never clips. */
export function replayGainFactor(gain: number | null, peak: number | null): number {
  if (gain === null || !Number.isFinite(gain)) return 1
  let factor = 10 ** (gain / 20)
  if (peak !== null && peak > 0) factor = Math.min(factor, 1 / peak)
  return factor
}

export class Player {
  private readonly bridge: Bridge
  private readonly createSound: SoundFactory
  private readonly isMissing: (url: string) => Promise<boolean>
  private readonly options: Required<
    Pick<PlayerOptions, 'tickMs' | 'progressEveryMs' | 'preloadSeconds'>
  >
  private readonly timers: {
    set: (fn: () => void, ms: number) => unknown
    clear: (h: unknown) => void
  }
  private readonly listeners = new Map<keyof PlayerEvents, Set<(payload: never) => void>>()
  private snapshot: PlayerSnapshot
  private currentPosition = 0
  private session: Session | null = null
  private preloaded: { key: number; sound: Sound } | null = null
  /** The preloaded sound is scheduled to start at `start` (clock seconds), overlapping `fade` s. */
  private handoff: { key: number; start: number; fade: number } | null = null
  /** The song before, still fading out under the current one (a crossfade's tail). */
  private fading: Sound | null = null
  /** The listener's crossfade in seconds; 0 = off (gapless). */
  private crossfade = 0
  private preloadFailedKey: number | null = null
  private pendingSeek: number | null = null
  private ticker: unknown = null
  /** Engine calls in order: an end always reaches the engine before the next start. */
  private reporting: Promise<unknown> = Promise.resolve()
  private consecutiveErrors = 0
  /** The engine's queue revision this queue is based on (see QueueState.revision). */
  private revision = 0
  /**
   * Auto-picks this player started, or saved at or before its current entry (by pick id; by song
   * for an entry without one), oldest first: a re-rank's replacement of one of them is declined
   * even if Previous made it wait again, as the engine declines it too (docs/live-queue.md).
   */
  private readonly passedPicks = new Set<string>()
  /** Track ids of the songs started last, oldest first (at most RECENT_KEPT). */
  private recent: number[] = []
  /**
   * The session's played entries dropped from the queue's Played part (they are in History), oldest
   * first: Previous at the start of the queue walks back through them.
   */
  private earlier: QueueTrack[] = []

  constructor(options: PlayerOptions) {
    this.bridge = options.bridge
    this.createSound = options.createSound
    this.isMissing = options.isMissing ?? answersNotFound
    this.options = {
      tickMs: options.tickMs ?? 250,
      progressEveryMs: options.progressEveryMs ?? 10_000,
      preloadSeconds: options.preloadSeconds ?? 20,
    }
    this.timers = {
      set: options.setInterval ?? ((fn, ms) => globalThis.setInterval(fn, ms)),
      clear: options.clearInterval ?? ((h) => globalThis.clearInterval(h as number)),
    }
    this.snapshot = {
      queue: emptyQueue<QueueTrack>(options.seed ?? Math.floor(Math.random() * 2 ** 32)),
      status: 'idle',
      track: null,
      duration: null,
      volume: 1,
      note: null,
      atEnd: false,
    }
  }

  // ---- reading -------------------------------------------------------------------------------

  getSnapshot = (): PlayerSnapshot => this.snapshot
  getPosition = (): number => this.currentPosition

  /**
   * The songs started last, also those trimmed from the queue's Played part: the auto-queue does
   * not pick them again straight away.
   */
  recentlyPlayed(): readonly number[] {
    return this.recent
  }

  on<K extends keyof PlayerEvents>(
    event: K,
    listener: (payload: PlayerEvents[K]) => void,
  ): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener)
    return () => set.delete(listener)
  }

  subscribe = (listener: () => void): (() => void) => this.on('change', listener)
  subscribePosition = (listener: () => void): (() => void) => this.on('position', listener)

  private emit<K extends keyof PlayerEvents>(event: K, payload: PlayerEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? [])
      (listener as (p: PlayerEvents[K]) => void)(payload)
  }

  private update(patch: Partial<PlayerSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch }
    this.emit('change', this.snapshot)
  }

  private setPosition(seconds: number): void {
    if (seconds === this.currentPosition) return
    this.currentPosition = seconds
    this.emit('position', seconds)
  }

  /** The saved state, as saveQueue takes it. */
  toSaved(): NonNullable<CallArgs<'saveQueue'>> {
    const { queue, volume } = this.snapshot
    // The engine takes every pick at or before the current entry as started (see passedPicks).
    for (let i = 0; i <= (queue.current ?? -1); i++) {
      const item = queue.items[i]
      if (item) this.pass(item.entry)
    }
    return {
      entries: queue.items.map(({ entry }) => ({
        trackId: entry.trackId,
        source: entry.source,
        ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
        ...(entry.pickId !== undefined ? { pickId: entry.pickId } : {}),
        ...(entry.touched ? { touched: true } : {}),
      })),
      current: queue.current,
      position: Math.max(0, Math.round(this.currentPosition * 10) / 10),
      shuffle: queue.shuffle,
      repeat: queue.repeat,
      volume,
      revision: this.revision,
    }
  }

  // ---- restoring -----------------------------------------------------------------------------

  /** Takes over a saved queue (after a reload or restart), paused at the saved position. */
  restore(saved: QueueState): void {
    const queue = queueFrom<QueueTrack>(saved.entries, {
      current: saved.current,
      repeat: saved.repeat,
      shuffle: saved.shuffle,
      seed: this.snapshot.queue.seed,
    })
    this.revision = saved.revision
    const track = currentItem(queue)?.entry.track ?? null
    this.pendingSeek = track ? saved.position : null
    this.currentPosition = track ? saved.position : 0
    this.update({
      queue,
      track,
      duration: track?.duration ?? null,
      volume: saved.volume,
      status: track ? 'paused' : 'idle',
      atEnd: false,
    })
    this.emit('position', this.currentPosition)
    this.earlier = []
    this.loadEarlier(queue)
  }

  /** After a restore: the History's plays before the saved queue, for Previous to reach. */
  private loadEarlier(queue: PlayQueue<QueueTrack>): void {
    const { played, current } = queueParts(queue)
    const restored = [...played, ...(current === null ? [] : [current])].map(
      (i) => queue.items[i]!.entry.trackId,
    )
    Promise.resolve()
      .then(() => this.bridge.api.listHistory({ limit: EARLIER_FROM_HISTORY + restored.length }))
      .then((history) => {
        // Songs dropped from the queue meanwhile were played after these.
        this.earlier = [...earlierFromHistory(history, restored), ...this.earlier].slice(
          -EARLIER_KEPT,
        )
      })
      .catch(() => undefined) // Without the History, Previous stops at the queue's start.
  }

  // ---- transport -----------------------------------------------------------------------------

  /** Plays (or resumes) the current entry; starts the queue if nothing is current. */
  play(): void {
    const { queue, atEnd } = this.snapshot
    if (atEnd) {
      // From where it ended: what was added since, else the last song again.
      this.startCurrent(upcomingCount(queue) > 0 ? next(queue, 'user') : queue, null)
      return
    }
    if (this.session && !this.session.ended) {
      this.reportStart(this.session)
      this.session.sound.play()
      this.update({ status: 'playing' })
      this.startTicker()
      return
    }
    const target = queue.current === null ? next(queue, 'user') : queue
    this.startCurrent(target, null)
  }

  pause(): void {
    if (!this.session) return
    this.cancelHandoff()
    this.stopFading()
    this.session.sound.pause()
    this.setPosition(this.session.sound.position())
    this.update({ status: 'paused' })
    this.stopTicker()
  }

  togglePlay(): void {
    if (this.snapshot.status === 'playing' || this.snapshot.status === 'loading') this.pause()
    else this.play()
  }

  seek(seconds: number): void {
    const duration = this.snapshot.duration ?? Infinity
    const target = Math.max(
      0,
      Math.min(seconds, Number.isFinite(duration) ? Math.max(0, duration - 0.25) : seconds),
    )
    this.cancelHandoff()
    if (this.session) this.session.sound.seek(target)
    else this.pendingSeek = target
    this.setPosition(target)
  }

  seekBy(delta: number): void {
    const from = this.session ? this.session.sound.position() : this.currentPosition
    this.seek(from + delta)
  }

  /**
   * Moves on to the next entry. `reason` is how the play ends: a press of Next by default; a song
   * the listener just turned down ends as 'turned_down' (the mark says it all, it is no skip).
   */
  next(reason: Extract<EndReason, 'next' | 'turned_down'> = 'next'): void {
    const { queue, atEnd } = this.snapshot
    if (atEnd && upcomingCount(queue) === 0) return
    const after = next(queue, 'user')
    if (after.current === null) {
      this.endOfQueue(reason)
      return
    }
    this.startCurrent(after, reason)
  }

  previous(): void {
    if (this.snapshot.atEnd) {
      // The song that just ended comes back.
      this.startCurrent(this.snapshot.queue, null)
      return
    }
    if (this.session && this.currentPosition > RESTART_INSTEAD_OF_PREVIOUS_AFTER) {
      this.seek(0)
      return
    }
    const queue = this.snapshot.queue
    let before = previous(queue)
    if (before.current === queue.current) {
      // At the start of the queue: back into the songs played before it.
      const earlier = queue.current === null ? undefined : this.earlier.pop()
      if (earlier === undefined) {
        this.seek(0)
        return
      }
      before = backTo(queue, earlier)
    }
    this.startCurrent(before, 'previous')
  }

  setVolume(volume: number): void {
    const clamped = Math.max(0, Math.min(1, volume))
    this.update({ volume: clamped })
    this.applyVolume()
  }

  private replayGain: ReplayGainMode = 'track'

  /** How ReplayGain tags even out loudness (the Settings choice); applies to the playing song at once. */
  setReplayGain(mode: ReplayGainMode): void {
    if (mode === this.replayGain) return
    this.replayGain = mode
    this.applyVolume()
  }

  /**
   * Sets the playing song's volume, and the next one's: a scheduled start sounds at the right
   * level from its first sample.
   */
  private applyVolume(): void {
    if (this.session) this.session.sound.setVolume(this.effectiveVolume(this.session.track))
    const next = this.preloaded && upcoming(this.snapshot.queue)?.entry.track
    if (this.preloaded && next) this.preloaded.sound.setVolume(this.effectiveVolume(next))
  }

  /**
   * How many seconds the end of a song and the start of the next overlap (Settings; 0 = off, the
   * songs follow each other without a gap). Takes effect at the next change of song.
   */
  setCrossfade(seconds: number): void {
    const clamped = Number.isFinite(seconds) ? Math.max(0, seconds) : 0
    if (clamped === this.crossfade) return
    this.crossfade = clamped
    this.cancelHandoff()
  }

  /** The volume to come back to when unmuted. */
  private volumeBeforeMute = 1

  /** Mutes, or brings back the volume from before muting. */
  toggleMute(): void {
    const { volume } = this.snapshot
    if (volume > 0) {
      this.volumeBeforeMute = volume
      this.setVolume(0)
    } else this.setVolume(this.volumeBeforeMute > 0 ? this.volumeBeforeMute : 1)
  }

  setShuffle(on: boolean): void {
    this.setQueue(setShuffle(this.snapshot.queue, on))
  }

  setRepeat(repeat: RepeatMode): void {
    this.setQueue(setRepeat(this.snapshot.queue, repeat))
  }

  // ---- queue editing -------------------------------------------------------------------------

  playTracksNow(tracks: Track[]): void {
    const after = playNow(this.snapshot.queue, tracks.map(userEntry))
    this.startCurrent(after, 'picked')
  }

  playTracksNext(tracks: Track[]): void {
    this.setQueue(playNext(this.snapshot.queue, tracks.map(userEntry)))
  }

  addTracks(tracks: Track[]): void {
    this.setQueue(addToQueue(this.snapshot.queue, tracks.map(userEntry)))
  }

  /** Plays a list from one of its rows: the list (from that row on) becomes what is up next. */
  playList(tracks: Track[]): void {
    if (tracks.length === 0) return
    this.startCurrent(playList(this.snapshot.queue, tracks.map(userEntry)), 'picked')
  }

  /** Appends ready-made entries (the auto-queue's picks, which carry their source and reason). */
  addEntries(entries: QueueTrack[]): void {
    this.setQueue(addToQueue(this.snapshot.queue, entries))
  }

  /** Plays the queue's entry at `index` (a pick from the queue panel). */
  playIndex(index: number): void {
    this.startCurrent(jumpTo(this.snapshot.queue, index), 'picked')
  }

  /** Moves an entry (drag to reorder); an auto-pick moved by the listener is theirs from then on. */
  moveEntry(from: number, to: number): void {
    const queue = this.snapshot.queue
    const item = queue.items[from]
    if (!item || from === to) return
    const moved =
      item.entry.source === 'auto' && !item.entry.touched
        ? {
            ...queue,
            items: queue.items.map((it, i) =>
              i === from ? { ...it, entry: { ...it.entry, touched: true } } : it,
            ),
          }
        : queue
    this.setQueue(move(moved, from, to))
  }

  /**
   * Takes over the engine's re-rank: each waiting auto-pick it replaced (and the listener has not
   * touched or started meanwhile) becomes the new pick, as a new entry so nothing preloaded for the
   * old one plays; a pick kept with a fresh reason (the same song) keeps its place and key.
   * `revision` is the engine's queue revision after them.
   */
  applyReplacements(revision: number, replaced: readonly QueueReplacement<QueueTrack>[]): void {
    this.revision = Math.max(this.revision, revision)
    let queue = this.snapshot.queue
    const declined: { pickId: number; reason: DeclineReason }[] = []
    for (const replacement of replaced) {
      const entries = queue.items.map((item) => item.entry)
      const fate = replacementFate(entries, queue.current, replacement, (e) => this.passed(e))
      if ('declined' in fate) {
        // Never taken: the engine logs it as declined, so its pick log holds only what played.
        const pickId = replacement.entry.pickId
        if (isNewPick(replacement) && pickId !== undefined) {
          declined.push({ pickId, reason: fate.declined })
        }
        continue
      }
      const index = fate.index
      const old = queue.items[index] as QueueItem<QueueTrack>
      if (old.entry.trackId === replacement.entry.trackId) {
        queue = {
          ...queue,
          items: queue.items.map((item, i) =>
            i === index ? { key: old.key, entry: replacement.entry } : item,
          ),
        }
        continue
      }
      const key = queue.nextKey
      queue = {
        ...queue,
        items: queue.items.map((item, i) =>
          i === index ? { key, entry: replacement.entry } : item,
        ),
        order: queue.order.map((k) => (k === old.key ? key : k)),
        nextKey: key + 1,
      }
    }
    if (queue !== this.snapshot.queue) this.setQueue(queue)
    if (declined.length > 0) {
      void this.report(() => this.bridge.api.declineReplacements({ declined }))
    }
  }

  /** Remembers an auto-pick as started (see passedPicks). */
  private pass(entry: LiveQueueEntry): void {
    if (entry.source !== 'auto') return
    const key = passKey(entry)
    this.passedPicks.delete(key)
    this.passedPicks.add(key)
    if (this.passedPicks.size > PASSED_KEPT) {
      const oldest = this.passedPicks.values().next().value
      if (oldest !== undefined) this.passedPicks.delete(oldest)
    }
  }

  private passed(entry: LiveQueueEntry): boolean {
    return this.passedPicks.has(passKey(entry))
  }

  removeEntry(index: number): void {
    const { queue } = this.snapshot
    const after = remove(queue, index)
    if (index === queue.current) {
      // The playing entry is gone: stop it; what follows becomes current, paused.
      this.stopAll('picked', after)
      return
    }
    this.setQueue(after)
  }

  /**
   * Empties "up next"; the playing song plays on. Returns the entries taken out, for Undo
   * (restoreUpNext).
   */
  clearUpNext(): QueueTrack[] {
    const { queue, removed } = clearUpNext(this.snapshot.queue)
    if (removed.length === 0) return []
    if (queue.current === null) this.stopAll('picked', queue)
    else this.setQueue(queue)
    return removed
  }

  /** Undo of clearUpNext: the entries come back right after the current one. */
  restoreUpNext(entries: QueueTrack[]): void {
    if (entries.length > 0) this.setQueue(playNext(this.snapshot.queue, entries))
  }

  /** Updates the tracks the queue shows (after a rescan or a label change). */
  refreshTracks(lookup: (trackId: number) => Track | null | undefined): void {
    const queue = this.snapshot.queue
    const items = queue.items.map((item) => {
      const track = lookup(item.entry.trackId)
      return track === undefined ? item : { ...item, entry: { ...item.entry, track } }
    })
    this.setQueue({ ...queue, items })
  }

  dismissNote(): void {
    this.update({ note: null })
  }

  /** The page is going away: report the end now (the web bridge sends it with keepalive). */
  quit(): void {
    const session = this.session
    if (!session || session.ended) return
    session.ended = true
    const position = session.sound.position()
    if (session.knownPlayId) {
      void this.bridge.api
        .playEnded({
          trackId: session.track.id,
          playId: session.knownPlayId,
          position,
          duration: this.knownDuration(session),
          reason: 'quit',
        })
        .catch(() => undefined)
    }
    this.setPosition(position)
  }

  dispose(): void {
    this.stopTicker()
    this.stopFading()
    this.session?.sound.unload()
    this.preloaded?.sound.unload()
    this.session = null
    this.preloaded = null
  }

  // ---- internals -----------------------------------------------------------------------------

  private setQueue(queue: PlayQueue<QueueTrack>): void {
    // A different entry coming up next invalidates the preloaded sound.
    if (this.preloaded && upcoming(queue)?.key !== this.preloaded.key) {
      this.cancelHandoff()
      this.preloaded.sound.unload()
      this.preloaded = null
    }
    this.update({ queue })
  }

  private effectiveVolume(track: Track): number {
    const rg = track.replayGain
    // Album mode falls back to the track's gain when the file has no album gain.
    const gain =
      this.replayGain === 'off'
        ? 1
        : this.replayGain === 'album' && rg?.albumGain != null
          ? replayGainFactor(rg.albumGain, rg.albumPeak ?? null)
          : replayGainFactor(rg?.trackGain ?? null, rg?.trackPeak ?? null)
    // HTML5 audio cannot amplify: a positive gain stops at full volume.
    return Math.max(0, Math.min(1, this.snapshot.volume * gain))
  }

  private knownDuration(session: Session): number | null {
    const fromAudio = session.sound.duration()
    return fromAudio > 0 && Number.isFinite(fromAudio) ? fromAudio : session.track.duration
  }

  private report<T>(send: () => Promise<T>): Promise<T | null> {
    const sent = this.reporting.then(send).catch((error: unknown) => {
      this.update({
        note: {
          kind: 'engine',
          message: `The engine did not record this: ${(error as Error).message}`,
          trackId: null,
        },
      })
      return null
    })
    this.reporting = sent
    return sent
  }

  private reportStart(session: Session): void {
    if (session.playId) return
    const trackId = session.track.id
    const { entry } = session.item
    // The engine learns at once that this pick plays (no re-rank replaces it from now on).
    const pickId = entry.source === 'auto' ? entry.pickId : undefined
    session.playId = this.report(async () => {
      const { playId } = await this.bridge.api.playStarted({
        trackId,
        ...(pickId === undefined ? {} : { pickId }),
      })
      session.knownPlayId = playId
      session.lastProgressAt = Date.now()
      this.emit('playStarted', { trackId, playId })
      return playId
    })
  }

  /** Ends the session once: the first reason wins, later calls do nothing. */
  private endSession(
    session: Session,
    reason: EndReason,
    atPosition?: number,
    keepSounding = false,
  ): void {
    if (session.ended) return
    session.ended = true
    const position = Math.max(0, atPosition ?? session.sound.position())
    const duration = this.knownDuration(session)
    const trackId = session.track.id
    if (!keepSounding) session.sound.unload()
    const started = session.playId
    if (!started) return
    void this.report(async () => {
      const playId = await started
      if (!playId) return
      await this.bridge.api.playEnded({ trackId, playId, position, duration, reason })
      this.emit('playEnded', { trackId, reason, position })
    })
  }

  /** Stops playback; the queue becomes `queue`, its current entry paused at 0. */
  private stopAll(reason: EndReason, queue: PlayQueue<QueueTrack>, atEnd = false): void {
    this.cancelHandoff()
    this.stopFading()
    if (this.session) this.endSession(this.session, reason)
    this.session = null
    this.stopTicker()
    this.pendingSeek = null
    this.setPosition(0)
    const track = currentItem(queue)?.entry.track ?? null
    this.setQueue(queue)
    this.update({
      status: track ? 'paused' : 'idle',
      track,
      duration: track?.duration ?? null,
      atEnd: atEnd && track !== null,
    })
  }

  /** The queue ran out: stop, the last song staying current (see PlayerSnapshot.atEnd). */
  private endOfQueue(reason: EndReason): void {
    this.stopAll(reason, this.snapshot.queue, true)
  }

  /**
   * Ends the current play with `endReason` (null: nothing to end) and starts the current entry of
   * `queue` from the top (or from a restored position).
   */
  private startCurrent(
    queue: PlayQueue<QueueTrack>,
    endReason: EndReason | null,
    handingOff = false,
  ): void {
    if (!handingOff) {
      // The listener moved on: nothing scheduled starts, nothing of the song before sounds on.
      this.cancelHandoff()
      this.stopFading()
    }
    const old = this.session
    if (old) this.endSession(old, endReason ?? 'picked')
    this.session = null
    const item = currentItem(queue)
    const track = item?.entry.track ?? null
    if (!item || !track) {
      this.stopAll(endReason ?? 'picked', queue)
      return
    }
    let sound: Sound
    if (this.preloaded && this.preloaded.key === item.key) {
      sound = this.preloaded.sound
      this.preloaded = null
    } else {
      sound = this.createSound(this.bridge.mediaUrl(track.id), track.format, track.duration)
    }
    const session: Session = {
      item,
      track,
      sound,
      playId: null,
      knownPlayId: null,
      ended: false,
      lastProgressAt: Date.now(),
      decoded: false,
    }
    this.session = session
    // Started here: a replacement of it arriving from now on is declined, whatever the engine saw.
    this.pass(item.entry)
    this.recent = [...this.recent.filter((id) => id !== track.id), track.id].slice(-RECENT_KEPT)
    const startAt = this.pendingSeek
    this.pendingSeek = null
    this.listenTo(session, sound)
    if (startAt !== null && startAt > 0) sound.seek(startAt)
    this.setPosition(startAt ?? 0)
    const { queue: trimmed, dropped } = dropPlayed(queue, PLAYED_KEPT)
    if (dropped.length > 0) this.earlier = [...this.earlier, ...dropped].slice(-EARLIER_KEPT)
    this.setQueue(trimmed)
    this.update({ track, duration: track.duration, status: 'loading', note: null, atEnd: false })
    this.reportStart(session)
    sound.play()
    this.startTicker()
  }

  /** Binds a session's sound to the player (its first one, or the decoded one after a refusal). */
  private listenTo(session: Session, sound: Sound): void {
    sound.setVolume(this.effectiveVolume(session.track))
    sound.on('load', () => {
      if (this.session !== session) return
      const duration = sound.duration()
      if (duration > 0) this.update({ duration })
    })
    sound.on('play', () => {
      if (this.session !== session) return
      this.consecutiveErrors = 0
      this.update({ status: 'playing' })
    })
    sound.on('end', () => {
      if (this.session !== session) return
      if (this.handoff) {
        this.handOff()
        return
      }
      this.endSession(session, 'ended', this.knownDuration(session) ?? sound.position())
      const after = next(this.snapshot.queue, 'auto')
      if (after.current === null) this.endOfQueue('ended')
      else this.startCurrent(after, null)
    })
    sound.on('loaderror', () => {
      if (session.sound === sound) void this.failed(session)
    })
    sound.on('playerror', () => {
      if (session.sound === sound) void this.failed(session)
    })
  }

  private async failed(session: Session): Promise<void> {
    if (this.session !== session || session.ended) return
    const track = session.track
    const name = track.title ?? track.path.split(/[/\\]/).pop() ?? 'This song'
    // A file the scanner could not read is undecodable, whatever the server answers for it.
    const missing =
      track.missingSince !== null ||
      (track.error === null && (await this.isMissing(this.bridge.mediaUrl(track.id))))
    if (this.session !== session || session.ended) return
    if (!missing && !session.decoded && track.error === null) {
      // The browser's demuxer refused the file: ask once for the engine's own decode of it.
      session.decoded = true
      session.sound.unload()
      const sound = this.createSound(
        decodedUrl(this.bridge.mediaUrl(track.id)),
        'wav',
        track.duration,
      )
      session.sound = sound
      this.listenTo(session, sound)
      sound.play()
      return
    }
    this.endSession(session, 'error', 0)
    this.session = null
    if (!missing) {
      void this.report(() =>
        this.bridge.api.reportUnplayable({
          trackId: track.id,
          reason:
            track.error === null
              ? 'Neither the browser nor Attune’s own decoder could play this file.'
              : `The file could not be read: ${track.error}`.slice(0, 500),
        }),
      )
    }
    const note: PlayerNote = missing
      ? {
          kind: 'missing',
          message: `“${name}” is missing: its file was moved or deleted. A rescan brings the library up to date.`,
          trackId: track.id,
        }
      : {
          kind: 'undecodable',
          message: `“${name}” could not be played, so it was skipped.`,
          trackId: track.id,
        }
    this.update({ note })
    this.emit('note', note)
    this.consecutiveErrors += 1
    // Skip on, but stop once every entry has failed in a row rather than spin.
    const queue = this.snapshot.queue
    if (this.consecutiveErrors >= queue.items.length) {
      this.stopAll('error', queue)
      this.update({ note })
      return
    }
    const after = next(queue, 'user')
    if (after.current === null) this.endOfQueue('error')
    else this.startCurrent(after, null)
    this.update({ note })
  }

  private startTicker(): void {
    if (this.ticker !== null) return
    this.ticker = this.timers.set(() => this.tick(), this.options.tickMs)
  }

  private stopTicker(): void {
    if (this.ticker === null) return
    this.timers.clear(this.ticker)
    this.ticker = null
  }

  private tick(): void {
    const session = this.session
    if (!session || session.ended) return
    const position = session.sound.position()
    this.setPosition(position)
    const duration = this.knownDuration(session)
    if (duration !== null && duration - position < this.options.preloadSeconds) {
      this.preloadUpcoming()
      this.planHandoff()
    }
    const now = Date.now()
    if (
      session.knownPlayId &&
      this.snapshot.status === 'playing' &&
      now - session.lastProgressAt >= this.options.progressEveryMs
    ) {
      session.lastProgressAt = now
      const playId = session.knownPlayId
      void this.report(() =>
        this.bridge.api.playProgress({ trackId: session.track.id, playId, position }),
      )
    }
  }

  private preloadUpcoming(): void {
    const item = upcoming(this.snapshot.queue)
    const track = item?.entry.track
    if (!item || !track || this.preloaded?.key === item.key || item.key === this.session?.item.key)
      return
    if (this.preloadFailedKey === item.key) return
    this.preloaded?.sound.unload()
    const sound = this.createSound(this.bridge.mediaUrl(track.id), track.format, track.duration)
    sound.setVolume(this.effectiveVolume(track))
    // A preload that fails is dropped: the entry gets a fresh sound (and the usual error handling)
    // when its turn comes, instead of a dead one that never starts.
    sound.on('loaderror', () => {
      if (this.preloaded?.sound !== sound) return
      sound.unload()
      this.preloaded = null
      this.preloadFailedKey = item.key
    })
    this.preloaded = { key: item.key, sound }
  }

  /**
   * Schedules the preloaded song to start where the playing one ends (less the crossfade), once
   * both can be scheduled and the next one is decoded; re-schedules when the end moved. Called on
   * every tick in the last seconds of a song.
   */
  private planHandoff(): void {
    const session = this.session
    const preloaded = this.preloaded
    const current = session?.sound.scheduling
    const next = preloaded?.sound.scheduling
    const nextTrack = preloaded ? upcoming(this.snapshot.queue)?.entry.track : null
    if (!session || session.ended || !preloaded || !current || !next || !nextTrack) return
    if (this.snapshot.status !== 'playing' || !next.ready()) return
    const end = current.endsAt()
    if (end === null) return
    const fade = crossfadeSeconds(
      this.crossfade,
      session.track,
      nextTrack,
      session.sound.duration(),
      preloaded.sound.duration(),
    )
    const start = end - fade
    const planned = this.handoff
    if (planned && planned.key === preloaded.key && Math.abs(planned.start - start) < 0.001) {
      if (current.now() >= planned.start) this.handOff()
      return
    }
    this.cancelHandoff()
    if (start <= current.now()) return // too late to start it on time: the end event takes over
    next.startAt(start, fade)
    current.fadeOutAt(start, fade)
    this.handoff = { key: preloaded.key, start, fade }
  }

  /** Takes back a scheduled start of the next song and the current song's fade-out. */
  private cancelHandoff(): void {
    if (!this.handoff) return
    this.handoff = null
    this.preloaded?.sound.scheduling?.unschedule()
    this.session?.sound.scheduling?.unschedule()
  }

  /**
   * The scheduled song has started: the playing one ended naturally (its fade-out, if any, goes on
   * sounding until its own end) and the next becomes current, already playing.
   */
  private handOff(): void {
    const session = this.session
    const handoff = this.handoff
    if (!session || !handoff) return
    this.handoff = null
    const after = next(this.snapshot.queue, 'auto')
    if (after.current === null || currentItem(after)?.key !== handoff.key) {
      // The queue no longer leads there: stop what was scheduled, end the usual way.
      this.preloaded?.sound.scheduling?.unschedule()
      session.sound.scheduling?.unschedule()
      this.endSession(session, 'ended', this.knownDuration(session) ?? session.sound.position())
      if (after.current === null) this.endOfQueue('ended')
      else this.startCurrent(after, null)
      return
    }
    const tail = session.sound
    this.stopFading()
    this.fading = tail
    tail.on('end', () => {
      if (this.fading === tail) this.stopFading()
    })
    this.endSession(session, 'ended', this.knownDuration(session) ?? tail.position(), true)
    this.session = null
    this.startCurrent(after, null, true)
  }

  private stopFading(): void {
    this.fading?.unload()
    this.fading = null
  }
}

/** The engine's own decode of a track (WAV), for a file the browser refused. */
export function decodedUrl(mediaUrl: string): string {
  return `${mediaUrl}${mediaUrl.includes('?') ? '&' : '?'}decode=1`
}

async function answersNotFound(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { method: 'HEAD' })
    return response.status === 404 || response.status === 410
  } catch {
    return false
  }
}

function userEntry(track: Track): QueueTrack {
  return { trackId: track.id, source: 'user', track }
}

/** An auto-pick's key in Player.passedPicks: its pick id, or its song when it has none. */
function passKey(entry: LiveQueueEntry): string {
  return entry.pickId === undefined ? `song:${entry.trackId}` : `pick:${entry.pickId}`
}
