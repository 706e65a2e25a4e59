// @vitest-environment happy-dom
// Marks that do what they say (issue 10): every mark change says what it did, with Undo; "not for
// me" on the playing song moves on; the engine's re-rank of waiting auto-picks reaches the queue;
// Discover follows the model as it learns.
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { Player } from '../../src/renderer/src/features/player/player'
import { FakeBridge } from './fake-bridge'
import { renderApp } from './render-app'

afterEach(() => cleanup())

const rows = () => screen.queryAllByTestId('track-row')
const key = (k: string, init: KeyboardEventInit = {}) =>
  act(() => void fireEvent.keyDown(window, { key: k, ...init }))
/** The id of the fake song a library row shows ("Song 12" is track 12). */
const songOf = (row: HTMLElement): number =>
  Number(
    /Song (\d+)/.exec(
      within(row)
        .getByRole('button', { name: /^Love / })
        .getAttribute('aria-label') ?? '',
    )?.[1],
  )
const notice = () => screen.getByTestId('mark-notice')
const nowPlaying = () => screen.getByTestId('now-playing-title').textContent

/** Plays Song 1 with Songs 2 and 3 queued after it. */
async function playThree(bridge: FakeBridge, player: Player) {
  await waitFor(() => expect(rows().length).toBe(30))
  act(() => player.playTracksNow(bridge.tracks.slice(0, 1)))
  act(() => player.addTracks(bridge.tracks.slice(1, 3)))
  await waitFor(() => expect(nowPlaying()).toBe('Song 1'))
}

describe('"not for me" on the song that is playing', () => {
  it('moves on to the next song, says so, and Undo writes the previous mark back', async () => {
    const { bridge, player } = renderApp()
    await playThree(bridge, player)
    const bar = screen.getByRole('contentinfo', { name: 'Now playing' })
    fireEvent.click(within(bar).getByRole('button', { name: 'Not for me' }))
    await waitFor(() => expect(nowPlaying()).toBe('Song 2'))
    // The play ends as turned down (the mark is the reaction; no skip is counted on top).
    await waitFor(() => expect(bridge.callsOf('playEnded')).toHaveLength(1))
    expect(bridge.callsOf('playEnded')[0]).toMatchObject({ trackId: 1, reason: 'turned_down' })
    expect(notice().textContent).toContain('Marked “Song 1” not for you. On to the next song.')
    fireEvent.click(within(notice()).getByRole('button', { name: 'Undo' }))
    await waitFor(() => expect(bridge.callsOf('setMark')).toHaveLength(2))
    expect(bridge.callsOf('setMark')).toEqual([
      { trackId: 1, mark: 'not_for_me' },
      { trackId: 1, mark: 'none' },
    ])
    expect(bridge.labels.has(1)).toBe(false)
    expect(screen.queryByTestId('mark-notice')).toBeNull()
  })

  it('keeps playing when the setting is off', async () => {
    const bridge = new FakeBridge()
    bridge.settings = {
      ...bridge.settings,
      playback: { ...bridge.settings.playback, skipOnNotForMe: false },
    }
    const { player } = renderApp(bridge)
    await playThree(bridge, player)
    await waitFor(() => expect(bridge.callsOf('getSettings').length).toBeGreaterThan(0))
    await act(() => Promise.resolve())
    key('x')
    await waitFor(() => expect(bridge.callsOf('setMark')).toHaveLength(1))
    expect(nowPlaying()).toBe('Song 1')
    expect(notice().textContent).toBe('Marked “Song 1” not for you.UndoDismiss')
  })

  it('is a setting in Settings, on by default', async () => {
    const { bridge } = renderApp()
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }))
    const box = await screen.findByRole('checkbox', { name: 'Skip songs marked not for me' })
    expect((box as HTMLInputElement).checked).toBe(true)
    fireEvent.click(box)
    await waitFor(() =>
      expect(bridge.callsOf('updateSettings')).toContainEqual({
        section: 'playback',
        patch: { skipOnNotForMe: false },
      }),
    )
    await waitFor(() => expect((box as HTMLInputElement).checked).toBe(false))
  })
})

