// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { SettingsView } from '../../src/renderer/src/features/settings/SettingsView'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { FakeBridge } from './fake-bridge'

afterEach(() => {
  cleanup()
  localStorage.clear()
})

function renderSettings(bridge = new FakeBridge()) {
  const errors: string[] = []
  render(
    <SettingsView bridge={bridge} status={null} scanning={false} onError={(m) => errors.push(m)} />,
  )
  // These settings are under Advanced.
  fireEvent.click(screen.getByRole('tab', { name: 'Advanced' }))
  return { bridge, errors }
}

describe('settings: rewards', () => {
  it('shows the default rewards and saves an edited one, which the model then rebuilds from', async () => {
    const { bridge, errors } = renderSettings()
    const like = await screen.findByRole<HTMLInputElement>('spinbutton', { name: 'Like reward' })
    expect(Number(like.value)).toBe(1)
    expect(
      Number(screen.getByRole<HTMLInputElement>('spinbutton', { name: 'Not for me weight' }).value),
    ).toBe(2)
    fireEvent.change(like, { target: { value: '0.8' } })
    fireEvent.blur(like)
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toHaveLength(1))
    expect(bridge.callsOf('updateSettings')[0]).toEqual({
      section: 'rewards',
      patch: { marks: { ...DEFAULT_SETTINGS.rewards.marks, like: { reward: 0.8, weight: 1 } } },
    })
    expect(bridge.settings.rewards.marks.like.reward).toBe(0.8)
    expect(errors).toEqual([])
  })

  it('ignores a value out of range instead of saving it', async () => {
    const { bridge } = renderSettings()
    const weight = await screen.findByRole('spinbutton', { name: 'Skipped before 30 % weight' })
    fireEvent.change(weight, { target: { value: '-3' } })
    fireEvent.blur(weight)
    await new Promise((r) => setTimeout(r, 50))
    expect(bridge.callsOf('updateSettings')).toEqual([])
  })

  it('restores the default rewards in one click', async () => {
    const bridge = new FakeBridge()
    bridge.settings = {
      ...DEFAULT_SETTINGS,
      rewards: {
        ...DEFAULT_SETTINGS.rewards,
        played: { ...DEFAULT_SETTINGS.rewards.played, reward: 0.9 },
      },
    }
    renderSettings(bridge)
    fireEvent.click(await screen.findByRole('button', { name: 'Restore the default rewards' }))
    await waitFor(() => expect(bridge.settings.rewards).toEqual(DEFAULT_SETTINGS.rewards))
    const played = screen.getByRole<HTMLInputElement>('spinbutton', {
      name: 'Played to the end (or past 80 %) reward',
    })
    await waitFor(() => expect(Number(played.value)).toBe(0.3))
  })
})

describe('settings: import labels', () => {
  it('imports a playlist as the chosen label and says what matched', async () => {
    const { bridge } = renderSettings()
    fireEvent.change(await screen.findByRole('textbox', { name: 'Playlist or CSV file' }), {
      target: { value: '/music/liked.m3u8' },
    })
    fireEvent.change(screen.getByRole('combobox', { name: 'Label' }), { target: { value: 'love' } })
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Other tracks of these albums are not for me' }),
    )
    fireEvent.click(screen.getByRole('button', { name: 'Import' }))
    await screen.findByText(/Labelled 3 tracks/)
    expect(bridge.callsOf('importLabels')).toEqual([
      { path: '/music/liked.m3u8', as: 'love', othersNot: true },
    ])
    expect(screen.getByRole('status').textContent).toMatch(/1 entry names no track/)
  })
})

