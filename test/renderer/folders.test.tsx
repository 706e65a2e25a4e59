// @vitest-environment happy-dom
// Untagged libraries in the renderer: the Folders view, the "from folder" hint, and sort and
// column choices that outlive a reload, against the fake bridge.
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeBridge, fakeTrack } from './fake-bridge'
import { renderApp } from './render-app'

afterEach(() => {
  cleanup()
  localStorage.clear()
})

function folderLibrary(): FakeBridge {
  const bridge = new FakeBridge({ tracks: 0 })
  const derived = { title: true, artist: true, album: true }
  bridge.tracks = [
    fakeTrack(1, {
      path: '/music/Band/Album/01 - One.wav',
      title: 'One',
      artist: 'Band',
      album: 'Album',
      derived,
    }),
    fakeTrack(2, {
      path: '/music/Band/Album/02 - Two.wav',
      title: 'Two',
      artist: 'Band',
      album: 'Album',
      derived,
    }),
    fakeTrack(3, { path: '/music/loose.wav', title: 'loose', album: 'music', derived }),
  ]
  return bridge
}

const rows = () => screen.queryAllByTestId('track-row')

describe('the Folders view', () => {
  it('browses from the library folders down, and plays a folder with everything in it', async () => {
    const { player } = renderApp(folderLibrary())
    fireEvent.click(screen.getByRole('button', { name: 'Folders' }))
    const top = await screen.findByRole('list', { name: 'Library folders' })
    expect(within(top).getByText('3 tracks')).toBeTruthy()
    fireEvent.click(within(top).getByRole('button', { name: /^\/music/ }))
    const folders = await screen.findByRole('list', { name: 'Folders' })
    expect(within(folders).getByText('Band')).toBeTruthy()
    expect(
      within(screen.getByRole('list', { name: 'Tracks in this folder' })).getByText('loose'),
    ).toBeTruthy()
    fireEvent.click(within(folders).getByRole('button', { name: 'Play Band' }))
    await waitFor(() =>
      expect(player.getSnapshot().queue.items.map((i) => i.entry.track?.title)).toEqual([
        'One',
        'Two',
      ]),
    )
    fireEvent.click(within(folders).getByRole('button', { name: /^Band/ }))
    await screen.findByText('Album', { selector: '.folder-name' })
    const trail = screen.getByRole('navigation', { name: 'Folder path' })
    expect(
      within(trail)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Library folders', '/music', 'Band'])
    fireEvent.click(screen.getByRole('button', { name: 'Add folder to queue' }))
    await waitFor(() => expect(player.getSnapshot().queue.items).toHaveLength(4))
  })
})

describe('never play a folder', () => {
  it('is in each folder’s menu (⋯ or right-click), and the notice’s Undo takes it back', async () => {
    const bridge = folderLibrary()
    renderApp(bridge)
    fireEvent.click(screen.getByRole('button', { name: 'Folders' }))
    const top = await screen.findByRole('list', { name: 'Library folders' })
    fireEvent.click(within(top).getByRole('button', { name: /^\/music/ }))
    const folders = await screen.findByRole('list', { name: 'Folders' })
    fireEvent.click(within(folders).getByRole('button', { name: 'More for Band' }))
    const menu = screen.getByRole('menu', { name: 'Band' })
    fireEvent.click(within(menu).getByRole('menuitemcheckbox', { name: 'Never play this folder' }))
    await waitFor(() =>
      expect(bridge.callsOf('addExclusion')).toEqual([
        { rule: { kind: 'folder', path: '/music/Band' } },
      ]),
    )
    expect(screen.queryByRole('menu')).toBeNull()
    const notice = await screen.findByText(/Songs in the folder \/music\/Band will not be picked/)
    fireEvent.click(
      within(notice.closest('[role="status"]')!).getByRole('button', { name: 'Undo' }),
    )
    await waitFor(() => expect(bridge.callsOf('removeExclusion')).toHaveLength(1))
    // A right-click on the row opens the same menu.
    fireEvent.contextMenu(within(folders).getByTestId('folder'))
    expect(
      within(screen.getByRole('menu', { name: 'Band' })).getByRole('menuitemcheckbox', {
        name: 'Never play this folder',
      }),
    ).toBeTruthy()
  })
})

describe('the library table', () => {
  it('marks titles, artists and albums made from file and folder names', async () => {
    renderApp(folderLibrary())
    await waitFor(() => expect(rows()).toHaveLength(3))
    const derived = rows()[0]!.querySelectorAll('.derived')
    expect(derived).toHaveLength(3)
    expect(rows()[0]!.textContent).toContain('(from folder)')
    expect(rows()[0]!.textContent).toContain('(from file name)')
  })

  it('keeps the sort order and the hidden columns after a reload', async () => {
    const bridge = folderLibrary()
    const first = renderApp(bridge)
    await waitFor(() => expect(rows()).toHaveLength(3))
    fireEvent.click(screen.getByRole('columnheader', { name: 'Title' }))
    fireEvent.click(screen.getByRole('columnheader', { name: /Title/ }))
    fireEvent.click(screen.getByRole('button', { name: 'Choose columns' }))
    fireEvent.click(screen.getByRole('checkbox', { name: 'Format' }))
    expect(screen.queryByRole('columnheader', { name: 'Format' })).toBeNull()
    first.view.unmount()

    renderApp(bridge)
    await waitFor(() => expect(rows()).toHaveLength(3))
    expect(screen.getByRole('columnheader', { name: /Title/ }).getAttribute('aria-sort')).toBe(
      'descending',
    )
    expect(bridge.callsOf('listTracks').at(-1)).toMatchObject({ sort: 'title', descending: true })
    expect(screen.queryByRole('columnheader', { name: 'Format' })).toBeNull()
    expect(rows()[0]!.querySelector('.col-format')).toBeNull()
  })
})
