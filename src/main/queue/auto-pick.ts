// The auto-queue's orchestration behind the engine: asking the taste model for candidates, drawing
// one with the pick policy (auto-queue.ts), logging it with its short-list and probability, and
// re-ranking the waiting auto-picks when the model learns (rerank.ts). The engine only wires it.

import type { AutoQueuePick, EngineEvents, EventName, QueueEntry } from '../../shared/contract'
import type { Track } from '../../shared/domain'
import type { Settings } from '../../shared/settings'
import {
  applyReplacements,
  isNewPick,
  isWaitingAutoPick,
  type DeclineReason,
  type LiveQueueEntry,
  type QueueReplacement,
} from '../../shared/live-queue'
import { withPickContext, type AutoPickReason, type PickReason } from '../../shared/reasons'
import { isNothingToScore, UserError, type ErrorCode } from '../../shared/errors'
import type { EventLog, LoggedEvent } from '../db/events'
import type { QueueStore } from '../db/queue'
import type { SettingsStore } from '../db/settings'
import type { PickHistory } from '../db/pick-history'
import type { EmbeddingStore } from '../db/embeddings'
import { EXTRACTOR } from '../analysis/feature-names'
import type { TasteService } from '../taste/service'
import type { ScoredSong, WordedSong } from '../taste/model'
import type { RerankAnswer, RerankCandidate } from '../taste/core'
import {
  asCandidates,
  chooseAutoPick,
  type AutoQueueChoice,
  type CandidateExtras,
} from '../../shared/auto-queue'
import { seededRandom } from '../../shared/random'
import { radioContext, radioRanking } from './radio'

/** What the listener sees when the taste model has nothing to score yet (each front end adds what to do). */
export const NOTHING_ANALYSED_MESSAGE =
  'No song is analysed yet, so Attune has nothing to pick from.'

/** Why the auto-queue has nothing to pick from in `space`: its code and words. */
function nothingToPick(space: string): { message: string; code: ErrorCode } {
  return space === EXTRACTOR.space
    ? { code: 'not-analysed', message: NOTHING_ANALYSED_MESSAGE }
    : {
        code: 'no-vectors',
        message: `No song has a vector in the space '${space}', so Attune has nothing to pick from.`,
      }
}

/** How many queue revisions' replacements are kept for saves based on an older revision. */
const REPLACEMENT_LOG = 50
/** How many started auto-picks the engine remembers (far more than ever wait in a queue). */
const STARTED_KEPT = 1000
/**
 * The songs the taste worker prepares (see hintPrepared): the song playing and the next two,
 * those the listener rewards next (a mark on a waiting pick, a play's end).
 */
export const PREPARED_SONGS = 3

type QueuedTrack = QueueEntry & { track: Track | null }

export interface AutoPickerOptions {
  settings: SettingsStore
  embeddings: EmbeddingStore
  queue: QueueStore
  events: EventLog
  pickHistory: PickHistory
  getTrack: (trackId: number) => Track | null
  /** The taste model's worker (started on first use). */
  taste: () => Promise<TasteService>
  /** Announces `modelUpdated` and `queueChanged`. */
  emit: <K extends EventName>(name: K, payload: EngineEvents[K]) => void
  /** Whether the engine is closing: work in flight stops writing. */
  closed: () => boolean
  /** Seed of the draws (tests); default from the clock. */
  seed?: number
}

/**
 * Picks the auto-queue's songs and keeps the waiting ones current: every pick and replacement is
 * logged with its short-list and probability (what offline evaluation needs), and the queue's
 * revisions let a save based on an older one keep the replacements it missed.
 *
 * The saved queue lags the player (it saves after a pause), so a pick the engine still sees
 * waiting may already be playing. No replacement of a started pick survives in the pick log
 * (docs/live-queue.md): the engine learns a start from the player's play start (`pickStarted`) and
 * from each save's current index, and never plans or applies a replacement of a started pick;
 * what it had replaced before it knew, the player declines (it never cuts the song playing) and
 * reports, and the engine logs the decline (`decline`) and puts the pick back in its saved queue.
 * The engine declines on its own only what the player certainly declines too (a pick the player
 * reported started or saved at or before its current entry), so the two never disagree.
 */
