// Keeps the engine's copy of the queue up to date, so the queue, the current entry and the position
// survive a reload and a host restart: queue edits are saved after a short pause, the position every
// few seconds while playing, and everything once more when the page goes away.
import type { Bridge } from '../../lib/bridge'
import type { Player, PlayerSnapshot } from './player'

export interface QueueSaverOptions {
  debounceMs?: number
  positionEveryMs?: number
}

export class QueueSaver {
  private timer: ReturnType<typeof setTimeout> | null = null
  private readonly positionTimer: ReturnType<typeof setInterval>
  private lastSavedPosition = -1
  private lastQueue: PlayerSnapshot['queue'] | null = null
  private lastVolume: number | null = null
  private readonly unsubscribe: () => void

  constructor(
    private readonly player: Player,
    private readonly bridge: Bridge,
    options: QueueSaverOptions = {},
  ) {
    const debounceMs = options.debounceMs ?? 400
    const snapshot = player.getSnapshot()
    this.lastQueue = snapshot.queue
    this.lastVolume = snapshot.volume
    this.unsubscribe = player.on('change', (s) => {
      const queueChanged = s.queue !== this.lastQueue || s.volume !== this.lastVolume
      this.lastQueue = s.queue
      this.lastVolume = s.volume
      if (queueChanged || s.status === 'paused') this.schedule(debounceMs)
    })
    this.positionTimer = setInterval(() => {
      if (player.getSnapshot().status !== 'playing') return
      if (Math.abs(player.getPosition() - this.lastSavedPosition) >= 1) this.flush()
    }, options.positionEveryMs ?? 5000)
  }

  private schedule(ms: number): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = setTimeout(() => this.flush(), ms)
  }

  /** Saves now (also what the page calls as it unloads). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    const saved = this.player.toSaved()
    this.lastSavedPosition = saved.position
    this.bridge.api.saveQueue(saved).catch(() => undefined)
  }

  dispose(): void {
    this.unsubscribe()
    clearInterval(this.positionTimer)
    if (this.timer !== null) clearTimeout(this.timer)
  }
}
