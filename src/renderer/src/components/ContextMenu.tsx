import { useEffect, useRef } from 'react'

export interface MenuItem {
  label: string
  onSelect: () => void
  pressed?: boolean
  separatorBefore?: boolean
}

export interface ContextMenuProps {
  x: number
  y: number
  title?: string
  items: MenuItem[]
  onClose: () => void
}

/** A small menu at the pointer; Escape, a click elsewhere or a choice closes it. */
export function ContextMenu({ x, y, title, items, onClose }: ContextMenuProps) {
  const menu = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const close = (event: Event) => {
      if (event instanceof KeyboardEvent && event.key !== 'Escape') return
      if (event.type === 'mousedown' && menu.current?.contains(event.target as Node)) return
      onClose()
    }
    document.addEventListener('mousedown', close)
    document.addEventListener('keydown', close)
    window.addEventListener('blur', close)
    menu.current?.querySelector('button')?.focus()
    return () => {
      document.removeEventListener('mousedown', close)
      document.removeEventListener('keydown', close)
      window.removeEventListener('blur', close)
    }
  }, [onClose])
  const left = Math.min(x, (window.innerWidth || 1024) - 220)
  const top = Math.min(y, (window.innerHeight || 768) - items.length * 34 - 40)
  return (
    <div
      className="context-menu"
      role="menu"
      aria-label={title ?? 'Actions'}
      ref={menu}
      style={{ left, top }}
    >
      {title ? <div className="menu-title">{title}</div> : null}
      {items.map((item) => (
        <button
          key={item.label}
          role="menuitemcheckbox"
          aria-checked={item.pressed ?? false}
          className={item.separatorBefore ? 'separated' : undefined}
          onClick={() => {
            item.onSelect()
            onClose()
          }}
        >
          {item.label}
          {item.pressed ? <span className="check"> ✓</span> : null}
        </button>
      ))}
    </div>
  )
}
