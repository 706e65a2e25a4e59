// End to end in Chromium: Settings in two levels. Basic holds the everyday choices (library
// folders, auto-queue, exploration in words with its value, "not for me" skips, the Rediscover
// delay, theme, ReplayGain) and none of the model's numbers; Advanced holds those (rewards,
// temperature, PCA, λ, forgetting, reset). What is changed on either level reaches the engine.
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Settings } from '../../src/shared/settings'
import { REPO } from './build'
import { callApi, useLibraryPage, until } from './host'

const LIBRARY = resolve(REPO, '../shared/fixtures/music/wesnoth')

const session = useLibraryPage(LIBRARY, {
  setUp: ({ page }) =>
    page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: 'Settings' })
      .click(),
})

const settings = () => callApi<Settings>(session.host, 'getSettings')

/** The model's words and symbols, which Basic never shows. */
const MODEL_WORDS = /temperature|PCA|λ|α|θ|reward|forgetting/i

describe('Settings in two levels, end to end', () => {
  it('opens on Basic with the everyday choices, in words, and none of the model’s numbers', async () => {
    const basic = session.page.getByRole('tabpanel', { name: 'Basic' })
    await basic.getByLabel('Auto-queue on').waitFor()
    for (const name of [
      'Folder to add',
      'Auto-queue on',
      'Skip songs marked not for me',
      'Exploration',
      'Rediscover after (days)',
      'Theme',
      'ReplayGain',
      'Crossfade',
    ])
      expect(await basic.getByLabel(name, { exact: true }).count(), name).toBeGreaterThan(0)
    expect(await basic.innerText()).not.toMatch(MODEL_WORDS)
    expect(await session.page.getByRole('spinbutton', { name: 'Temperature' }).count()).toBe(0)
    // The exploration slider speaks in words, to the eye and to a screen reader.
    const slider = basic.getByRole('slider', { name: 'Exploration' })
    expect(await slider.getAttribute('aria-valuetext')).toBe('A balance')
    expect(await basic.getByTestId('exploration-words').innerText()).toBe('A balance')
  })

  it('saves what Basic changes in the engine, and applies the theme', async () => {
    const basic = session.page.getByRole('tabpanel', { name: 'Basic' })
    const slider = basic.getByRole('slider', { name: 'Exploration' })
    await slider.focus()
    await session.page.keyboard.press('Home')
    expect(await slider.getAttribute('aria-valuetext')).toBe('Safe bets')
    await until(settings, (s) => Math.abs(s.exploration.alpha - 0.1) < 1e-6, 'α at its lowest')
    const days = basic.getByRole('spinbutton', { name: 'Rediscover after (days)' })
    await days.fill('12')
    await days.blur()
    await until(settings, (s) => s.exploration.rediscoverAfterDays === 12, 'the Rediscover delay')
    await basic.getByRole('combobox', { name: 'ReplayGain' }).selectOption('album')
    await until(settings, (s) => s.playback.replayGain === 'album', 'the ReplayGain mode')
    const background = () =>
      session.page.evaluate<string>('getComputedStyle(document.body).backgroundColor')
    await session.page.emulateMedia({ colorScheme: 'dark' })
    expect(await background()).toBe('rgb(15, 17, 21)')
    await basic.getByRole('combobox', { name: 'Theme' }).selectOption('light')
    expect(await background()).toBe('rgb(246, 247, 249)')
    // Kept in this browser over a reload, whatever the system says.
    await session.page.reload()
    await session.page.waitForSelector('[data-testid="track-row"]')
    expect(await background()).toBe('rgb(246, 247, 249)')
    await session.page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: 'Settings' })
      .click()
    await session.page.getByRole('combobox', { name: 'Theme' }).selectOption('system')
    expect(await background()).toBe('rgb(15, 17, 21)')
  })

  it('keeps the model’s numbers under Advanced, and saves them too', async () => {
    await session.page.getByRole('tab', { name: 'Advanced' }).click()
    const advanced = session.page.getByRole('tabpanel', { name: 'Advanced' })
    // The tab renders after the click's state update: wait for it before counting its controls
    // (count() does not wait, and read too early it found none in one CI run).
    await advanced.getByRole('spinbutton', { name: 'Temperature' }).waitFor()
    for (const name of ['Temperature', 'PCA dimensions', 'Caution (λ)', 'Like reward'])
      expect(await advanced.getByRole('spinbutton', { name }).count(), name).toBe(1)
    expect(await advanced.getByRole('button', { name: 'Reset model' }).count()).toBe(1)
    expect(await advanced.innerText()).toMatch(/forget/i)
    expect(await session.page.getByRole('tabpanel', { name: 'Basic' }).count()).toBe(0)
    const temperature = advanced.getByRole('spinbutton', { name: 'Temperature' })
    await temperature.fill('0.5')
    await temperature.blur()
    await until(settings, (s) => s.exploration.temperature === 0.5, 'the temperature')
    const like = advanced.getByRole('spinbutton', { name: 'Like reward' })
    await like.fill('0.7')
    await like.blur()
    await until(settings, (s) => s.rewards.marks.like.reward === 0.7, 'the Like reward')
  })
})
