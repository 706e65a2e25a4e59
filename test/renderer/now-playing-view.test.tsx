// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { parseLrc } from '../../src/shared/lyrics'
import { renderApp } from './render-app'
import { FakeBridge, fakeWhy } from './fake-bridge'

afterEach(() => {
  cleanup()
  localStorage.clear()
})

const view = () => screen.getByRole('region', { name: 'Now playing view' })
const openView = (title: string) =>
  fireEvent.click(screen.getByRole('button', { name: `Now playing view: ${title}` }))

describe('the now-playing view', () => {
  it('opens from the bar with the song, a placeholder cover, the marks, and closes with Escape', async () => {
    const { bridge, player } = renderApp()
    act(() => player.playTracksNow([bridge.tracks[2]!]))
    openView('Song 3')
    expect(within(view()).getByTestId('np-view-title').textContent).toBe('Song 3')
    expect(within(view()).getByRole('img', { name: /No cover for/ })).toBeTruthy()
    expect(within(view()).getByTestId('np-view-why').textContent).toBe('You chose this song.')
    fireEvent.click(within(view()).getByRole('button', { name: 'Love Song 3' }))
    await waitFor(() => expect(bridge.callsOf('setMark')).toEqual([{ trackId: 3, mark: 'love' }]))
    expect(await within(view()).findByTestId('no-lyrics')).toBeTruthy()
    fireEvent.keyDown(window, { key: 'Escape' })
    expect(screen.queryByRole('region', { name: 'Now playing view' })).toBeNull()
    // Back where it was: the songs table.
    expect(screen.getAllByTestId('track-row').length).toBeGreaterThan(0)
  })

  it('says why an auto-pick plays, in words, with the details one click away', () => {
    const { bridge, player } = renderApp()
    const why = fakeWhy({ mean: 0.42, bonus: 0.3 }, { feature: 'a looser rhythm' })
    act(() =>
      player.addEntries([
        {
          trackId: 4,
          source: 'auto',
          track: bridge.tracks[3]!,
          reason: { mean: 0.42, bonus: 0.3, ucb: 0.72, probability: 1, why, reasons: [why.line] },
        },
      ]),
    )
    act(() => player.play())
    openView('Song 4')
    const reason = within(view()).getByTestId('np-view-why')
    expect(reason.textContent).toContain('Picked for you')
    expect(within(reason).getByTestId('np-view-reason').textContent).toBe(why.line)
    expect(within(reason).getByTestId('np-view-reason-details').tagName).toBe('DETAILS')
  })

  it('highlights the synced line being sung as the position moves', async () => {
    const bridge = new FakeBridge()
    bridge.lyrics.set(1, {
      ...parseLrc('[00:01.00]One\n[00:05.00][00:15.00]Chorus\n[00:10.00]Two'),
      source: 'lrc',
    })
    const { player } = renderApp(bridge)
    act(() => player.playTracksNow([bridge.tracks[0]!]))
    openView('Song 1')
    const lyrics = await within(view()).findByTestId('lyrics')
    const current = () => lyrics.querySelector('[aria-current="true"]')?.textContent ?? null
    expect(current()).toBeNull()
    act(() => player.seek(5.5))
    expect(current()).toBe('Chorus')
    act(() => player.seek(11))
    expect(current()).toBe('Two')
    act(() => player.seek(16))
    expect(current()).toBe('Chorus')
    expect(lyrics.querySelectorAll('li')[3]!.getAttribute('aria-current')).toBe('true')
  })

  it('shows unsynced lyrics as written, and the engine’s error in words', async () => {
    const bridge = new FakeBridge()
    bridge.lyrics.set(1, { ...parseLrc('Verse one\n\nVerse two'), source: 'txt' })
    const { player } = renderApp(bridge)
    act(() => player.playTracksNow([bridge.tracks[0]!]))
    openView('Song 1')
    const lyrics = await within(view()).findByTestId('lyrics')
    expect([...lyrics.querySelectorAll('p')].map((p) => p.textContent)).toEqual([
      'Verse one',
      '\u00a0',
      'Verse two',
    ])
    fireEvent.click(within(view()).getByRole('button', { name: 'Back (Escape)' }))
    bridge.api.lyrics = () => Promise.reject(new Error('The disk is gone.'))
    act(() => player.playTracksNow([bridge.tracks[1]!]))
    openView('Song 2')
    expect((await within(view()).findByText(/could not be read/)).textContent).toContain(
      'The disk is gone.',
    )
  })
})