describe('settings: two levels', () => {
  function renderBasic(bridge = new FakeBridge()) {
    render(<SettingsView bridge={bridge} status={null} scanning={false} onError={() => {}} />)
    return bridge
  }

  it('opens on Basic, with the everyday choices only; the model’s numbers are under Advanced', async () => {
    renderBasic()
    const basic = await screen.findByRole('tabpanel', { name: 'Basic' })
    // The cards come with the settings, a moment after the panel.
    await within(basic).findAllByLabelText('Auto-queue on')
    for (const name of [
      'Auto-queue on',
      'Skip songs marked not for me',
      'Folder to add',
      'Exploration',
      'Rediscover after (days)',
      'Theme',
      'ReplayGain',
    ])
      expect(within(basic).getAllByLabelText(name).length).toBeGreaterThan(0)
    expect(screen.queryByRole('spinbutton', { name: 'Temperature' })).toBeNull()
    expect(screen.queryByRole('spinbutton', { name: 'PCA dimensions' })).toBeNull()
    fireEvent.click(screen.getByRole('tab', { name: 'Advanced' }))
    const advanced = screen.getByRole('tabpanel', { name: 'Advanced' })
    for (const name of ['Temperature', 'PCA dimensions', 'Caution (λ)', 'Like reward'])
      expect(within(advanced).getByRole('spinbutton', { name })).toBeTruthy()
    expect(within(advanced).getByRole('button', { name: 'Reset model' })).toBeTruthy()
  })

  it('names the exploration in words, with no symbols, and saves α', async () => {
    const bridge = renderBasic()
    const slider = await screen.findByRole('slider', { name: 'Exploration' })
    expect(slider.getAttribute('aria-valuetext')).toBe('A balance')
    expect(screen.getByTestId('exploration-words').textContent).toBe('A balance')
    fireEvent.change(slider, { target: { value: '0' } })
    expect(slider.getAttribute('aria-valuetext')).toBe('Safe bets')
    await waitFor(() => expect(bridge.settings.exploration.alpha).toBeCloseTo(0.1))
    fireEvent.change(slider, { target: { value: '1' } })
    expect(screen.getByTestId('exploration-words').textContent).toBe('Surprise me')
  })

  it('saves the Rediscover delay on leaving the field, and refuses a bad one in words', async () => {
    const bridge = renderBasic()
    const days = await screen.findByRole('spinbutton', { name: 'Rediscover after (days)' })
    fireEvent.change(days, { target: { value: '-1' } })
    fireEvent.blur(days)
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Rediscover after (days): type a number from 0 to 3650.',
    )
    expect(days.getAttribute('aria-invalid')).toBe('true')
    expect(bridge.callsOf('updateSettings')).toEqual([])
    fireEvent.change(days, { target: { value: '7' } })
    expect(bridge.callsOf('updateSettings')).toEqual([])
    fireEvent.blur(days)
    await waitFor(() => expect(bridge.settings.exploration.rediscoverAfterDays).toBe(7))
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('chooses the theme (kept in this browser) and the ReplayGain mode', async () => {
    const bridge = renderBasic()
    const theme = await screen.findByRole('combobox', { name: 'Theme' })
    expect((theme as HTMLSelectElement).value).toBe('system')
    expect(document.documentElement.dataset.theme).toBeUndefined()
    fireEvent.change(theme, { target: { value: 'light' } })
    expect(document.documentElement.dataset.theme).toBe('light')
    expect(localStorage.getItem('attune.theme')).toBe('"light"')
    fireEvent.change(theme, { target: { value: 'system' } })
    expect(document.documentElement.dataset.theme).toBeUndefined()
    fireEvent.change(screen.getByRole('combobox', { name: 'ReplayGain' }), {
      target: { value: 'album' },
    })
    await waitFor(() => expect(bridge.settings.playback.replayGain).toBe('album'))
  })

  it('offers a crossfade in words, off by default, and saves its seconds', async () => {
    const bridge = renderBasic()
    const crossfade = await screen.findByRole<HTMLSelectElement>('combobox', {
      name: 'Crossfade',
    })
    expect(crossfade.value).toBe('0')
    expect(crossfade.selectedOptions[0]?.textContent).toBe('Off: each song follows without a gap')
    expect([...crossfade.options].map((o) => o.textContent)).toContain('6 seconds')
    fireEvent.change(crossfade, { target: { value: '6' } })
    await waitFor(() => expect(bridge.settings.playback.crossfadeSeconds).toBe(6))
  })
})
