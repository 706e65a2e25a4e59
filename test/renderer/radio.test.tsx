// @vitest-environment happy-dom
// The radio in the app, on the fake bridge: "Start radio" from a song's menu shows the banner above
// the queue with the seed, the closeness in words (saved after the slider stops), Undo or End radio
// ends it; an album’s page and the now-playing view start one too.
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { renderApp } from './render-app'

afterEach(() => {
  cleanup()
  localStorage.clear()
})

const rows = () => screen.queryAllByTestId('track-row')

async function startFromFirstRow() {
  await waitFor(() => expect(rows().length).toBeGreaterThan(0))
  fireEvent.contextMenu(rows()[0]!)
  fireEvent.click(
    within(screen.getByRole('menu')).getByRole('menuitemcheckbox', { name: 'Start radio' }),
  )
}

describe('the radio in the app', () => {
  it('starts from a song’s menu, shows its banner, and ends from it', async () => {
    const { bridge } = renderApp()
    await startFromFirstRow()
    const trackId = Number(rows()[0]!.getAttribute('data-track-id'))
    expect(bridge.callsOf('startRadio')).toEqual([{ seed: { kind: 'track', trackId } }])
    const banner = await screen.findByTestId('radio-banner')
    expect(within(banner).getByTestId('radio-seed').textContent).toBe(bridge.tracks[0]!.title)
    expect(within(banner).getByTestId('radio-closeness').textContent).toBe('A balance')
    expect(screen.getByTestId('mark-notice').textContent).toContain('Radio from')
    // The closeness follows the slider in words, and is saved once it stops.
    const slider = within(banner).getByRole('slider')
    fireEvent.change(slider, { target: { value: '1' } })
    expect(within(banner).getByTestId('radio-closeness').textContent).toBe('Close to the seed')
    await waitFor(() =>
      expect(bridge.callsOf('updateSettings')).toContainEqual({
        section: 'radio',
        patch: { closeness: 1 },
      }),
    )
    fireEvent.click(within(banner).getByRole('button', { name: 'End radio' }))
    await waitFor(() => expect(screen.queryByTestId('radio-banner')).toBeNull())
    expect(bridge.callsOf('stopRadio')).toHaveLength(1)
  })

  it('Undo in the notice ends the radio it started', async () => {
    const { bridge } = renderApp()
    await startFromFirstRow()
    await screen.findByTestId('radio-banner')
    act(() => {
      fireEvent.click(
        within(screen.getByTestId('mark-notice')).getByRole('button', { name: /Undo/ }),
      )
    })
    await waitFor(() => expect(screen.queryByTestId('radio-banner')).toBeNull())
    expect(bridge.callsOf('stopRadio')).toHaveLength(1)
  })

  it('starts from an album’s page with the album as the seed', async () => {
    const { bridge } = renderApp()
    fireEvent.click(await screen.findByRole('button', { name: 'Albums' }))
    await waitFor(() => expect(screen.getAllByTestId('album-group').length).toBeGreaterThan(0))
    fireEvent.click(within(screen.getAllByTestId('album-group')[0]!).getByRole('button'))
    const album = await screen.findByRole('region', { name: /^Album / })
    await waitFor(() =>
      expect(within(album).getAllByTestId('album-track').length).toBeGreaterThan(0),
    )
    fireEvent.click(within(album).getByRole('button', { name: 'Start radio' }))
    await screen.findByTestId('radio-banner')
    const opened = bridge.callsOf('listGroupTracks')[0]!
    expect('album' in opened).toBe(true)
    expect(bridge.callsOf('startRadio')).toEqual([{ seed: { kind: 'album', ...opened } }])
  })

  it('starts from the song playing in the now-playing view, which then says so and can end it', async () => {
    const { bridge, player } = renderApp()
    act(() => player.playTracksNow([bridge.tracks[2]!]))
    fireEvent.click(screen.getByRole('button', { name: 'Now playing view: Song 3' }))
    const view = screen.getByRole('region', { name: 'Now playing view' })
    fireEvent.click(within(view).getByRole('button', { name: 'Start radio from this song' }))
    await waitFor(() =>
      expect(within(view).getByTestId('np-view-radio').textContent).toBe(
        'On the radio from Song 3',
      ),
    )
    expect(bridge.callsOf('startRadio')).toEqual([
      { seed: { kind: 'track', trackId: bridge.tracks[2]!.id } },
    ])
    // The song goes on playing: starting a radio does not touch the player.
    expect(player.getSnapshot().track?.id).toBe(bridge.tracks[2]!.id)
    fireEvent.click(within(view).getByRole('button', { name: 'End radio' }))
    await within(view).findByRole('button', { name: 'Start radio from this song' })
    expect(bridge.callsOf('stopRadio')).toHaveLength(1)
  })
})
