// A row of tabs over panels (WAI-ARIA tabs pattern): the chosen tab is the only one in the Tab
// order, and ←/→ move between tabs. The panels are the caller's, with ids `${idPrefix}-${id}`.
import type { ReactNode } from 'react'

export interface TabsProps<Id extends string> {
  /** The tab list's accessible name ("Settings level"). */
  label: string
  idPrefix: string
  tabs: readonly { id: Id; label: string }[]
  value: Id
  onChange: (id: Id) => void
}

export function Tabs<Id extends string>({ label, idPrefix, tabs, value, onChange }: TabsProps<Id>) {
  const move = (from: number, step: number) => {
    const next = tabs[(from + step + tabs.length) % tabs.length]
    if (!next) return
    onChange(next.id)
    document.getElementById(`${idPrefix}-tab-${next.id}`)?.focus()
  }
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((tab, index) => (
        <button
          key={tab.id}
          type="button"
          role="tab"
          id={`${idPrefix}-tab-${tab.id}`}
          aria-controls={`${idPrefix}-${tab.id}`}
          aria-selected={value === tab.id}
          tabIndex={value === tab.id ? 0 : -1}
          className={`tab${value === tab.id ? ' active' : ''}`}
          onClick={() => onChange(tab.id)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowRight') move(index, 1)
            else if (e.key === 'ArrowLeft') move(index, -1)
          }}
        >
          {tab.label}
        </button>
      ))}
    </div>
  )
}

export interface TabPanelProps {
  idPrefix: string
  id: string
  shown: boolean
  children: ReactNode
}

/** The panel of one tab; hidden (but kept mounted) while another tab is chosen. */
export function TabPanel({ idPrefix, id, shown, children }: TabPanelProps) {
  return (
    <div
      id={`${idPrefix}-${id}`}
      role="tabpanel"
      aria-labelledby={`${idPrefix}-tab-${id}`}
      hidden={!shown}
    >
      {children}
    </div>
  )
}