export class AutoPicker {
  private readonly random: () => number
  /** See QueueState.revision. */
  private queueRevision = 0
  /** The replacements of the latest revisions, oldest first, each with the entry it replaced. */
  private readonly replacementLog: {
    revision: number
    replaced: { replacement: QueueReplacement<QueuedTrack>; before: QueueEntry }[]
  }[] = []
  /** Auto-picks (pick ids) whose play the player reported started, oldest first. */
  private readonly startedPicks = new Set<number>()
  /** The songs last named to each taste worker (see hintPrepared); a new one prepares none. */
  private readonly hinted = new WeakMap<TasteService, string>()

  constructor(private readonly options: AutoPickerOptions) {
    this.random = seededRandom(options.seed ?? Date.now() % 2 ** 32)
  }

  /** The queue's revision: it moves each time the engine replaces waiting picks. */
  get revision(): number {
    return this.queueRevision
  }

  /**
   * A save's entries based on `revision`, with the replacements it missed re-applied (where their
   * picks still wait), so the renderer's save never undoes the engine's.
   */
  rebase(
    revision: number | undefined,
    entries: QueueEntry[],
    current: number | null,
  ): QueueEntry[] {
    const missed =
      revision === undefined
        ? []
        : this.replacementLog
            .filter((r) => r.revision > revision)
            .flatMap((r) => r.replaced.map((x) => x.replacement))
    if (missed.length === 0) return entries
    const rebased = applyReplacements<QueueEntry>(entries, current, missed, (e) => this.started(e))
    // A pick this save shows at or before the player's current entry has started there: the
    // player declines its replacement when it arrives (it never cuts the song playing), so the
    // engine declines it now, also for a player that goes away before it hears of it.
    this.decline(declinesOf(rebased.declined.filter((d) => d.reason === 'started')), 'engine')
    return rebased.entries
  }

  /**
   * The player started the auto-pick `pickId`: no re-rank replaces it from now on, and a
   * replacement of it the engine made before it knew is declined (the player plays the pick).
   */
  pickStarted(pickId: number): void {
    this.startedPicks.delete(pickId)
    this.startedPicks.add(pickId)
    if (this.startedPicks.size > STARTED_KEPT) {
      const oldest = this.startedPicks.values().next().value
      if (oldest !== undefined) this.startedPicks.delete(oldest)
    }
    const overtaken = this.replacementLog.flatMap((r) =>
      r.replaced.filter((x) => x.replacement.pickId === pickId).map((x) => x.replacement),
    )
    this.decline(
      declinesOf(overtaken.map((replacement) => ({ replacement, reason: 'started' }))),
      'engine',
    )
  }

  /**
   * Replacements the player did not take (`pickId`: the new pick's auto_pick event): each is
   * logged as declined once, leaves the replacement log (no later save re-applies it) and gives
   * its place in the saved queue back to the pick it replaced. Refuses, writing nothing, a pick id
   * that names no replacement.
   */
  decline(declined: readonly { pickId: number; reason: DeclineReason }[], source = 'player'): void {
    const { events } = this.options
    const picks = new Map<number, LoggedEvent>()
    for (const { pickId } of declined) {
      const pick = events.autoPickEvent(pickId)
      if ((pick?.data as { replaces?: unknown } | undefined)?.replaces === undefined) {
        throw new UserError(
          `Auto-pick ${pickId} is not a replacement the engine made.`,
          'not-found',
        )
      }
      picks.set(pickId, pick as LoggedEvent)
    }
    const written = this.logDeclines(declined, picks, source)
    if (written.size === 0) return
    const before = new Map<number, QueueEntry>()
    for (const revision of this.replacementLog) {
      revision.replaced = revision.replaced.filter(({ replacement, before: old }) => {
        const pickId = replacement.entry.pickId
        if (pickId === undefined || !written.has(pickId)) return true
        before.set(pickId, old)
        return false
      })
    }
    const saved = this.options.queue.load()
    let reverted = false
    const entries = saved.entries.map((entry) => {
      const old = entry.pickId === undefined ? undefined : before.get(entry.pickId)
      if (old === undefined) return entry
      reverted = true
      return old
    })
    if (reverted) this.options.queue.save({ ...saved, entries })
  }

