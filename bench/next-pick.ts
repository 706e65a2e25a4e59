// One reward's round trip as the engine makes it after a reward (AutoPicker.next): the taste
// worker's `pick` (it applies the new events, ranks the short-list of the default settings, draws
// one song and words it). The baseline of bench/taste-worker.ts's stall table, bench/live-queue.ts
// and bench/engine-calls.ts.
import type { TasteService } from '../src/main/taste/service'
import { DEFAULT_SETTINGS } from '../src/shared/settings'

const { topN, temperature } = DEFAULT_SETTINGS.exploration
const { artistSpacing } = DEFAULT_SETTINGS.autoQueue

/** The short-list the engine ranks for a pick with the default settings. */
export const NEXT_PICK_N = Math.min(200, topN * (1 + artistSpacing))

/** The next pick as the engine asks the worker for it, with the default policy. */
export function nextPick(service: TasteService, draw: number): Promise<unknown> {
  return service.pick({ n: NEXT_PICK_N, policy: { temperature, topN, artistSpacing }, draw })
}