describe('every mark change says what it did', () => {
  it('L on a liked song and Shift+L on a loved one say they took the mark away; Undo puts it back', async () => {
    const { bridge, player } = renderApp()
    await playThree(bridge, player)
    key('l')
    await waitFor(() => expect(notice().textContent).toContain('Liked “Song 1”.'))
    key('l')
    await waitFor(() => expect(notice().textContent).toContain('Removed “Like” from “Song 1”.'))
    fireEvent.click(within(notice()).getByRole('button', { name: 'Undo' }))
    await waitFor(() => expect(bridge.labels.get(1)).toBe('like'))
    key('L', { shiftKey: true })
    await waitFor(() => expect(notice().textContent).toContain('Loved “Song 1” (it was Like).'))
    key('L', { shiftKey: true })
    await waitFor(() => expect(notice().textContent).toContain('Removed “Love” from “Song 1”.'))
    fireEvent.click(within(notice()).getByRole('button', { name: 'Undo' }))
    await waitFor(() => expect(bridge.labels.get(1)).toBe('love'))
    expect(bridge.callsOf('setMark').map((c) => c?.mark)).toEqual([
      'like',
      'none',
      'like',
      'love',
      'none',
      'love',
    ])
  })

  it('from a row’s button and from the context menu alike', async () => {
    const { bridge } = renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    fireEvent.click(within(rows()[0]!).getByRole('button', { name: /^Near miss / }))
    await waitFor(() => expect(notice().textContent).toContain('Marked “Song 1” as a near miss.'))
    fireEvent.contextMenu(rows()[1]!)
    fireEvent.click(
      within(screen.getByRole('menu')).getByRole('menuitemcheckbox', { name: 'Like' }),
    )
    const second = songOf(rows()[1]!)
    await waitFor(() => expect(notice().textContent).toContain(`Liked “Song ${second}”.`))
    fireEvent.click(within(notice()).getByRole('button', { name: 'Undo' }))
    await waitFor(() =>
      expect(bridge.callsOf('setMark').at(-1)).toEqual({ trackId: second, mark: 'none' }),
    )
  })

  it('follows a mark made elsewhere from the event alone, without reading every label again', async () => {
    const { bridge } = renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    await waitFor(() => expect(bridge.callsOf('listLabels')).toHaveLength(1))
    act(() => bridge.emit('labelsChanged', { trackId: songOf(rows()[2]!), mark: 'love' }))
    await waitFor(() =>
      expect(
        within(rows()[2]!)
          .getByRole('button', { name: /^Love / })
          .getAttribute('aria-pressed'),
      ).toBe('true'),
    )
    expect(bridge.callsOf('listLabels')).toHaveLength(1)
    // Many at once (an import) are read again.
    act(() => bridge.emit('labelsChanged', { trackId: null }))
    await waitFor(() => expect(bridge.callsOf('listLabels')).toHaveLength(2))
  })
})

describe('the engine re-ranks waiting auto-picks', () => {
  it('replaces the waiting picks it names, never the playing one, a moved one or a manual one', async () => {
    const { bridge, player } = renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    const [t1, t2, t3, t4, t5] = bridge.tracks
    const auto = (t: typeof t1, pickId: number) => ({
      trackId: t!.id,
      source: 'auto' as const,
      pickId,
      track: t!,
    })
    act(() => player.addEntries([auto(t1, 11), auto(t2, 12), auto(t3, 13), auto(t4, 14)]))
    act(() => player.addTracks([t5!]))
    act(() => player.playIndex(0))
    act(() => player.moveEntry(3, 2)) // the listener moves pick 14 before pick 13
    const replacement = (pickId: number, trackId: number, to: number) => ({
      pickId,
      trackId,
      entry: auto(bridge.tracks[to - 1], 100 + to),
    })
    act(() =>
      bridge.emit('queueChanged', {
        revision: 3,
        replaced: [
          replacement(11, 1, 21), // playing: stays
          replacement(12, 2, 22), // waiting: replaced
          replacement(14, 4, 24), // moved by the listener: stays
          { pickId: null, trackId: 5, entry: auto(bridge.tracks[24], 125) }, // manual: stays
        ],
      }),
    )
    await waitFor(() =>
      expect(
        screen.getAllByTestId('queue-entry').map((e) => e.querySelector('.q-title')?.textContent),
      ).toEqual(['Song 1', 'Song 22', 'Song 4', 'Song 3', 'Song 5']),
    )
    expect(nowPlaying()).toBe('Song 1')
    // The next save names the revision it is based on, with the picks' ids and the moved flag.
    const saved = player.toSaved()
    expect(saved.revision).toBe(3)
    expect(saved.entries.map((e) => [e.trackId, e.pickId, e.touched])).toEqual([
      [1, 11, undefined],
      [22, 122, undefined],
      [4, 14, true],
      [3, 13, undefined],
      [5, undefined, undefined],
    ])
  })
})

describe('Discover follows the model', () => {
  it('reloads when the model learned something, once per burst', async () => {
    const { bridge } = renderApp()
    fireEvent.click(screen.getByRole('button', { name: 'Discover' }))
    await waitFor(() => expect(screen.getAllByTestId('discover-entry').length).toBeGreaterThan(0))
    expect(bridge.callsOf('discover')).toHaveLength(1)
    bridge.tracks = [...bridge.tracks.slice(1), bridge.tracks[0]!] // the model changed its mind
    act(() => {
      bridge.emit('modelUpdated', { lastEventId: 5 })
      bridge.emit('modelUpdated', { lastEventId: 6 })
    })
    await waitFor(() =>
      expect(screen.getAllByTestId('discover-entry')[0]!.textContent).toContain('Song 2'),
    )
    expect(bridge.callsOf('discover')).toHaveLength(2)
  })
})
