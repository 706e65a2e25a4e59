// @vitest-environment happy-dom
// The Playlists view against the fake bridge: saved playlists and the live top list, missing
// entries greyed, reorder with the arrow buttons, delete with Undo, play and queue, "Save as
// playlist" in the queue panel and "Add to playlist…" in a song's menu.
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeBridge } from './fake-bridge'
import { renderApp } from './render-app'

afterEach(() => {
  cleanup()
  localStorage.clear()
})

function withPlaylist(): FakeBridge {
  const bridge = new FakeBridge({ tracks: 10 })
  // Track 99 is not in the library: a missing entry.
  bridge.playlists = [{ id: 1, name: 'Road trip', trackIds: [3, 99, 1, 2], deleted: false }]
  return bridge
}

const titles = () =>
  screen
    .getAllByTestId('playlist-entry')
    .map((row) => row.querySelector('.album-track-title')?.textContent)

describe('the Playlists view', () => {
  it('lists the live top list and saved playlists, greys missing songs and reorders', async () => {
    const bridge = withPlaylist()
    renderApp(bridge)
    fireEvent.click(screen.getByRole('button', { name: 'Playlists' }))
    const list = await screen.findByRole('list', { name: 'Your playlists' })
    expect(
      within(list)
        .getAllByTestId('playlist-item')
        .map((b) => b.textContent),
    ).toEqual([
      expect.stringMatching(/Top 50 for me now.*live · 10 songs/),
      expect.stringMatching(/Road trip.*4 songs · 1 missing/),
    ])
    // The live list is shown first, and read again when the model has learned.
    await screen.findByText('Top 50 for me now', { selector: 'h2' })
    expect(titles()[0]).toBe('Song 1')
    bridge.tracks = [...bridge.tracks.slice(1), bridge.tracks[0]!]
    bridge.emit('modelUpdated', { lastEventId: 1 })
    await waitFor(() => expect(titles()[0]).toBe('Song 2'))
    fireEvent.click(within(list).getByRole('button', { name: /^Road trip/ }))
    await screen.findByText('Road trip', { selector: 'h2' })
    expect(titles()).toEqual(['Song 3', '99.mp3', 'Song 1', 'Song 2'])
    const missing = screen.getAllByTestId('playlist-entry')[1]!
    expect(missing.getAttribute('data-missing')).toBe('true')
    expect(within(missing).getByRole('button', { name: 'Play 99.mp3' })).toHaveProperty(
      'disabled',
      true,
    )
    fireEvent.click(screen.getByRole('button', { name: 'Move Song 3 down' }))
    await waitFor(() => expect(titles()).toEqual(['99.mp3', 'Song 3', 'Song 1', 'Song 2']))
    expect(bridge.playlists[0]!.trackIds).toEqual([99, 3, 1, 2])
  })

  it('plays only the songs that are there, starts a radio from them, and deletes with Undo', async () => {
    const bridge = withPlaylist()
    const { player } = renderApp(bridge)
    fireEvent.click(screen.getByRole('button', { name: 'Playlists' }))
    fireEvent.click(await screen.findByRole('button', { name: /^Road trip/ }))
    await screen.findByText('Road trip', { selector: 'h2' })
    fireEvent.click(screen.getByRole('button', { name: 'Play Road trip' }))
    await waitFor(() =>
      expect(player.getSnapshot().queue.items.map((i) => i.entry.trackId)).toEqual([3, 1, 2]),
    )
    fireEvent.click(screen.getByRole('button', { name: 'Start radio from Road trip' }))
    await screen.findByText(/^Radio from the playlist Road trip/)
    expect(bridge.calls.find((c) => c.name === 'startRadio')?.args).toEqual({
      seed: { kind: 'tracks', trackIds: [3, 1, 2], name: 'the playlist Road trip' },
    })
    fireEvent.click(screen.getByRole('button', { name: 'Delete Road trip' }))
    await waitFor(() => expect(bridge.playlists[0]!.deleted).toBe(true))
    await waitFor(() => expect(screen.queryByRole('button', { name: /^Road trip/ })).toBeNull())
    fireEvent.click(await screen.findByRole('button', { name: 'Undo' }))
    await screen.findByRole('button', { name: /^Road trip/ })
    expect(bridge.playlists[0]!.deleted).toBe(false)
  })

  it('saves the queue as a playlist, and adds a song from its menu', async () => {
    const bridge = new FakeBridge({ tracks: 10 })
    const { player } = renderApp(bridge)
    player.playList(bridge.tracks.slice(0, 3))
    fireEvent.click(await screen.findByRole('button', { name: 'Save as playlist' }))
    const dialog = await screen.findByRole('dialog', { name: 'Save the queue as a playlist' })
    fireEvent.change(within(dialog).getByLabelText('New playlist name'), {
      target: { value: 'Evening' },
    })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }))
    await screen.findByText('Saved 3 songs as the playlist Evening.')
    expect(bridge.playlists).toMatchObject([{ name: 'Evening', trackIds: [1, 2, 3] }])

    const rows = await screen.findAllByTestId('track-row')
    fireEvent.contextMenu(rows[4]!)
    fireEvent.click(await screen.findByRole('menuitemcheckbox', { name: 'Add to playlist…' }))
    const add = await screen.findByRole('dialog', { name: /to a playlist/ })
    fireEvent.click(await within(add).findByRole('button', { name: 'Evening' }))
    await screen.findByText('Added one song to Evening.')
    expect(bridge.playlists[0]!.trackIds).toHaveLength(4)
  })
})