  /** Logs the declines not logged yet (`picks`: their auto_pick events); answers the pick ids it logged. */
  private logDeclines(
    declined: readonly { pickId: number; reason: DeclineReason }[],
    picks: ReadonlyMap<number, LoggedEvent>,
    source: string,
  ): Set<number> {
    const { events } = this.options
    const written = new Set<number>()
    if (declined.length === 0) return written
    const already = events.declinedPickIds()
    for (const { pickId, reason } of declined) {
      if (already.has(pickId) || written.has(pickId)) continue
      const pick = picks.get(pickId)
      if (pick?.trackId == null) continue
      events.pickDeclined({ id: pick.id, ts: pick.ts, trackId: pick.trackId }, reason, source)
      written.add(pickId)
    }
    return written
  }

  /** Whether the player reported this pick started (see pickStarted). */
  private started(entry: LiveQueueEntry): boolean {
    return entry.pickId !== undefined && this.startedPicks.has(entry.pickId)
  }

  /**
   * Tells a running taste worker the songs the listener may reward next, as the saved queue shows
   * them (the song playing and the next ones): it prepares them in idle time, so such a reward
   * (and the re-rank after a mark on a waiting pick) is learned in O(N), not O(N·k)
   * (TasteCore.prepareSongs). Sends nothing when the list is the one this worker has (none at first).
   */
  async hintPrepared(taste: TasteService): Promise<void> {
    const trackIds = this.options.queue.upcoming(PREPARED_SONGS)
    const key = trackIds.join(',')
    if ((this.hinted.get(taste) ?? '') === key) return
    await taste.prepareSongs(trackIds)
    this.hinted.set(taste, key)
  }

  /** Whether an auto-pick the listener has not moved waits in the queue. */
  hasWaitingPicks(): boolean {
    return this.options.pickHistory.hasWaitingAutoPicks()
  }

