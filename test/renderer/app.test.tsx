// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { App } from '../../src/renderer/src/App'
import { Player } from '../../src/renderer/src/features/player/player'
import { SHORTCUTS } from '../../src/renderer/src/lib/shortcuts'
import { FakeBridge, fakeSounds } from './fake-bridge'

afterEach(() => {
  cleanup()
  localStorage.clear()
})

function renderApp(bridge = new FakeBridge(), options: { missing?: boolean } = {}) {
  const sounds = fakeSounds()
  const player = new Player({
    bridge,
    createSound: sounds.create,
    seed: 1,
    isMissing: () => Promise.resolve(options.missing ?? false),
  })
  render(<App bridge={bridge} player={player} createSound={sounds.create} />)
  return { bridge, sounds, player }
}

const rows = () => screen.queryAllByTestId('track-row')

/** The songs table's track ids, in the order shown. */
const shownIds = () => rows().map((row) => Number(row.getAttribute('data-track-id')))

async function playFirstRow() {
  await waitFor(() => expect(rows().length).toBeGreaterThan(0))
  fireEvent.doubleClick(rows()[0]!)
  await waitFor(() =>
    expect(screen.getByTestId('now-playing-title').textContent).not.toBe('Nothing playing'),
  )
}

const key = (k: string, init: KeyboardEventInit = {}) =>
  act(() => void fireEvent.keyDown(window, { key: k, ...init }))

