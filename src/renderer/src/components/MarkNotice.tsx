// The short notice after a mark changed: what happened, with Undo. It goes away by itself.
import { useEffect } from 'react'

export interface Notice {
  /** A new id restarts the timer (a second mark replaces the first notice). */
  id: number
  message: string
  /** Takes the change back; a notice that only informs has none. */
  undo?: () => void
}

/** How long a notice stays (ms). */
export const NOTICE_MS = 8000

export function MarkNotice({ notice, onClose }: { notice: Notice; onClose: () => void }) {
  useEffect(() => {
    const timer = setTimeout(onClose, NOTICE_MS)
    return () => clearTimeout(timer)
  }, [notice.id, onClose])
  return (
    <div className="banner info mark-notice" role="status" data-testid="mark-notice">
      <span>{notice.message}</span>
      {notice.undo ? (
        <button
          onClick={() => {
            notice.undo?.()
            onClose()
          }}
        >
          Undo
        </button>
      ) : null}
      <button aria-label="Dismiss notice" onClick={onClose}>
        Dismiss
      </button>
    </div>
  )
}
