// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { SettingsView } from '../../src/renderer/src/features/settings/SettingsView'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { FakeBridge } from './fake-bridge'

afterEach(() => cleanup())

function renderSettings(bridge = new FakeBridge()) {
  const errors: string[] = []
  render(
    <SettingsView bridge={bridge} status={null} scanning={false} onError={(m) => errors.push(m)} />,
  )
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
