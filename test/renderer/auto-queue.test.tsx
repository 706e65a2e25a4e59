// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { queueFrom, setRepeat, setShuffle, upcomingCount } from '../../src/shared/queue'
import { alphaFromSlider } from '../../src/shared/settings'
import { renderApp } from './render-app'
import { FakeBridge, fakeWhy } from './fake-bridge'

afterEach(() => {
  cleanup()
  localStorage.clear()
})

const toggle = () => screen.getByRole('switch', { name: 'Auto-queue' })
const queueEntries = () => screen.queryAllByTestId('queue-entry')

describe('auto-queue', () => {
  it('the toggle fills the queue with picks that show why they were chosen', async () => {
    const { bridge, player } = renderApp()
    await waitFor(() => expect((toggle() as HTMLInputElement).disabled).toBe(false))
    expect((toggle() as HTMLInputElement).checked).toBe(false)
    fireEvent.click(toggle())
    await waitFor(() => expect(queueEntries()).toHaveLength(2))
    expect(bridge.settings.autoQueue.enabled).toBe(true)
    const reasons = screen.getAllByTestId('queue-reason')
    expect(reasons).toHaveLength(2)
    expect(queueEntries()[0]!.textContent).toContain('Picked for you')
    // Songs first, one feature phrase, no numbers; the numbers are under "details".
    expect(reasons[0]!.textContent).toBe(
      'Close to Battle Music and Nunc Dimittis, which you loved. Brighter than most of your songs.',
    )
    const details = screen.getAllByTestId('queue-reason-details')[0]!
    expect(details.tagName).toBe('DETAILS')
    expect((details as HTMLDetailsElement).open).toBe(false)
    expect(details.textContent).toContain('Score +0.42, exploration +0.30, chance 60%')
    expect(details.textContent).toContain('Battle Music (loved) +0.20')
    // Each pick excluded what was already queued.
    const asked = bridge.callsOf('autoQueueNext')
    expect(asked[1]?.exclude).toEqual([1])
    expect(player.getSnapshot().queue.items.map((i) => i.entry.source)).toEqual(['auto', 'auto'])
  })

  it('keeps the minimum of upcoming songs as songs play, and stops when switched off', async () => {
    const { bridge, player, sounds } = renderApp()
    await waitFor(() => expect((toggle() as HTMLInputElement).disabled).toBe(false))
    fireEvent.click(toggle())
    await waitFor(() => expect(queueEntries()).toHaveLength(2))
    act(() => player.play())
    await waitFor(() => expect(queueEntries()).toHaveLength(3))
    expect(upcomingCount(player.getSnapshot().queue)).toBe(2)
    await act(async () => {
      sounds.made.at(-1)!.finish()
      await new Promise((r) => setTimeout(r, 20))
    })
    // The song that ended is played (collapsed); two are up next again.
    await waitFor(() => expect(player.getSnapshot().queue.items).toHaveLength(4))
    expect(queueEntries()).toHaveLength(3)
    expect(screen.getByRole('button', { name: /Played \(1\)/ })).toBeTruthy()

    fireEvent.click(toggle())
    await waitFor(() => expect(bridge.settings.autoQueue.enabled).toBe(false))
    const before = bridge.callsOf('autoQueueNext').length
    act(() => player.next())
    await new Promise((r) => setTimeout(r, 30))
    expect(bridge.callsOf('autoQueueNext').length).toBe(before)
  })

  it('Next past the end of the queue keeps the music going while it is on', async () => {
    const { bridge, player, sounds } = renderApp()
    await waitFor(() => expect((toggle() as HTMLInputElement).disabled).toBe(false))
    fireEvent.click(toggle())
    await waitFor(() => expect(queueEntries()).toHaveLength(2))
    act(() => player.play())
    await waitFor(() => expect(upcomingCount(player.getSnapshot().queue)).toBe(2))
    // Faster than the picks arrive: the queue runs out, then the next pick plays.
    act(() => {
      player.next()
      player.next()
      player.next()
    })
    await waitFor(() => expect(player.getSnapshot().atEnd).toBe(false))
    expect(['loading', 'playing']).toContain(player.getSnapshot().status)
    const playing = player.getSnapshot().track?.id
    expect(sounds.made.at(-1)!.url).toBe(`/media/${playing}`)
    expect(bridge.callsOf('autoQueueNext').length).toBeGreaterThanOrEqual(4)
  })

  it('with it off, Next at the end stops at "end of queue"', async () => {
    const { bridge, player } = renderApp()
    await waitFor(() => expect((toggle() as HTMLInputElement).disabled).toBe(false))
    act(() => player.playTracksNow([bridge.tracks[0]!]))
    act(() => player.next())
    await screen.findByTestId('end-of-queue')
    expect(player.getSnapshot().track?.id).toBe(bridge.tracks[0]!.id)
    expect(bridge.callsOf('autoQueueNext')).toHaveLength(0)
  })

  it('says so in plain words when the engine has nothing to pick', async () => {
    const bridge = new FakeBridge()
    bridge.autoQueueMessage = 'No song is analysed yet, so Attune has nothing to pick from.'
    renderApp(bridge)
    await waitFor(() => expect((toggle() as HTMLInputElement).disabled).toBe(false))
    fireEvent.click(toggle())
    await waitFor(() =>
      expect(screen.getByText(/No song is analysed yet/).textContent).toContain('nothing to pick'),
    )
    expect(queueEntries()).toHaveLength(0)
    // It does not keep asking until something changes.
    await new Promise((r) => setTimeout(r, 30))
    expect(bridge.callsOf('autoQueueNext')).toHaveLength(1)
  })
})