  /**
   * The auto-queue's next song: asks the taste model for more candidates than the short-list
   * needs (spacing may block some), draws one with the softmax policy, and logs the pick with its
   * short-list and probability.
   */
  async next(exclude: readonly number[] = []): Promise<AutoQueuePick> {
    const { settings, embeddings, queue, pickHistory } = this.options
    const current = settings.get()
    if (!embeddings.hasVectors(current.model.space))
      return { entry: null, ...nothingToPick(current.model.space) }
    const { temperature, topN } = current.exploration
    const spacing = current.autoQueue.artistSpacing
    let taste: TasteService
    try {
      taste = await this.options.taste()
    } catch (error) {
      if (isNothingToScore(error)) return { entry: null, ...nothingToPick(current.model.space) }
      throw error
    }
    const onRadio = radioRanking(current.radio)
    const policy = { temperature, topN, artistSpacing: spacing }
    const waiting = (): Set<number> => {
      const saved = queue.load()
      return new Set(
        saved.entries
          .filter((entry, i) => isWaitingAutoPick(entry, i, saved.current))
          .map((entry) => entry.trackId),
      )
    }
    // One round trip: the worker learns, ranks, draws and words the song drawn (the draw takes one
    // number of the engine's stream, as when the engine drew: the same songs for the same seed). The songs waiting
    // as auto-picks are set aside too: the re-rank may have queued some since the caller took its
    // `exclude`, and a pick of one would be logged but dropped. Only the waiting auto-picks: the
    // rest of the saved queue is the player's to say.
    const answer = await taste.pick({
      n: Math.min(200, topN * (1 + spacing)),
      exclude: [...new Set([...exclude, ...waiting(), ...onRadio.exclude])],
      ...(onRadio.radio ? { radio: onRadio.radio } : {}),
      policy,
      // The draw's number from the engine's own stream: a seeded engine picks reproducibly.
      draw: this.random(),
    })
    let { candidates, choice } = answer
    let worded = answer.words[0]
    for (;;) {
      if (!choice) {
        return {
          entry: null,
          message: onRadio.radio
            ? 'Every analysed song is already queued, turned down, played lately or part of the radio’s seed. End the radio, or start it from a smaller seed.'
            : 'Every analysed song is already queued, turned down or played lately. Add songs to the library, or shorten the replay window in Settings.',
        }
      }
      // Read again now, so nothing waits from here to the log.
      const queuedNow = waiting()
      const drawn = choice.pick.trackId
      if (worded?.trackId === drawn && !queuedNow.has(drawn)) {
        const pick = { ...choice.pick, why: worded.why, reasons: [worded.why.line] }
        return { entry: this.logAutoPick({ ...choice, pick }, current), message: null }
      }
      // A re-rank queued the song drawn during the round trip (or the model no longer knows it:
      // the library changed): drawn again here without it, and only that song worded.
      const rest = candidates.filter((c) => c.trackId !== drawn && !queuedNow.has(c.trackId))
      const artists = new Map(rest.map((c) => [c.trackId, c.artist] as const))
      candidates = asCandidates(rest, (trackId) => artists.get(trackId) ?? null)
      choice = chooseAutoPick(
        candidates,
        policy,
        pickHistory.recentAutoPickArtists(spacing),
        this.random,
      )
      worded = choice ? (await taste.word([choice.pick.trackId]))[0] : undefined
    }
  }

  /**
   * The taste worker learns from the events logged since its last request; with auto-picks
   * waiting, the re-rank is the same round trip (TasteCore.rerank: the worker learns, ranks, draws
   * the replacements of the picks it no longer stands behind and words them), and what of it
   * still applies to the queue is logged and saved at once (applyRerank). Announces
   * `modelUpdated` (and `queueChanged` when the queue changed).
   */
  async learn(): Promise<void> {
    const { settings, queue, events, emit, closed, getTrack } = this.options
    if (closed()) return
    let taste: TasteService
    try {
      taste = await this.options.taste()
    } catch (error) {
      if (isNothingToScore(error)) return
      throw error
    }
    const state = queue.load()
    // Waiting as of the player's latest save and play start: a pick it started is not waiting.
    const waiting = state.entries.filter(
      (e, i) => isWaitingAutoPick(e, i, state.current) && !this.started(e),
    )
    if (waiting.length === 0) {
      const status = await taste.update()
      if (!closed()) emit('modelUpdated', { lastEventId: status.lastEventId })
      return
    }
    const learned = events.lastId()
    const current = settings.get()
    const { temperature, topN } = current.exploration
    const spacing = current.autoQueue.artistSpacing
    const waitingIds = new Set(waiting.map((e) => e.trackId))
    const others = state.entries.map((e) => e.trackId).filter((id) => !waitingIds.has(id))
    const onRadio = radioRanking(current.radio)
    // Sent first: what only the engine knows (the picks waiting and the scores they were drawn
    // with, the songs queued, the policy, the radio). The worker reads the artists itself.
    const answer = taste.rerank({
      // Enough for the short-list with the waiting picks set aside and a few songs that spacing
      // may block (it relaxes when it blocks all).
      n: Math.min(200, topN + waiting.length + spacing),
      exclude: [...new Set([...others, ...onRadio.exclude])],
      ...(onRadio.radio ? { radio: onRadio.radio } : {}),
      waiting: waiting.map((e) => ({ trackId: e.trackId, ucb: scoreOf(e.reason) })),
      policy: { temperature, topN, artistSpacing: spacing },
      // One number of the engine's stream of draws: a seeded engine re-ranks reproducibly.
      seed: Math.floor(this.random() * 2 ** 32),
    })
    // While the worker computes: the songs of the waiting picks (the entries of those it keeps).
    const tracks = new Map(waiting.map((e) => [e.trackId, getTrack(e.trackId)]))
    const reranked = await answer
    if (closed()) return
    emit('modelUpdated', { lastEventId: learned })
    this.applyRerank(waiting, reranked, tracks, current)
  }