describe('library', () => {
  it('lists the tracks in the engine’s album order', async () => {
    renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    expect(screen.getByTestId('track-count').textContent).toBe('30 tracks')
    expect(rows()[0]!.textContent).toContain('Album 1')
  })

  it('renders only the visible rows of 100,000 tracks and pages them from the engine', async () => {
    const { bridge } = renderApp(new FakeBridge({ tracks: 100_000 }))
    await waitFor(() => expect(screen.getByTestId('track-count').textContent).toBe('100000 tracks'))
    await waitFor(() => expect(rows().length).toBeGreaterThan(10))
    expect(rows().length).toBeLessThan(60)
    const firstCalls = bridge.callsOf('listTracks')
    expect(firstCalls.every((c) => (c?.limit ?? 0) <= 200)).toBe(true)

    const scroller = screen.getByTestId('library-scroller')
    await act(async () => {
      scroller.scrollTop = 50_000 * 34
      fireEvent.scroll(scroller)
      await new Promise((r) => setTimeout(r, 50))
    })
    await waitFor(() =>
      expect(
        bridge.callsOf('listTracks').some((c) => c?.offset === 49_800 || c?.offset === 50_000),
      ).toBe(true),
    )
    await waitFor(() =>
      expect(rows().some((r) => r.getAttribute('aria-rowindex') === '50002')).toBe(true),
    )
    expect(rows().length).toBeLessThan(60)
  })

  it('searches through the engine as you type, debounced', async () => {
    const { bridge } = renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search' }), {
      target: { value: 'Song 1' },
    })
    await waitFor(() =>
      expect(bridge.callsOf('listTracks').some((c) => c?.search === 'Song 1')).toBe(true),
    )
    // Song 1, Song 10–19.
    await waitFor(() => expect(rows().length).toBe(11))
  })

  it('sorts by a column when its header is clicked, and reverses on a second click', async () => {
    const { bridge } = renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    const header = screen.getByRole('columnheader', { name: 'Title' })
    fireEvent.click(header)
    await waitFor(() =>
      expect(bridge.callsOf('listTracks').at(-1)).toMatchObject({ sort: 'title' }),
    )
    expect(header.getAttribute('aria-sort')).toBe('ascending')
    fireEvent.click(header)
    await waitFor(() =>
      expect(bridge.callsOf('listTracks').at(-1)).toMatchObject({
        sort: 'title',
        descending: true,
      }),
    )
  })

  it('sets a mark from a row’s icon', async () => {
    const { bridge } = renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    const button = within(rows()[0]!).getByRole('button', { name: /^Love / })
    fireEvent.click(button)
    await waitFor(() => expect(bridge.callsOf('setMark')).toHaveLength(1))
    expect(bridge.callsOf('setMark')[0]).toMatchObject({ mark: 'love' })
    await waitFor(() =>
      expect(
        within(rows()[0]!)
          .getByRole('button', { name: /^Love / })
          .getAttribute('aria-pressed'),
      ).toBe('true'),
    )
  })

  it('offers play next, add to queue and marks in a row’s context menu', async () => {
    const { bridge } = renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    fireEvent.contextMenu(rows()[2]!)
    const menu = screen.getByRole('menu')
    fireEvent.click(within(menu).getByRole('menuitemcheckbox', { name: 'Add to queue' }))
    await waitFor(() => expect(screen.getAllByTestId('queue-entry')).toHaveLength(1))
    fireEvent.contextMenu(rows()[2]!)
    fireEvent.click(
      within(screen.getByRole('menu')).getByRole('menuitemcheckbox', { name: 'Not for me' }),
    )
    await waitFor(() => expect(bridge.callsOf('setMark')[0]).toMatchObject({ mark: 'not_for_me' }))
  })

  it('shows the first-run screen when there is no music folder, and adds one', async () => {
    const bridge = new FakeBridge({ roots: [] })
    renderApp(bridge)
    const input = await screen.findByRole('textbox', { name: 'Music folder' })
    fireEvent.change(input, { target: { value: '/home/me/Music' } })
    fireEvent.click(screen.getByRole('button', { name: 'Add' }))
    await waitFor(() => expect(bridge.callsOf('addRoot')).toEqual([{ path: '/home/me/Music' }]))
    await waitFor(() => expect(bridge.callsOf('startScan')).toHaveLength(1))
  })

  it('shows scan progress from the engine’s events', async () => {
    const { bridge } = renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    act(() =>
      bridge.emit('scanProgress', {
        phase: 'reading',
        seen: 40,
        done: 10,
        failed: 0,
        etaSeconds: 3,
        currentPath: null,
      }),
    )
    expect(
      screen.getByRole('progressbar', { name: 'Scanning' }).getAttribute('aria-valuenow'),
    ).toBe('25')
    act(() =>
      bridge.emit('scanFinished', {
        roots: [],
        seen: 40,
        added: 40,
        updated: 0,
        unchanged: 0,
        moved: 0,
        missing: 0,
        failed: [],
        elapsedMs: 1,
      }),
    )
    expect(screen.queryByRole('progressbar', { name: 'Scanning' })).toBeNull()
  })

  it('shows analysis progress in the status bar, in words, until analysis finishes', async () => {
    const { bridge } = renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    act(() =>
      bridge.emit('analysisProgress', {
        total: 40,
        done: 30,
        failed: 1,
        etaSeconds: 4.2,
        currentPath: null,
      }),
    )
    const bar = screen.getByRole('progressbar', { name: 'Analysing audio' })
    expect(bar.getAttribute('aria-valuenow')).toBe('75')
    expect(screen.getByTestId('analysis-progress').textContent).toBe(
      'Listening to your library: 30 of 40 tracks analysed, 1 could not be analysed, about 5 s left',
    )
    act(() =>
      bridge.emit('analysisFinished', {
        space: 'attune-dsp-v1',
        total: 40,
        analysed: 39,
        failed: [{ path: '/music/broken.mp3', error: 'The file ends early.' }],
        elapsedMs: 1,
      }),
    )
    expect(screen.queryByRole('progressbar', { name: 'Analysing audio' })).toBeNull()
  })
})