describe('auto-queue settings', () => {
  it('the exploration slider sets α, and pause and reset reach the engine', async () => {
    const { bridge } = renderApp()
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }))
    const slider = await screen.findByRole('slider', { name: 'Exploration' })
    fireEvent.change(slider, { target: { value: '1' } })
    await waitFor(() => expect(bridge.settings.exploration.alpha).toBeCloseTo(alphaFromSlider(1)))
    fireEvent.click(screen.getByRole('tab', { name: 'Advanced' }))
    const spacing = screen.getByRole('spinbutton', { name: 'Artist spacing' })
    fireEvent.change(spacing, { target: { value: '4' } })
    fireEvent.blur(spacing)
    await waitFor(() => expect(bridge.settings.autoQueue.artistSpacing).toBe(4))
    fireEvent.click(screen.getByRole('checkbox', { name: 'Pause learning' }))
    await waitFor(() => expect(bridge.settings.model.paused).toBe(true))
    fireEvent.click(screen.getByRole('button', { name: 'Reset model' }))
    await screen.findByText(/rebuilt from your history/)
    expect(bridge.callsOf('resetModel')).toHaveLength(1)
  })
})

describe('discover', () => {
  it('lists never-played songs with their scores, plays and marks them in place', async () => {
    const { bridge } = renderApp()
    fireEvent.click(screen.getByRole('button', { name: 'Discover' }))
    const entries = await screen.findAllByTestId('discover-entry')
    expect(entries.length).toBe(30)
    expect(within(entries[0]!).getByTestId('discover-why').textContent).toBe(
      "A wild card, as the model hasn't heard songs like this from you yet.",
    )
    expect(within(entries[1]!).getByTestId('discover-why').textContent).toBe(
      'Calmer than most of your songs.',
    )
    expect(within(entries[0]!).getByTestId('discover-why-details').textContent).toContain(
      'Score +0.50, exploration +0.20',
    )
    fireEvent.click(within(entries[0]!).getByRole('button', { name: 'Like Song 1' }))
    await waitFor(() => expect(bridge.labels.get(1)).toBe('like'))
    fireEvent.click(within(entries[1]!).getByRole('button', { name: 'Play Song 2' }))
    await waitFor(() => expect(screen.getByTestId('now-playing-title').textContent).toBe('Song 2'))
    expect(screen.getAllByTestId('discover-entry')).toHaveLength(30)
  })
})

describe('rediscover', () => {
  it('shows why a turned-down song is back, and says so plainly when there is none', async () => {
    const bridge = new FakeBridge()
    renderApp(bridge)
    fireEvent.click(screen.getByRole('button', { name: 'Rediscover' }))
    await screen.findByText(/Nothing to rediscover yet/)

    bridge.rediscoveries = [
      {
        track: bridge.tracks[6]!,
        mean: 0.61,
        bonus: 0.05,
        meanAtRank: 0.61,
        ucb: 0.66,
        why: fakeWhy({ mean: 0.61, bonus: 0.05 }, { feature: 'faster' }),
        reasons: ['Faster than most of your songs.'],
        cause: 'You marked it not for me 40 days ago',
      },
    ]
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }))
    const entry = await screen.findByTestId('rediscover-entry')
    expect(within(entry).getByTestId('rediscover-why').textContent).toBe(
      'Faster than most of your songs. You marked it not for me 40 days ago.',
    )
    fireEvent.click(within(entry).getByRole('button', { name: 'Love Song 7' }))
    await waitFor(() => expect(bridge.labels.get(7)).toBe('love'))
  })
})

describe('upcomingCount', () => {
  it('counts the songs after the current one, in play order, and repeat as endless', () => {
    const entries = [1, 2, 3, 4].map((trackId) => ({ trackId }))
    expect(upcomingCount(queueFrom(entries))).toBe(4)
    expect(upcomingCount(queueFrom(entries, { current: 1 }))).toBe(2)
    const shuffled = setShuffle(queueFrom(entries, { current: 0, seed: 3 }), true)
    const position = shuffled.order.indexOf(shuffled.items[0]!.key)
    expect(upcomingCount(shuffled)).toBe(3 - position)
    expect(upcomingCount(setRepeat(queueFrom(entries, { current: 3 }), 'all'))).toBe(Infinity)
  })
})
