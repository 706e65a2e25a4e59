import { useSyncExternalStore } from 'react'
import type { Player, PlayerSnapshot } from './player'

/** Everything but the position: re-renders on state changes only. */
export function usePlayerSnapshot(player: Player): PlayerSnapshot {
  return useSyncExternalStore(player.subscribe, player.getSnapshot)
}

/** The position in seconds, a few times a second while playing: read it only where it is shown. */
export function usePosition(player: Player): number {
  return useSyncExternalStore(player.subscribePosition, player.getPosition)
}