describe('now playing', () => {
  it('plays a track on double-click and reports the start', async () => {
    const { bridge, sounds } = renderApp()
    await playFirstRow()
    expect(bridge.callsOf('playStarted')).toHaveLength(1)
    expect(sounds.made[0]!.playing).toBe(true)
    expect(screen.getByRole('button', { name: 'Pause' })).toBeTruthy()
  })

  it('a mark button calls setMark and shows as pressed', async () => {
    const { bridge } = renderApp()
    await playFirstRow()
    const bar = screen.getByRole('contentinfo', { name: 'Now playing' })
    const like = within(bar).getByRole('button', { name: 'Like' })
    expect(like.getAttribute('aria-pressed')).toBe('false')
    fireEvent.click(like)
    await waitFor(() => expect(like.getAttribute('aria-pressed')).toBe('true'))
    expect(bridge.callsOf('setMark')).toEqual([{ trackId: 1, mark: 'like' }])
    // A second press takes the mark back.
    fireEvent.click(like)
    await waitFor(() => expect(like.getAttribute('aria-pressed')).toBe('false'))
    expect(bridge.callsOf('setMark').at(-1)).toEqual({ trackId: 1, mark: 'none' })
  })

  it('restores the saved queue and its position', async () => {
    const bridge = new FakeBridge()
    bridge.queue = {
      entries: [2, 3].map((id) => ({
        trackId: id,
        source: 'user' as const,
        track: bridge.tracks[id - 1]!,
      })),
      current: 1,
      position: 75,
      shuffle: false,
      repeat: 'all',
      volume: 0.6,
      revision: 0,
    }
    renderApp(bridge)
    await waitFor(() => expect(screen.getByTestId('now-playing-title').textContent).toBe('Song 3'))
    expect(screen.getByTestId('position').textContent).toBe('1:15')
    // The song before the current one is played: collapsed under "Played".
    expect(screen.getAllByTestId('queue-entry')).toHaveLength(1)
    fireEvent.click(screen.getByRole('button', { name: /Played \(1\)/ }))
    expect(screen.getAllByTestId('queue-entry')).toHaveLength(2)
    expect(screen.getByRole('button', { name: 'Repeat: all' })).toBeTruthy()
  })

  it('saves the queue after it changes', async () => {
    const { bridge } = renderApp()
    await playFirstRow()
    await waitFor(() => expect(bridge.callsOf('saveQueue').length).toBeGreaterThan(0), {
      timeout: 3000,
    })
    // A double-click plays the list from that row on: the whole table became the queue.
    expect(bridge.queue.entries.map((e) => e.trackId)).toEqual(shownIds())
  })
})

describe('errors and leaving', () => {
  it('a missing file says so in plain words and offers a rescan', async () => {
    const { bridge, sounds } = renderApp(new FakeBridge(), { missing: true })
    await playFirstRow()
    act(() => sounds.made[0]!.fire('loaderror'))
    const note = await screen.findByRole('status')
    expect(note.textContent).toMatch(/is missing: its file was moved or deleted/)
    fireEvent.click(within(note).getByRole('button', { name: 'Rescan library' }))
    await waitFor(() => expect(bridge.callsOf('startScan')).toHaveLength(1))
  })

  it('an undecodable file is skipped with a note and the next track plays', async () => {
    const { bridge, sounds, player } = renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    act(() => player.playTracksNow(bridge.tracks.slice(0, 2)))
    act(() => sounds.made[0]!.fire('loaderror'))
    // The engine's decode is asked for once, and fails too.
    await waitFor(() => expect(sounds.made[1]?.url).toMatch(/\?decode=1$/))
    act(() => sounds.made[1]!.fire('loaderror'))
    expect((await screen.findByRole('status')).textContent).toMatch(
      /could not be played, so it was skipped/,
    )
    await waitFor(() => expect(screen.getByTestId('now-playing-title').textContent).toBe('Song 2'))
    // The engine heard of it, and the library says so.
    expect(bridge.callsOf('reportUnplayable')).toMatchObject([{ trackId: 1 }])
    const badge = await screen.findByTestId('unplayable-badge')
    expect(badge.textContent).toBe('won’t play')
    expect(badge.getAttribute('title')).toMatch(/could play this file/)
  })

  it('closing the page ends the play with reason quit and saves the queue', async () => {
    const { bridge, sounds } = renderApp()
    await playFirstRow()
    await waitFor(() => expect(bridge.callsOf('playStarted')).toHaveLength(1))
    await new Promise((r) => setTimeout(r, 20))
    sounds.made[0]!.at = 47
    const saves = bridge.callsOf('saveQueue').length
    act(() => void window.dispatchEvent(new Event('beforeunload')))
    await waitFor(() =>
      expect(bridge.callsOf('playEnded')).toEqual([
        expect.objectContaining({ reason: 'quit', position: 47 }),
      ]),
    )
    expect(bridge.callsOf('saveQueue').length).toBeGreaterThan(saves)
    expect(bridge.callsOf('saveQueue').at(-1)).toMatchObject({ position: 47, current: 0 })
  })

  it('shows the cover of the playing track', async () => {
    const bridge = new FakeBridge()
    bridge.tracks[0] = { ...bridge.tracks[0]!, coverId: 'c0ffee' }
    renderApp(bridge)
    await playFirstRow()
    const bar = screen.getByRole('contentinfo', { name: 'Now playing' })
    expect(bar.querySelector('img')?.getAttribute('src')).toBe('/covers/c0ffee')
  })
})

