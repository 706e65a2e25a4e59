// Why a song was suggested: the reason line in a listener's words, and the numbers behind it one
// click away under "details" (the queue, Discover and Rediscover show the same).
import type { AutoPickReason, PickReason, ReasonDetails } from '../../../shared/reasons'

const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`

const FEELING_LABEL: Record<ReasonDetails['songs'][number]['feeling'], string> = {
  loved: 'loved',
  liked: 'liked',
  'almost liked': 'near miss',
  'turned down': 'not for me',
  played: 'played through',
  skipped: 'skipped',
}

export interface ReasonWhyProps {
  /** The structured reason; null for a reason saved before there was one. */
  why: PickReason | null
  /** Shown when there is no structured reason (older saved reasons). */
  fallback?: string
  /** Said after the line, e.g. Rediscover's cause. */
  after?: string
  /** Scores to show under details when there is no structured reason. */
  scores?: { mean: number; bonus: number; probability?: number | null }
  testId?: string
  /** Clamp the line to two lines (the queue); the tooltip has it whole. */
  clamp?: boolean
}

const CLAMP = {
  display: '-webkit-box',
  WebkitLineClamp: 2,
  WebkitBoxOrient: 'vertical',
  overflow: 'hidden',
} as const

export function ReasonWhy({ why, fallback, after, scores, testId, clamp }: ReasonWhyProps) {
  const line = why?.line ?? fallback ?? ''
  const text = after ? (line ? `${line} ${after}` : after) : line
  const details = why?.details
  const mean = details?.mean ?? scores?.mean
  const bonus = details?.bonus ?? scores?.bonus
  const probability = details ? details.probability : (scores?.probability ?? null)
  return (
    <div className="reason-why">
      <div data-testid={testId} title={text} style={clamp ? CLAMP : undefined}>
        {text}
      </div>
      {mean !== undefined && bonus !== undefined ? (
        <details className="reason-details" data-testid={testId ? `${testId}-details` : undefined}>
          <summary>details</summary>
          <div>
            Score {signed(mean)}, exploration {signed(bonus)}
            {probability !== null ? `, chance ${Math.round(probability * 100)}%` : ''}
            {details ? `, baseline ${signed(details.baseline)}` : ''}
          </div>
          {details && details.songs.length > 0 ? (
            <ul aria-label="Songs behind it">
              {details.songs.map((song) => (
                <li key={song.trackId}>
                  {song.title} ({FEELING_LABEL[song.feeling]}) {signed(song.contribution)}
                </li>
              ))}
            </ul>
          ) : null}
          {details && details.features.length > 0 ? (
            <ul aria-label="Features behind it">
              {details.features.map((feature) => (
                <li key={feature.name}>
                  {feature.words} {signed(feature.contribution)}
                </li>
              ))}
            </ul>
          ) : null}
        </details>
      ) : null}
    </div>
  )
}

/** An auto-pick's badge and its reason (the queue and the now-playing view). */
export function PickedForYou({
  reason,
  testId,
  clamp,
}: {
  reason: AutoPickReason | null
  testId: string
  clamp?: boolean
}) {
  return (
    <>
      <span className="auto-badge">Picked for you</span>
      {reason ? (
        <ReasonWhy
          why={reason.why ?? null}
          fallback={reason.reasons.join(' ')}
          scores={reason}
          testId={testId}
          clamp={clamp}
        />
      ) : null}
    </>
  )
}