  /**
   * Logs an auto-pick with its short-list and probability (what offline evaluation needs) and
   * makes its queue entry; `replaces` names the waiting pick a re-rank swapped for it. `settings`:
   * those the pick was drawn with.
   */
  private logAutoPick(
    choice: AutoQueueChoice<AutoPickCandidate>,
    settings: Settings,
    replaces?: { pickId: number | null; trackId: number },
  ): NonNullable<AutoQueuePick['entry']> {
    const { temperature, topN, alpha } = settings.exploration
    const { pick, probability } = choice
    // A wild card when, without the bonus, another song would hold the pick's place of the
    // short-list: the best mean at that rank among the eligible songs is above the pick's own.
    const place = choice.candidates.findIndex((c) => c.trackId === pick.trackId)
    const atPlace = pick.bestMeans[place] ?? pick.meanAtRank
    const radio = radioContext(
      settings.radio.current,
      pick,
      pick.bestTaste[place] ?? pick.tasteAtRank,
    )
    const why = withPickContext(pick.why, {
      wildCard: atPlace > pick.mean + (pick.seed ?? 0),
      probability,
      radio,
    })
    const logged = this.options.events.autoPick(pick.trackId, {
      candidates: choice.candidates,
      probability,
      temperature,
      alpha,
      topN,
      artistSpacing: choice.spacingApplied,
      mean: pick.mean,
      bonus: pick.bonus,
      ucb: pick.ucb,
      ...(replaces ? { replaces } : {}),
    })
    return {
      trackId: pick.trackId,
      source: 'auto',
      pickId: logged.id,
      reason: {
        mean: pick.mean,
        bonus: pick.bonus,
        ucb: pick.ucb,
        probability,
        why,
        reasons: [why.line],
      },
      track: this.options.getTrack(pick.trackId),
    }
  }

  /**
   * Applies a re-rank's answer (see TasteCore.rerank and planReplacements) to the queue as saved
   * now: each replacement drawn is logged as `next`'s picks are, and the picks kept get their
   * scores and reason as the model sees them now (the reason said before the mark is stale).
   * Synchronous from the saved queue's read to its save: the player may have saved, or started a
   * pick, during the round trip, so the queue as saved now decides which replacements apply (one
   * pass), only those are logged, and they are saved and announced with `queueChanged`.
   */
  private applyRerank(
    waiting: readonly QueueEntry[],
    { candidates, plan, words }: RerankAnswer,
    tracks: ReadonlyMap<number, Track | null>,
    settings: Settings,
  ): void {
    const { queue, emit } = this.options
    const worded = new Map(words.map((w) => [w.trackId, w]))
    // A new pick's entry stands in for itself by its song until it is logged.
    const drawn = plan.flatMap(({ index, choice }) => {
      const why = worded.get(choice.pick.trackId)?.why
      if (!why) return []
      const old = waiting[index] as QueueEntry
      const from = { pickId: old.pickId ?? null, trackId: old.trackId }
      const stand: QueuedTrack = { trackId: choice.pick.trackId, source: 'auto', track: null }
      return [
        {
          replacement: { ...from, entry: stand },
          log: () => this.logAutoPick({ ...choice, pick: { ...choice.pick, why } }, settings, from),
        },
      ]
    })
    const replacedAt = new Set(plan.map((p) => p.index))
    const refreshed = waiting.flatMap((entry, i) => {
      const now = replacedAt.has(i) ? undefined : worded.get(entry.trackId)
      const fresh = now
        ? this.refreshedReason(entry, now, candidates, tracks.get(entry.trackId) ?? null, settings)
        : null
      return fresh === null
        ? []
        : [{ pickId: entry.pickId ?? null, trackId: entry.trackId, entry: fresh }]
    })
    const saved = queue.load()
    const { entries, applied, before } = applyReplacements<QueuedTrack>(
      saved.entries.map((e) => ({ ...e, track: null })),
      saved.current,
      [...drawn.map((d) => d.replacement), ...refreshed],
      (e) => this.started(e),
    )
    if (applied.length === 0) return
    // Only what applies is logged: each new pick's stand-in becomes its logged entry, in place. The
    // picks and the queue that holds them are written in one transaction (all or none).
    const made = queue.together(() => {
      const logged = applied.map((replacement) => {
        const log = drawn.find((d) => d.replacement === replacement)?.log
        if (!log) return replacement
        const entry = log()
        entries[entries.indexOf(replacement.entry)] = entry
        return { ...replacement, entry }
      })
      queue.save({ ...saved, entries })
      return logged
    })
    this.queueRevision += 1
    this.replacementLog.push({
      revision: this.queueRevision,
      replaced: made.map((replacement, i) => ({ replacement, before: before[i] as QueueEntry })),
    })
    if (this.replacementLog.length > REPLACEMENT_LOG) this.replacementLog.shift()
    emit('queueChanged', { revision: this.queueRevision, replaced: made })
  }