describe('keyboard shortcuts', () => {
  it('space pauses and resumes, arrows seek five seconds', async () => {
    const { sounds } = renderApp()
    await playFirstRow()
    key(' ')
    expect(sounds.made[0]!.playing).toBe(false)
    key(' ')
    expect(sounds.made[0]!.playing).toBe(true)
    sounds.made[0]!.at = 20
    key('ArrowRight')
    expect(sounds.made[0]!.at).toBe(25)
    key('ArrowLeft')
    key('ArrowLeft')
    expect(sounds.made[0]!.at).toBe(15)
  })

  it('N skips to the next track, reporting the skip with its position', async () => {
    const { bridge, sounds } = renderApp()
    await playFirstRow()
    fireEvent.contextMenu(rows()[1]!)
    fireEvent.click(
      within(screen.getByRole('menu')).getByRole('menuitemcheckbox', { name: 'Add to queue' }),
    )
    sounds.made[0]!.at = 12
    key('n')
    await waitFor(() => expect(bridge.callsOf('playEnded')).toHaveLength(1))
    expect(bridge.callsOf('playEnded')[0]).toMatchObject({ reason: 'next', position: 12 })
    await waitFor(() => expect(bridge.callsOf('playStarted')).toHaveLength(2))
  })

  it('L, Shift+L, M and X set the four marks on the playing track', async () => {
    const { bridge } = renderApp()
    await playFirstRow()
    key('l')
    key('L', { shiftKey: true })
    key('m')
    key('x')
    await waitFor(() => expect(bridge.callsOf('setMark')).toHaveLength(4))
    expect(bridge.callsOf('setMark').map((c) => c?.mark)).toEqual([
      'like',
      'love',
      'near_miss',
      'not_for_me',
    ])
  })

  it('P goes back to the previous track', async () => {
    const { bridge, player } = renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    act(() => player.playTracksNow(bridge.tracks.slice(0, 2)))
    act(() => player.next())
    await waitFor(() => expect(screen.getByTestId('now-playing-title').textContent).toBe('Song 2'))
    key('p')
    await waitFor(() => expect(screen.getByTestId('now-playing-title').textContent).toBe('Song 1'))
    await waitFor(() =>
      expect(bridge.callsOf('playEnded').at(-1)).toMatchObject({ reason: 'previous' }),
    )
  })

  it('are ignored while typing in the search box', async () => {
    const { bridge } = renderApp()
    await playFirstRow()
    const search = screen.getByRole('searchbox', { name: 'Search' })
    act(() => void fireEvent.keyDown(search, { key: 'l' }))
    act(() => void fireEvent.keyDown(search, { key: 'n' }))
    await new Promise((r) => setTimeout(r, 20))
    expect(bridge.callsOf('setMark')).toHaveLength(0)
    expect(bridge.callsOf('playEnded')).toHaveLength(0)
  })

  it('↑ and ↓ change the volume, 0 mutes and unmutes, S and R toggle shuffle and repeat', async () => {
    const { player } = renderApp()
    await playFirstRow()
    act(() => player.setVolume(0.5))
    key('ArrowUp')
    expect(player.getSnapshot().volume).toBeCloseTo(0.6)
    key('ArrowDown')
    key('ArrowDown')
    expect(player.getSnapshot().volume).toBeCloseTo(0.4)
    expect(screen.getByTestId('announcement').textContent).toBe('Volume 40 %')
    key('0')
    expect(player.getSnapshot().volume).toBe(0)
    expect(screen.getByRole('button', { name: 'Unmute' })).toBeTruthy()
    key('0')
    expect(player.getSnapshot().volume).toBeCloseTo(0.4)
    key('s')
    expect(player.getSnapshot().queue.shuffle).toBe(true)
    expect(screen.getByTestId('announcement').textContent).toBe('Shuffle on')
    key('r')
    key('r')
    expect(player.getSnapshot().queue.repeat).toBe('one')
  })

  it('/ goes to the search box from any view', async () => {
    renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    fireEvent.click(screen.getByRole('button', { name: 'Insights' }))
    key('/')
    const search = screen.getByRole('searchbox', { name: 'Search' })
    expect(document.activeElement).toBe(search)
    await waitFor(() => expect(rows().length).toBe(30))
  })

  it('leave a focused slider its arrow keys and a focused button its Space', async () => {
    const { player, sounds } = renderApp()
    await playFirstRow()
    sounds.made[0]!.at = 20
    const slider = screen.getByRole('slider', { name: 'Volume' })
    const arrow = fireEvent.keyDown(slider, { key: 'ArrowLeft' })
    fireEvent.keyDown(slider, { key: 'ArrowUp' })
    // Not prevented: the browser moves the slider.
    expect(arrow).toBe(true)
    expect(sounds.made[0]!.at).toBe(20)
    expect(player.getSnapshot().volume).toBe(1)
    // Letters still work on a slider: it has no use for them.
    act(() => void fireEvent.keyDown(slider, { key: 's' }))
    expect(player.getSnapshot().queue.shuffle).toBe(true)
    const shuffle = screen.getByRole('button', { name: 'Shuffle' })
    expect(fireEvent.keyDown(shuffle, { key: ' ' })).toBe(true)
    expect(sounds.made[0]!.playing).toBe(true)
  })

  it('? opens the help overlay listing the shortcuts, Escape closes it', async () => {
    renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    key('?')
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' })
    for (const shortcut of SHORTCUTS) {
      expect(dialog.textContent).toContain(shortcut.keys)
      expect(dialog.textContent).toContain(shortcut.description)
    }
    for (const words of ['Mute', 'Louder', 'Quieter', 'Shuffle', 'Repeat', 'Search'])
      expect(dialog.textContent).toContain(words)
    key('Escape')
    expect(screen.queryByRole('dialog')).toBeNull()
  })
})

