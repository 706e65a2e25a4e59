// @vitest-environment happy-dom
// Selecting songs in the Songs table against the fake bridge: Ctrl/Cmd-click toggles a row,
// Shift-click extends from the last row clicked, Escape clears, and the menu of a selected row
// acts on the whole selection (play, queue, a new playlist). Albums and artists add to a playlist.
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeBridge } from './fake-bridge'
import { renderApp } from './render-app'

afterEach(() => {
  cleanup()
  localStorage.clear()
})

const rows = () => screen.getAllByTestId('track-row')
/** The track ids of the rows marked selected, in the table's order. */
const selectedIds = () =>
  rows()
    .filter((r) => r.getAttribute('aria-selected') === 'true')
    .map((r) => Number(r.getAttribute('data-track-id')))
const idOf = (i: number) => Number(rows()[i]!.getAttribute('data-track-id'))

describe('the Songs table selection', () => {
  it('toggles with Ctrl or Cmd, extends with Shift, and clears with Escape', async () => {
    renderApp(new FakeBridge({ tracks: 10 }))
    await screen.findAllByTestId('track-row')
    fireEvent.click(rows()[1]!)
    expect(selectedIds()).toEqual([idOf(1)])
    fireEvent.click(rows()[3]!, { ctrlKey: true })
    fireEvent.click(rows()[5]!, { metaKey: true })
    expect(selectedIds()).toEqual([idOf(1), idOf(3), idOf(5)])
    fireEvent.click(rows()[3]!, { ctrlKey: true })
    expect(selectedIds()).toEqual([idOf(1), idOf(5)])
    // Shift extends from the last row clicked (row 3, toggled off: the anchor still).
    fireEvent.click(rows()[6]!, { shiftKey: true })
    expect(selectedIds()).toEqual([idOf(3), idOf(4), idOf(5), idOf(6)])
    fireEvent.click(rows()[1]!, { shiftKey: true })
    expect(selectedIds()).toEqual([idOf(1), idOf(2), idOf(3)])
    // A plain click starts again.
    fireEvent.click(rows()[8]!)
    expect(selectedIds()).toEqual([idOf(8)])
    fireEvent.click(rows()[9]!, { ctrlKey: true })
    fireEvent.keyDown(rows()[9]!, { key: 'Escape' })
    expect(selectedIds()).toEqual([])
  })

  it('keeps double-click playing from the row', async () => {
    const { player } = renderApp(new FakeBridge({ tracks: 10 }))
    await screen.findAllByTestId('track-row')
    fireEvent.click(rows()[2]!, { ctrlKey: true })
    fireEvent.click(rows()[4]!, { ctrlKey: true })
    fireEvent.doubleClick(rows()[4]!)
    await waitFor(() => expect(player.getSnapshot().track?.id).toBe(idOf(4)))
  })

  it('acts on the whole selection from a selected row’s menu, in the table’s order', async () => {
    const bridge = new FakeBridge({ tracks: 10 })
    const { player } = renderApp(bridge)
    await screen.findAllByTestId('track-row')
    const picked = [idOf(6), idOf(2), idOf(4)]
    fireEvent.click(rows()[6]!, { ctrlKey: true })
    fireEvent.click(rows()[2]!, { ctrlKey: true })
    fireEvent.click(rows()[4]!, { ctrlKey: true })
    const inOrder = [idOf(2), idOf(4), idOf(6)]
    expect(selectedIds()).toEqual(inOrder)

    // The ⋯ button of a selected row keeps the selection and names how many.
    fireEvent.click(within(rows()[4]!).getByRole('button', { name: /^More for/ }))
    let menu = await screen.findByRole('menu')
    expect(
      within(menu)
        .getAllByRole('menuitemcheckbox')
        .map((i) => i.textContent),
    ).toEqual([
      'Play 3 songs now',
      'Play 3 songs next',
      'Add 3 songs to queue',
      'Add 3 songs to playlist…',
      'Start radio from 3 songs',
    ])
    fireEvent.click(within(menu).getByRole('menuitemcheckbox', { name: 'Add 3 songs to queue' }))
    await waitFor(() =>
      expect(player.getSnapshot().queue.items.map((i) => i.entry.trackId)).toEqual(inOrder),
    )
    expect(selectedIds()).toEqual(inOrder)

    fireEvent.contextMenu(rows()[2]!)
    menu = await screen.findByRole('menu')
    fireEvent.click(
      within(menu).getByRole('menuitemcheckbox', { name: 'Add 3 songs to playlist…' }),
    )
    const dialog = await screen.findByRole('dialog', { name: 'Add 3 songs to a playlist' })
    fireEvent.change(await within(dialog).findByLabelText('New playlist name'), {
      target: { value: 'Picked' },
    })
    fireEvent.click(within(dialog).getByRole('button', { name: 'New playlist' }))
    await screen.findByText('Saved 3 songs as the playlist Picked.')
    expect(bridge.playlists).toMatchObject([{ name: 'Picked', trackIds: inOrder }])
    expect(new Set(picked)).toEqual(new Set(inOrder))

    // A row outside the selection: its own menu, and it becomes the selection.
    fireEvent.contextMenu(rows()[8]!)
    menu = await screen.findByRole('menu')
    expect(within(menu).getByRole('menuitemcheckbox', { name: 'Add to playlist…' })).toBeTruthy()
    expect(selectedIds()).toEqual([idOf(8)])
  })

  it('plays a selection now', async () => {
    const { player } = renderApp(new FakeBridge({ tracks: 10 }))
    await screen.findAllByTestId('track-row')
    fireEvent.click(rows()[7]!)
    fireEvent.click(rows()[5]!, { shiftKey: true })
    fireEvent.contextMenu(rows()[6]!)
    fireEvent.click(
      within(await screen.findByRole('menu')).getByRole('menuitemcheckbox', {
        name: 'Play 3 songs now',
      }),
    )
    await waitFor(() => expect(player.getSnapshot().track?.id).toBe(idOf(5)))
    expect(player.getSnapshot().queue.items.map((i) => i.entry.trackId)).toEqual(
      expect.arrayContaining([idOf(5), idOf(6), idOf(7)]),
    )
  })

  it('starts a radio from a selection', async () => {
    const bridge = new FakeBridge({ tracks: 10 })
    renderApp(bridge)
    await screen.findAllByTestId('track-row')
    fireEvent.click(rows()[3]!)
    fireEvent.click(rows()[1]!, { ctrlKey: true })
    fireEvent.contextMenu(rows()[3]!)
    fireEvent.click(
      within(await screen.findByRole('menu')).getByRole('menuitemcheckbox', {
        name: 'Start radio from 2 songs',
      }),
    )
    await waitFor(() =>
      expect(bridge.calls.find((c) => c.name === 'startRadio')?.args).toEqual({
        seed: { kind: 'tracks', trackIds: [idOf(1), idOf(3)], name: 'the 2 songs you picked' },
      }),
    )
  })
})

