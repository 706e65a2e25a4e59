// @vitest-environment happy-dom
// The app words the engine's error codes for its reader: which button to press, never a command.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { CALL_NAMES, type PreloadApi } from '../../src/shared/contract'
import { DiscoverView } from '../../src/renderer/src/features/discover/DiscoverView'
import { fromPreload, type PreloadBridge } from '../../src/renderer/src/lib/bridge'
import { renderApp } from './render-app'
import { FakeBridge } from './fake-bridge'

afterEach(() => {
  cleanup()
  localStorage.clear()
})

const ANALYSE_BUTTON = /press Analyse now in Settings → Advanced/

describe('errors in the app', () => {
  it('Discover says no song is analysed yet and which button starts it, naming no command', async () => {
    const bridge = new FakeBridge()
    bridge.nothingAnalysed = true
    renderApp(bridge)
    fireEvent.click(screen.getByRole('button', { name: 'Discover' }))
    const note = await screen.findByText(/No song is analysed yet\./)
    expect(note.textContent).toMatch(ANALYSE_BUTTON)
    expect(note.textContent).not.toMatch(/attune|Run:|could not be loaded/)
    // The button it names is there, where it says.
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }))
    fireEvent.click(screen.getByRole('tab', { name: 'Advanced' }))
    expect(screen.getByRole('button', { name: 'Analyse now' })).toBeTruthy()
  })

  it('the auto-queue says which button helps when there is nothing to pick from', async () => {
    const bridge = new FakeBridge()
    bridge.nothingAnalysed = true
    renderApp(bridge)
    const toggle = screen.getByRole<HTMLInputElement>('switch', { name: 'Auto-queue' })
    await waitFor(() => expect(toggle.disabled).toBe(false))
    fireEvent.click(toggle)
    const note = await screen.findByText(/nothing to pick from/)
    expect(note.textContent).toMatch(ANALYSE_BUTTON)
  })

  it('an error event from a background job is shown with what to do for its code', async () => {
    const bridge = new FakeBridge()
    renderApp(bridge)
    await screen.findAllByTestId('track-row')
    act(() =>
      bridge.emit('error', {
        code: 'busy',
        message: 'The scan stopped: The library is busy with another writer.',
      }),
    )
    const note = await screen.findByText(/The scan stopped/)
    expect(note.textContent).toMatch(/try again in a moment/)
  })

  it("keeps the code of a failed call across Electron's preload (answers, not thrown errors)", async () => {
    const fake = new FakeBridge()
    const preloadApi = Object.fromEntries(
      CALL_NAMES.map((name) => [
        name,
        () =>
          Promise.resolve({
            ok: false,
            error: { code: 'not-analysed', message: 'No song is analysed yet.' },
          }),
      ]),
    ) as unknown as PreloadApi
    const preload: PreloadBridge = {
      kind: 'electron',
      api: preloadApi,
      onEvent: (listener) => fake.onEvent(listener),
      mediaUrl: fake.mediaUrl,
      coverUrl: fake.coverUrl,
    }
    const bridge = fromPreload(preload)
    await expect(bridge.api.discover({ n: 3 })).rejects.toMatchObject({ code: 'not-analysed' })
    render(
      <DiscoverView
        bridge={bridge}
        mode="discover"
        labels={new Map()}
        onPlay={() => undefined}
        onMark={() => undefined}
      />,
    )
    const note = await screen.findByText(/No song is analysed yet\./)
    expect(note.textContent).toMatch(ANALYSE_BUTTON)
  })
})