describe('queue and settings', () => {
  it('removes and clears queue entries', async () => {
    const { player, bridge } = renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    act(() => player.addTracks(bridge.tracks.slice(0, 3)))
    expect(screen.getAllByTestId('queue-entry')).toHaveLength(3)
    fireEvent.click(screen.getByRole('button', { name: 'Remove Song 2' }))
    expect(screen.getAllByTestId('queue-entry').map((e) => e.textContent)).toEqual([
      expect.stringContaining('Song 1'),
      expect.stringContaining('Song 3'),
    ])
    fireEvent.click(screen.getByRole('button', { name: 'Move Song 3 up' }))
    expect(screen.getAllByTestId('queue-entry')[0]!.textContent).toContain('Song 3')
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }))
    expect(screen.getByTestId('queue-empty')).toBeTruthy()
  })

  it('Clear empties up next, keeps the playing song, and offers Undo', async () => {
    const { player, sounds } = renderApp()
    await playFirstRow()
    await waitFor(() => expect(player.getSnapshot().queue.items).toHaveLength(30))
    const queue = screen.getByRole('complementary', { name: 'Queue panel' })
    expect(within(queue).getByTestId('up-next-count').textContent).toBe('29 songs up next')
    fireEvent.click(within(queue).getByRole('button', { name: 'Clear' }))
    expect(player.getSnapshot().queue.items).toHaveLength(1)
    expect(sounds.made[0]!.playing).toBe(true)
    expect(player.getSnapshot().track?.id).toBe(shownIds()[0])
    const notice = screen.getByTestId('mark-notice')
    expect(notice.textContent).toContain('Cleared 29 songs from Up next.')
    fireEvent.click(within(notice).getByRole('button', { name: 'Undo' }))
    expect(player.getSnapshot().queue.items.map((i) => i.entry.trackId)).toEqual(shownIds())
    expect(within(queue).getByTestId('up-next-count').textContent).toBe('29 songs up next')
  })

  it('reorders the queue by drag and drop', async () => {
    const { player, bridge } = renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    act(() => player.addTracks(bridge.tracks.slice(0, 3)))
    const entries = screen.getAllByTestId('queue-entry')
    const dataTransfer = { setData: () => undefined, effectAllowed: '' }
    fireEvent.dragStart(entries[0]!, { dataTransfer })
    fireEvent.dragOver(entries[2]!, { dataTransfer })
    fireEvent.drop(entries[2]!, { dataTransfer })
    expect(
      screen.getAllByTestId('queue-entry').map((e) => e.querySelector('.q-title')?.textContent),
    ).toEqual(['Song 2', 'Song 3', 'Song 1'])
  })

  it('shuffle toggles and repeat cycles off → all → one', async () => {
    const { player } = renderApp()
    await waitFor(() => expect(rows().length).toBe(30))
    const shuffle = screen.getByRole('button', { name: 'Shuffle' })
    fireEvent.click(shuffle)
    expect(shuffle.getAttribute('aria-pressed')).toBe('true')
    expect(player.getSnapshot().queue.shuffle).toBe(true)
    fireEvent.click(screen.getByRole('button', { name: 'Repeat: off' }))
    fireEvent.click(screen.getByRole('button', { name: 'Repeat: all' }))
    expect(screen.getByRole('button', { name: 'Repeat: one' })).toBeTruthy()
    expect(player.getSnapshot().queue.repeat).toBe('one')
  })

  it('lists, adds and removes library folders, and shows the coming features', async () => {
    const { bridge } = renderApp()
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }))
    expect(await screen.findByText('/music')).toBeTruthy()
    fireEvent.change(screen.getByRole('textbox', { name: 'Folder to add' }), {
      target: { value: '/more' },
    })
    fireEvent.click(screen.getByRole('button', { name: 'Add' }))
    await waitFor(() => expect(bridge.callsOf('addRoot')).toEqual([{ path: '/more' }]))
    fireEvent.click(screen.getByRole('button', { name: 'Remove /music' }))
    await waitFor(() => expect(bridge.callsOf('removeRoot')).toEqual([{ path: '/music' }]))
    expect(screen.getByRole('heading', { name: 'Auto-queue' })).toBeTruthy()
    fireEvent.click(screen.getByRole('tab', { name: 'Advanced' }))
    for (const title of ['Analysis', 'Rewards', 'Taste model']) {
      expect(screen.getByRole('heading', { name: title })).toBeTruthy()
    }
  })

  it('groups tracks by album', async () => {
    renderApp()
    fireEvent.click(screen.getByRole('button', { name: 'Albums' }))
    await waitFor(() => expect(screen.getAllByTestId('album-group').length).toBe(30))
  })
})