describe('a Shift range past rows not loaded yet', () => {
  it('reads them, and the menu acts on every song of the range', async () => {
    const bridge = new FakeBridge({ tracks: 1000 })
    const { player } = renderApp(bridge)
    await screen.findAllByTestId('track-row')
    fireEvent.click(rows()[0]!)
    // A jump down the scrollbar: pages 1 and 2 (rows 200-599) are never shown.
    const scroller = screen.getByTestId('library-scroller')
    scroller.scrollTop = 650 * 34
    fireEvent.scroll(scroller)
    const row = (place: number) =>
      rows().find((r) => r.getAttribute('aria-rowindex') === String(place + 2))
    await waitFor(() => expect(row(650)).toBeTruthy())
    expect(bridge.callsOf('listTracks').some((c) => c?.offset === 400)).toBe(false)
    fireEvent.click(row(650)!, { shiftKey: true })
    expect(row(645)!.getAttribute('aria-selected')).toBe('true')
    expect(row(655)!.getAttribute('aria-selected')).toBe('false')
    // The rows between are asked for at once; the menu, opened once they came, counts them all.
    await waitFor(() =>
      expect(bridge.callsOf('listTracks').filter((c) => c?.offset === 400)).toHaveLength(1),
    )
    await act(() => new Promise((done) => setTimeout(done, 50)))
    fireEvent.contextMenu(row(650)!)
    fireEvent.click(
      within(await screen.findByRole('menu')).getByRole('menuitemcheckbox', {
        name: 'Add 651 songs to queue',
      }),
    )
    const { tracks } = await bridge.api.listTracks({ sort: 'album', offset: 0, limit: 651 })
    await waitFor(() =>
      expect(player.getSnapshot().queue.items.map((i) => i.entry.trackId)).toEqual(
        tracks.map((t) => t.id),
      ),
    )
  }, 20_000)
})

describe('albums and artists', () => {
  it('add an album’s songs to a playlist', async () => {
    const bridge = new FakeBridge({ tracks: 10 })
    renderApp(bridge)
    fireEvent.click(screen.getByRole('button', { name: 'Albums' }))
    const albums = await screen.findAllByTestId('album-group')
    fireEvent.click(within(albums[0]!).getByRole('button'))
    const region = await screen.findByRole('region', { name: /^Album / })
    const tracks = await within(region).findAllByTestId('album-track')
    fireEvent.click(within(region).getByRole('button', { name: 'Add to playlist…' }))
    const dialog = await screen.findByRole('dialog', { name: /to a playlist$/ })
    fireEvent.change(await within(dialog).findByLabelText('New playlist name'), {
      target: { value: 'Whole album' },
    })
    fireEvent.click(within(dialog).getByRole('button', { name: 'New playlist' }))
    await screen.findByText(/as the playlist Whole album\.$/)
    expect(bridge.playlists[0]!.trackIds).toHaveLength(tracks.length)
  })

  it('add an artist’s songs to a playlist', async () => {
    const bridge = new FakeBridge({ tracks: 10 })
    renderApp(bridge)
    fireEvent.click(screen.getByRole('button', { name: 'Artists' }))
    const artist = (await screen.findAllByRole('button', { name: /^Artist / }))[0]!
    fireEvent.click(artist)
    const name = (await screen.findByRole('heading', { level: 2 })).textContent
    fireEvent.click(await screen.findByRole('button', { name: 'Add to playlist…' }))
    const dialog = await screen.findByRole('dialog', { name: `Add ${name} to a playlist` })
    fireEvent.change(await within(dialog).findByLabelText('New playlist name'), {
      target: { value: 'Whole artist' },
    })
    fireEvent.click(within(dialog).getByRole('button', { name: 'New playlist' }))
    await screen.findByText(/as the playlist Whole artist\.$/)
    const { tracks } = await bridge.api.listGroupTracks({ artist: name })
    expect(tracks.length).toBeGreaterThan(0)
    expect(bridge.playlists[0]!.trackIds).toEqual(tracks.map((t) => t.id))
  })
})
