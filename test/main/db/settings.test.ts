import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { SettingsStore } from '../../../src/main/db/settings'
import {
  alphaFromSlider,
  DEFAULT_SETTINGS,
  explorationWords,
  sliderFromAlpha,
} from '../../../src/shared/settings'
import { tempDir } from '../../helpers/temp'

let db: Database
let cleanup: () => void
beforeEach(() => {
  const t = tempDir()
  cleanup = t.cleanup
  db = openDatabase(join(t.dir, 'library.db'))
})
afterEach(() => {
  db.close()
  cleanup()
})

describe('settings', () => {
  it('start at the defaults of DESIGN.md', () => {
    const s = new SettingsStore(db).get()
    expect(s).toEqual(DEFAULT_SETTINGS)
    expect(s.model).toMatchObject({ lambda: 1, pcaDims: 64 })
    expect(s.exploration).toMatchObject({ alpha: 0.5, temperature: 0.1, topN: 10 })
    expect(s.autoQueue).toMatchObject({ replayWindowDays: 3, artistSpacing: 2 })
  })

  it('stores a partial update of one section and keeps the rest', () => {
    const store = new SettingsStore(db)
    store.update('exploration', { alpha: 2.5 })
    expect(store.get().exploration).toEqual({
      alpha: 2.5,
      temperature: 0.1,
      topN: 10,
      rediscoverAfterDays: 30,
    })
  })

  it('refuses invalid values and leaves the stored ones as they were', () => {
    const store = new SettingsStore(db)
    expect(() => store.update('model', { pcaDims: 1000 })).toThrow()
    expect(store.get().model.pcaDims).toBe(64)
  })

  it('falls back to defaults for a stored section that no longer validates', () => {
    db.prepare(
      `INSERT INTO settings (key, value) VALUES ('settings.exploration', '{"alpha": -4}')`,
    ).run()
    expect(new SettingsStore(db).get().exploration).toEqual(DEFAULT_SETTINGS.exploration)
  })

  it('maps the exploration slider from safe bets (0.1) to surprise me (3)', () => {
    expect(alphaFromSlider(0)).toBeCloseTo(0.1, 10)
    expect(alphaFromSlider(1)).toBeCloseTo(3, 10)
    expect(sliderFromAlpha(alphaFromSlider(0.37))).toBeCloseTo(0.37, 10)
  })
})

describe('settings of the Basic level', () => {
  it('fills the Rediscover delay, ReplayGain and crossfade in sections stored before they existed', () => {
    db.prepare(
      `INSERT INTO settings (key, value) VALUES ('settings.exploration', '{"alpha": 2}'),
         ('settings.playback', '{"skipOnNotForMe": false}')`,
    ).run()
    const settings = new SettingsStore(db).get()
    expect(settings.exploration.rediscoverAfterDays).toBe(30)
    expect(settings.exploration.alpha).toBe(2)
    expect(settings.playback).toEqual({
      skipOnNotForMe: false,
      replayGain: 'track',
      crossfadeSeconds: 0,
    })
  })
})

describe('exploration in words', () => {
  it('reads from "Safe bets" to "Surprise me", the default α in the middle', () => {
    expect(explorationWords(0)).toBe('Safe bets')
    expect(explorationWords(sliderFromAlpha(DEFAULT_SETTINGS.exploration.alpha))).toBe('A balance')
    expect(explorationWords(1)).toBe('Surprise me')
  })
})
