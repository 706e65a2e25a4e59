import { useEffect, type ReactNode } from 'react'

export interface DialogProps {
  /** The heading, which names the dialog for screen readers. */
  title: string
  /** The heading's id (unique on the page). */
  titleId: string
  className?: string
  /** Keys that close it besides Escape (the shortcut list closes on `?` too). */
  closeKeys?: readonly string[]
  onClose: () => void
  children: ReactNode
}

/**
 * A modal dialog over a dimmed window: Escape (taken before the shortcuts see it) or a click
 * outside closes it.
 */
export function Dialog({
  title,
  titleId,
  className,
  closeKeys = [],
  onClose,
  children,
}: DialogProps) {
  useEffect(() => {
    const close = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' && !closeKeys.includes(event.key)) return
      event.preventDefault()
      event.stopPropagation()
      onClose()
    }
    window.addEventListener('keydown', close, true)
    return () => window.removeEventListener('keydown', close, true)
  }, [onClose, closeKeys])
  return (
    <div className="overlay" onClick={onClose}>
      <div
        className={`dialog${className ? ` ${className}` : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>
  )
}