  /**
   * A kept pick's entry with its scores and reason as the model sees them now (the draw's
   * probability stays: it is how the pick was chosen), or null when its reason line and scores
   * have not changed.
   */
  private refreshedReason(
    entry: QueueEntry,
    worded: WordedSong,
    candidates: readonly RerankCandidate[],
    track: Track | null,
    settings: Settings,
  ): QueuedTrack | null {
    const before = entry.reason
    const place = candidates.findIndex((c) => c.trackId === entry.trackId)
    const ranked = place >= 0 ? candidates[place] : undefined
    const atPlace = ranked?.bestMeans[place]
    // On a radio the score it is ranked by holds its seed term: the ranked list's, not worded's.
    const seed = ranked?.seed
    const ucb = seed === undefined ? worded.ucb : worded.mean + worded.bonus + seed
    const why = withPickContext(worded.why, {
      wildCard: atPlace !== undefined && atPlace > worded.mean + (seed ?? 0),
      probability: before?.probability ?? null,
      radio: radioContext(
        settings.radio.current,
        {
          mean: worded.mean,
          bonus: worded.bonus,
          why: worded.why,
          ...(seed === undefined ? {} : { seed }),
        },
        ranked?.bestTaste[place],
      ),
    })
    const line = before?.why?.line
    if (line === why.line && before?.ucb === ucb && before.mean === worded.mean) return null
    return {
      ...entry,
      reason: {
        mean: worded.mean,
        bonus: worded.bonus,
        ucb,
        // A pick saved without its reason: its chance is unknown, as asAutoPickReason takes it.
        probability: before?.probability ?? 1,
        why,
        reasons: [why.line],
      },
      track,
    }
  }
}

/** A song drawn for the auto-queue, with what its log needs: its reason in words. */
type AutoPickCandidate = ScoredSong & CandidateExtras & { why: PickReason }

/** The score an auto-pick's entry was drawn (or last re-worded) with, when its reason says. */
function scoreOf(reason: AutoPickReason | undefined): number | null {
  const ucb = reason?.ucb
  return ucb !== undefined && Number.isFinite(ucb) ? ucb : null
}

/**
 * Declined replacements as the pick log records them (the new pick's id and why); a replacement
 * by the same song only re-worded a pick and logged nothing to decline.
 */
function declinesOf(
  declined: readonly { replacement: QueueReplacement; reason: DeclineReason }[],
): { pickId: number; reason: DeclineReason }[] {
  return declined.flatMap(({ replacement, reason }) => {
    const pickId = replacement.entry.pickId
    return isNewPick(replacement) && pickId !== undefined ? [{ pickId, reason }] : []
  })
}
