import type { Mark } from '../../../shared/domain'
import { MARK_INFO } from '../lib/marks'

export interface MarkButtonsProps {
  current: Mark | null
  onMark: (mark: Mark) => void
  /** Icons only (rows); otherwise icons with labels (the now-playing bar). */
  compact?: boolean
  /** What the marks apply to, for accessible names ("Like Northerners"). */
  subject?: string
  disabled?: boolean
}

/** The four marks as toggle buttons; the pressed one is the track's current mark. */
export function MarkButtons({
  current,
  onMark,
  compact = false,
  subject,
  disabled = false,
}: MarkButtonsProps) {
  return (
    <div className={`marks${compact ? ' compact' : ''}`} role="group" aria-label="Marks">
      {MARK_INFO.map((info) => (
        <button
          key={info.mark}
          type="button"
          className={`mark mark-${info.mark}`}
          aria-pressed={current === info.mark}
          aria-label={subject ? `${info.label} ${subject}` : info.label}
          title={`${info.label} (${info.key})`}
          disabled={disabled}
          onClick={(event) => {
            event.stopPropagation()
            onMark(info.mark)
          }}
        >
          <span aria-hidden="true">{info.icon}</span>
          {compact ? null : <span className="mark-label">{info.label}</span>}
        </button>
      ))}
    </div>
  )
}
