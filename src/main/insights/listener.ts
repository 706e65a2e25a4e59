// The Insights view's tab for listeners (issue 12, item 7): the share of auto-picks kept over
// time, the songs the listener will probably love, and the taste as example songs. Composed from
// the event log and the taste worker; the engine passes its parts in.
import type { ListenerInsights } from '../../shared/contract'
import type { Track } from '../../shared/domain'
import type { TasteInsights } from '../../shared/insights'
import type { RewardSettings } from '../../shared/rewards'
import type { EventLog } from '../db/events'
import type { RecommendRequest } from '../taste/core'
import type { Recommendation } from '../taste/model'
import { pickOutcomes, picksKept } from './picks-kept'

/** How many songs "probably love" lists. */
export const PROBABLY_LOVE = 8
/** A song finished (played through or skipped) more often than this is not "rarely played". */
export const RARELY_PLAYED = 2
/** Far more than any log holds: read every event of the kinds asked for. */
const WHOLE_LOG = 1_000_000_000

export interface ListenerInsightSources {
  events: EventLog
  getTrack: (trackId: number) => Track | null
  rewards: RewardSettings
  /** The taste model's insights, null while no song is analysed (Engine.insights). */
  insights: () => Promise<TasteInsights | null>
  recommend: (request: RecommendRequest) => Promise<Recommendation[]>
  now?: number
}

export async function listenerInsights(sources: ListenerInsightSources): Promise<ListenerInsights> {
  const { events } = sources
  const now = sources.now ?? Date.now()
  const listens = events.listenOutcomes()
  const logged = events.list({ kinds: ['auto_pick', 'mark'], limit: WHOLE_LOG })
  // A replacement the player declined never reached the queue: it is no pick to keep or drop.
  const declined = events.declinedPickIds()
  const picks = logged.flatMap((e) =>
    e.kind === 'auto_pick' && e.trackId !== null && !declined.has(e.id)
      ? [{ id: e.id, ts: e.ts, trackId: e.trackId }]
      : [],
  )
  const marks = logged.flatMap((e) =>
    e.kind === 'mark' && e.trackId !== null && e.mark !== null
      ? [{ id: e.id, trackId: e.trackId, mark: e.mark }]
      : [],
  )
  const kept = picksKept(pickOutcomes(picks, marks, listens, sources.rewards), now)

  const insights = await sources.insights()
  const learned = (insights?.rows ?? 0) > 0
  if (!insights || !learned) {
    return {
      picksKept: kept,
      probablyLove: [],
      likeSongsLike: [],
      analysed: insights !== null,
      learned,
    }
  }
  const plays = new Map<number, number>()
  for (const listen of listens) plays.set(listen.trackId, (plays.get(listen.trackId) ?? 0) + 1)
  const exclude = [
    ...events.currentLabels().keys(),
    ...[...plays].filter(([, count]) => count > RARELY_PLAYED).map(([trackId]) => trackId),
  ]
  // By predicted score alone (α = 0): what the model expects the listener to enjoy, not what it
  // would like to find out about.
  const best = await sources.recommend({ n: PROBABLY_LOVE, exclude, alpha: 0, now })
  return {
    picksKept: kept,
    probablyLove: best.map(({ trackId, ...rest }) => ({
      ...rest,
      track: sources.getTrack(trackId),
    })),
    likeSongsLike: insights.examples.flatMap((example) => {
      const track = sources.getTrack(example.trackId)
      return track ? [{ track, mark: example.mark }] : []
    }),
    analysed: true,
    learned,
  }
}
