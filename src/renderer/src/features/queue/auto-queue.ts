// The auto-queue in the renderer: while it is on, the player always has at least `minUpcoming`
// songs ahead; when fewer are left, the engine's next pick (with why) is appended. Settings live in
// the engine (autoQueue section); this follows them through `settingsChanged` events.
import { useEffect, useState, useSyncExternalStore } from 'react'
import type { Settings } from '../../../../shared/settings'
import { upcomingCount } from '../../../../shared/queue'
import type { Bridge } from '../../lib/bridge'
import { errorText } from '../../lib/format'
import type { Player } from '../player/player'

export interface AutoQueueState {
  /** null until the settings are read. */
  enabled: boolean | null
  minUpcoming: number
  /** Why no song could be added, in plain words; null when all is well. */
  message: string | null
  /** A request to the engine is on its way. */
  picking: boolean
}

export class AutoQueueFiller {
  private state: AutoQueueState = { enabled: null, minUpcoming: 2, message: null, picking: false }
  private readonly listeners = new Set<() => void>()
  /** Set after an answer without a song: wait for the library, labels or settings to change. */
  private blocked = false
  private disposed = true
  /** Bumped by every start and stop: answers to an earlier life are dropped. */
  private generation = 0
  private readonly offs: (() => void)[] = []
  /** The queue ran out while on: the next pick plays as soon as it arrives. */
  private continueAtEnd = false
  private wasAtEnd = false

  constructor(
    private readonly player: Player,
    private readonly bridge: Bridge,
  ) {}

  /** Follows the player, the engine's events and its settings; returns the stop function. */
  start(): () => void {
    this.disposed = false
    this.generation++
    this.offs.push(this.player.subscribe(() => this.followPlayer()))
    this.offs.push(
      this.bridge.onEvent((event) => {
        switch (event.name) {
          case 'settingsChanged':
            this.configure(event.payload.autoQueue)
            break
          case 'analysisFinished':
          case 'analysisProgress':
          case 'libraryChanged':
          case 'labelsChanged':
            this.retry()
            break
          default:
            break
        }
      }),
    )
    this.bridge.api
      .getSettings()
      .then((settings) => this.configure(settings.autoQueue))
      .catch((e: unknown) =>
        this.set({ message: `The auto-queue settings could not be read: ${errorText(e)}` }),
      )
    return () => this.dispose()
  }

  getState = (): AutoQueueState => this.state

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Turns the auto-queue on or off at once, and saves it in the engine's settings. */
  async setEnabled(enabled: boolean): Promise<void> {
    const previous = this.state.enabled
    this.blocked = false
    this.set({ enabled, ...(enabled ? {} : { message: null }) })
    this.check()
    try {
      const settings = await this.bridge.api.updateSettings({
        section: 'autoQueue',
        patch: { enabled },
      })
      this.configure(settings.autoQueue)
    } catch (e) {
      this.set({
        enabled: previous,
        message: `The auto-queue could not be switched: ${errorText(e)}`,
      })
    }
  }

  configure(autoQueue: Pick<Settings['autoQueue'], 'enabled' | 'minUpcoming'>): void {
    if (this.disposed) return
    const changed =
      autoQueue.enabled !== this.state.enabled || autoQueue.minUpcoming !== this.state.minUpcoming
    if (!changed) return
    this.blocked = false
    this.set({
      enabled: autoQueue.enabled,
      minUpcoming: autoQueue.minUpcoming,
      ...(autoQueue.enabled ? {} : { message: null }),
    })
    this.check()
  }

  /** Tries again after an empty answer (more songs analysed, a label changed…). */
  retry(): void {
    if (!this.blocked) return
    this.blocked = false
    this.check()
  }

  private followPlayer(): void {
    const { atEnd } = this.player.getSnapshot()
    if (atEnd && !this.wasAtEnd && this.state.enabled) this.continueAtEnd = true
    if (!atEnd) this.continueAtEnd = false
    this.wasAtEnd = atEnd
    this.check()
  }

  /** Asks for one more song when fewer than `minUpcoming` are ahead; its arrival checks again. */
  check(): void {
    const { enabled, minUpcoming, picking } = this.state
    if (this.disposed || !enabled || picking || this.blocked) return
    const queue = this.player.getSnapshot().queue
    if (upcomingCount(queue) >= minUpcoming) return
    // Queued songs, and the ones played last (the queue keeps only a few of them).
    const exclude = [
      ...new Set([
        ...queue.items.map((item) => item.entry.trackId),
        ...this.player.recentlyPlayed(),
      ]),
    ]
    this.set({ picking: true })
    const generation = this.generation
    this.bridge.api
      .autoQueueNext({ exclude })
      .then(({ entry, message, code }) => {
        if (generation !== this.generation) return
        if (!this.state.enabled) {
          this.set({ picking: false })
          return
        }
        if (entry) {
          this.set({ picking: false, message: null })
          // The engine's re-rank may have queued the same song meanwhile: then ask again.
          const queued = this.player.getSnapshot().queue.items
          if (queued.some((item) => item.entry.trackId === entry.trackId)) this.check()
          else {
            this.player.addEntries([entry])
            // Next at the end of the queue (or its last song ending) keeps the music going.
            if (this.continueAtEnd && this.player.getSnapshot().atEnd) {
              this.continueAtEnd = false
              this.player.play()
            }
          }
        } else {
          this.blocked = true
          // With a code ('not-analysed'), the words say which button helps.
          this.set({
            picking: false,
            message: code && message ? errorText({ code, message }) : message,
          })
        }
      })
      .catch((e: unknown) => {
        if (generation !== this.generation) return
        this.blocked = true
        this.set({
          picking: false,
          message: `The auto-queue could not pick a song: ${errorText(e)}`,
        })
      })
  }

  dispose(): void {
    this.disposed = true
    this.generation++
    for (const off of this.offs.splice(0)) off()
    if (this.state.picking) this.set({ picking: false })
  }

  private set(patch: Partial<AutoQueueState>): void {
    this.state = { ...this.state, ...patch }
    for (const listener of this.listeners) listener()
  }
}

/** One filler per player and bridge, following them while the component is mounted. */
export function useAutoQueue(player: Player, bridge: Bridge): AutoQueueFiller {
  const [filler] = useState(() => new AutoQueueFiller(player, bridge))
  useEffect(() => filler.start(), [filler])
  return filler
}

const OFF_STATE: AutoQueueState = { enabled: null, minUpcoming: 2, message: null, picking: false }
const noSubscription = () => () => undefined

export function useAutoQueueState(filler: AutoQueueFiller | null): AutoQueueState {
  return useSyncExternalStore(
    filler ? filler.subscribe : noSubscription,
    filler ? filler.getState : () => OFF_STATE,
  )
}
