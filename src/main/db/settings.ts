import type { Database } from './database'
import { Statements } from './statements'
import {
  DEFAULT_SETTINGS,
  settingsSchema,
  type Settings,
  type SettingsSection,
} from '../../shared/settings'

/**
 * Settings as JSON rows (one per section) over the defaults. A stored section that no longer
 * validates (an older or hand-edited value) falls back to its defaults rather than failing.
 */
export class SettingsStore {
  private readonly statements: Statements

  constructor(db: Database) {
    this.statements = new Statements(db)
  }

  get(): Settings {
    const rows = this.statements
      .get<[], { key: string; value: string }>(
        `SELECT key, value FROM settings WHERE key LIKE 'settings.%'`,
      )
      .all()
    const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS }
    for (const row of rows) {
      const section = row.key.slice('settings.'.length) as SettingsSection
      if (!(section in DEFAULT_SETTINGS)) continue
      const candidate = { ...DEFAULT_SETTINGS[section], ...(JSON.parse(row.value) as object) }
      const parsed = settingsSchema.shape[section].safeParse(candidate)
      if (parsed.success) merged[section] = parsed.data
    }
    return merged as Settings
  }

  /** Validates and stores one section (partially given; the rest keeps its current value). */
  update<K extends SettingsSection>(section: K, patch: Partial<Settings[K]>): Settings {
    const current = this.get()
    const next = settingsSchema.shape[section].parse({ ...current[section], ...patch })
    this.statements
      .get<[string, string]>(
        `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      )
      .run(`settings.${section}`, JSON.stringify(next))
    return { ...current, [section]: next }
  }
}
