// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { renderApp } from './render-app'

afterEach(() => {
  cleanup()
  localStorage.clear()
})

const barSwitch = () =>
  within(screen.getByRole('contentinfo', { name: 'Now playing' })).getByRole<HTMLInputElement>(
    'switch',
    { name: 'Auto-queue' },
  )

describe('auto-queue switch in the now-playing bar', () => {
  it('is the one auto-queue switch: turns it on and off, saved in settings and shown by the queue panel', async () => {
    const { bridge } = renderApp()
    await waitFor(() => expect(barSwitch().disabled).toBe(false))
    expect(barSwitch().checked).toBe(false)

    fireEvent.click(barSwitch())
    await waitFor(() => expect(bridge.settings.autoQueue.enabled).toBe(true))
    expect(bridge.callsOf('updateSettings').at(-1)).toEqual({
      section: 'autoQueue',
      patch: { enabled: true },
    })
    expect(screen.getAllByRole('switch', { name: 'Auto-queue' })).toHaveLength(1)
    expect(screen.getByTestId('auto-queue-state').textContent).toMatch(/Auto-queue is on/)
    // Switched on, it fills the queue.
    await waitFor(() => expect(screen.queryAllByTestId('queue-entry')).toHaveLength(2))

    fireEvent.click(barSwitch())
    await waitFor(() => expect(bridge.settings.autoQueue.enabled).toBe(false))
    expect(screen.getByTestId('auto-queue-state').textContent).toMatch(/Auto-queue is off/)
  })

  it('follows the setting when it changes elsewhere (another window, Settings)', async () => {
    const { bridge } = renderApp()
    await waitFor(() => expect(barSwitch().disabled).toBe(false))
    await bridge.api.updateSettings({ section: 'autoQueue', patch: { enabled: true } })
    await waitFor(() => expect(barSwitch().checked).toBe(true))
  })

  it('is there even with the queue panel closed', async () => {
    renderApp()
    fireEvent.click(screen.getByRole('button', { name: 'Queue' }))
    await waitFor(() => expect(screen.queryByTestId('auto-queue-state')).toBeNull())
    await waitFor(() => expect(barSwitch().disabled).toBe(false))
    fireEvent.click(barSwitch())
    await waitFor(() => expect(barSwitch().checked).toBe(true))
  })
})
