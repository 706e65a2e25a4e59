// @vitest-environment happy-dom
// The Albums and Artists views over the whole library, and keyset paging of the library table,
// against the fake bridge.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { GroupedView, GROUP_PAGE_SIZE } from '../../src/renderer/src/features/library/GroupedView'
import type { Track } from '../../src/shared/domain'
import { renderApp } from './render-app'
import { FakeBridge, fakeTrack } from './fake-bridge'

afterEach(() => {
  cleanup()
  localStorage.clear()
})

/** Two albums of one artist (the second with a cover and three tracks, listed out of order) and a compilation. */
function smallLibrary(): FakeBridge {
  const bridge = new FakeBridge({ tracks: 0 })
  const track = (id: number, overrides: Partial<Track>) => fakeTrack(id, overrides)
  bridge.tracks = [
    track(1, {
      title: 'Closing',
      album: 'Second Light',
      artist: 'Aurora Tide',
      trackNo: 3,
      coverId: 'c0ffee',
    }),
    track(2, {
      title: 'Opening',
      album: 'Second Light',
      artist: 'Aurora Tide',
      trackNo: 1,
      coverId: 'c0ffee',
    }),
    track(3, {
      title: 'Middle',
      album: 'Second Light',
      artist: 'Aurora Tide',
      trackNo: 2,
      coverId: 'c0ffee',
    }),
    track(4, { title: 'Dawn', album: 'First Light', artist: 'Aurora Tide', trackNo: 1 }),
    track(5, { title: 'Mix A', album: 'Summer Mix', artist: 'Kai', trackNo: 1 }),
    track(6, { title: 'Mix B', album: 'Summer Mix', artist: 'Lu', trackNo: 2 }),
  ]
  return bridge
}

const albumCards = () => screen.queryAllByTestId('album-group')

describe('the Albums view', () => {
  it('shows every album with its cover, opens one in track order, and plays it all', async () => {
    const { bridge } = renderApp(smallLibrary())
    fireEvent.click(await screen.findByRole('button', { name: 'Albums' }))
    await waitFor(() => expect(albumCards()).toHaveLength(3))
    const text = (card: HTMLElement, part: string) => card.querySelector(part)?.textContent
    expect(
      albumCards().map((card) => [text(card, '.album-title'), text(card, '.album-sub')]),
    ).toEqual([
      ['First Light', 'Aurora Tide · 2000'],
      ['Second Light', 'Aurora Tide · 2000'],
      ['Summer Mix', 'Various artists · 2000'],
    ])
    const cover = within(albumCards()[1]!).getByRole('img', { name: 'Cover of Second Light' })
    expect(cover.getAttribute('src')).toBe('/covers/c0ffee')

    fireEvent.click(within(albumCards()[1]!).getByRole('button'))
    const album = await screen.findByRole('region', { name: 'Album Second Light' })
    await waitFor(() => expect(within(album).getAllByTestId('album-track')).toHaveLength(3))
    expect(
      within(album)
        .getAllByTestId('album-track')
        .map((row) => row.querySelector('.album-track-title')?.textContent),
    ).toEqual(['Opening', 'Middle', 'Closing'])
    expect(bridge.callsOf('listGroupTracks')).toEqual([{ album: '[null,"Second Light"]' }])

    fireEvent.click(within(album).getByRole('button', { name: 'Play all' }))
    await waitFor(() => expect(screen.getByTestId('now-playing-title').textContent).toBe('Opening'))
    await waitFor(() => expect(screen.getAllByTestId('queue-entry')).toHaveLength(3))
    expect(screen.getAllByTestId('queue-entry').map((e) => e.textContent)).toEqual([
      expect.stringContaining('Opening'),
      expect.stringContaining('Middle'),
      expect.stringContaining('Closing'),
    ])

    const listed = bridge.callsOf('listAlbums').length
    fireEvent.click(screen.getByRole('button', { name: 'Back to the album list' }))
    await waitFor(() => expect(screen.queryByRole('region', { name: /^Album / })).toBeNull())
    expect(albumCards()).toHaveLength(3)
    // The list was kept while the album was open: nothing is asked again.
    expect(bridge.callsOf('listAlbums')).toHaveLength(listed)
  })

  it('plays one track of an album, and adds a whole album to the queue', async () => {
    renderApp(smallLibrary())
    fireEvent.click(await screen.findByRole('button', { name: 'Albums' }))
    await waitFor(() => expect(albumCards()).toHaveLength(3))
    fireEvent.click(within(albumCards()[2]!).getByRole('button'))
    const album = await screen.findByRole('region', { name: 'Album Summer Mix' })
    fireEvent.click(await within(album).findByRole('button', { name: 'Play Mix B' }))
    await waitFor(() => expect(screen.getByTestId('now-playing-title').textContent).toBe('Mix B'))
    expect(screen.getAllByTestId('queue-entry')).toHaveLength(1)
    fireEvent.click(within(album).getByRole('button', { name: 'Add all to queue' }))
    await waitFor(() => expect(screen.getAllByTestId('queue-entry')).toHaveLength(3))
  })

  it('plays an album on from the song double-clicked', async () => {
    renderApp(smallLibrary())
    fireEvent.click(await screen.findByRole('button', { name: 'Albums' }))
    await waitFor(() => expect(albumCards()).toHaveLength(3))
    fireEvent.click(within(albumCards()[2]!).getByRole('button'))
    const album = await screen.findByRole('region', { name: 'Album Summer Mix' })
    await waitFor(() => expect(within(album).getAllByTestId('album-track')).toHaveLength(2))
    fireEvent.doubleClick(within(album).getAllByTestId('album-track')[0]!)
    await waitFor(() => expect(screen.getByTestId('now-playing-title').textContent).toBe('Mix A'))
    expect(
      screen.getAllByTestId('queue-entry').map((e) => e.querySelector('.q-title')?.textContent),
    ).toEqual(['Mix A', 'Mix B'])
  })

  it('loads more albums as asked, with no limit on how many', async () => {
    const bridge = new FakeBridge({ tracks: 0 })
    bridge.tracks = Array.from({ length: 250 }, (_, i) =>
      fakeTrack(i + 1, { album: `Album ${String(i).padStart(3, '0')}`, artist: 'Many' }),
    )
    render(
      <GroupedView
        bridge={bridge}
        by="album"
        search=""
        refreshKey={0}
        onPlay={() => undefined}
        onQueue={() => undefined}
      />,
    )
    await waitFor(() => expect(albumCards()).toHaveLength(GROUP_PAGE_SIZE))
    expect(screen.getByTestId('album-count').textContent).toBe('250 albums')
    fireEvent.click(screen.getByRole('button', { name: 'Show more' }))
    await waitFor(() => expect(albumCards()).toHaveLength(200))
    fireEvent.click(screen.getByRole('button', { name: 'Show more' }))
    await waitFor(() => expect(albumCards()).toHaveLength(250))
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull()
    expect(bridge.callsOf('listAlbums').map((c) => c?.offset)).toEqual([0, 100, 200])
    expect(albumCards().at(-1)!.textContent).toContain('Album 249')
  })

  it('says so in words when nothing matches, or there are no albums', async () => {
    const bridge = smallLibrary()
    const view = (search: string) => (
      <GroupedView
        bridge={bridge}
        by="album"
        search={search}
        refreshKey={0}
        onPlay={() => undefined}
        onQueue={() => undefined}
      />
    )
    const { rerender } = render(view('zzz'))
    expect(await screen.findByText('No album has a track matching “zzz”.')).toBeTruthy()
    rerender(view('mix b'))
    await waitFor(() => expect(albumCards()).toHaveLength(1))
    bridge.tracks = []
    rerender(view(''))
    expect(await screen.findByText(/^No albums yet\./)).toBeTruthy()
  })

  it('tells the listener in plain words when the albums cannot be read', async () => {
    const bridge = smallLibrary()
    bridge.api.listAlbums = () => Promise.reject(new Error('The library database is locked.'))
    render(
      <GroupedView
        bridge={bridge}
        by="album"
        search=""
        refreshKey={0}
        onPlay={() => undefined}
        onQueue={() => undefined}
      />,
    )
    expect(
      await screen.findByText('The albums could not be read: The library database is locked.'),
    ).toBeTruthy()
  })
})

describe('the Artists view', () => {
  it('lists artists, opens one to their albums, and an album to its tracks', async () => {
    const { bridge } = renderApp(smallLibrary())
    fireEvent.click(await screen.findByRole('button', { name: 'Artists' }))
    await waitFor(() => expect(screen.getAllByTestId('artist-group')).toHaveLength(3))
    const artists = screen.getAllByTestId('artist-group')
    expect(artists.map((a) => a.querySelector('.artist-name')?.textContent)).toEqual([
      'Aurora Tide',
      'Kai',
      'Lu',
    ])
    expect(artists[0]!.textContent).toContain('2 albums · 4 tracks')
    fireEvent.click(within(artists[0]!).getByRole('button'))
    expect(await screen.findByRole('heading', { name: 'Aurora Tide' })).toBeTruthy()
    await waitFor(() => expect(albumCards()).toHaveLength(2))
    expect(bridge.callsOf('listAlbums').at(-1)).toMatchObject({ artist: 'Aurora Tide' })

    fireEvent.click(screen.getByRole('button', { name: 'Play all' }))
    await waitFor(() => expect(screen.getAllByTestId('queue-entry')).toHaveLength(4))
    expect(bridge.callsOf('listGroupTracks')).toEqual([{ artist: 'Aurora Tide' }])

    fireEvent.click(within(albumCards()[0]!).getByRole('button'))
    expect(await screen.findByRole('region', { name: 'Album First Light' })).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Back to Aurora Tide' }))
    expect(await screen.findByRole('heading', { name: 'Aurora Tide' })).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Back to the artist list' }))
    await waitFor(() => expect(screen.getAllByTestId('artist-group')).toHaveLength(3))
  })
})

describe('an artist or album with more tracks than one answer holds', () => {
  it('says how many were taken of how many, and says nothing when none were left out', async () => {
    const bridge = smallLibrary()
    // The engine cuts at 10,000; here at 3, so Aurora Tide's four tracks are cut.
    bridge.maxGroupTracks = 3
    renderApp(bridge)
    fireEvent.click(await screen.findByRole('button', { name: 'Artists' }))
    await waitFor(() => expect(screen.getAllByTestId('artist-group')).toHaveLength(3))
    fireEvent.click(within(screen.getAllByTestId('artist-group')[0]!).getByRole('button'))
    expect(await screen.findByRole('heading', { name: 'Aurora Tide' })).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Play all' }))
    await waitFor(() => expect(screen.getAllByTestId('queue-entry')).toHaveLength(3))
    expect(screen.getByText('Only the first 3 of 4 tracks were taken.')).toBeTruthy()

    // An album within the limit: its whole track list, and no such note.
    await waitFor(() => expect(albumCards()).toHaveLength(2))
    fireEvent.click(within(albumCards()[1]!).getByRole('button'))
    const album = await screen.findByRole('region', { name: 'Album Second Light' })
    await waitFor(() => expect(within(album).getAllByTestId('album-track')).toHaveLength(3))
    expect(within(album).queryByText(/Showing the first/)).toBeNull()

    // The same album, cut: the shown count is the album's, and the cut is said.
    bridge.maxGroupTracks = 2
    fireEvent.click(screen.getByRole('button', { name: 'Back to Aurora Tide' }))
    await waitFor(() => expect(albumCards()).toHaveLength(2))
    fireEvent.click(within(albumCards()[1]!).getByRole('button'))
    const cutAlbum = await screen.findByRole('region', { name: 'Album Second Light' })
    await waitFor(() => expect(within(cutAlbum).getAllByTestId('album-track')).toHaveLength(2))
    expect(within(cutAlbum).getByText('Showing the first 2 of 3 tracks.')).toBeTruthy()
    expect(cutAlbum.textContent).toContain('3 tracks')
  })
})

describe('the library table', () => {
  it('asks for the page after one it has by that page’s last row', async () => {
    const { bridge } = renderApp(new FakeBridge({ tracks: 1000 }))
    await waitFor(() => expect(screen.queryAllByTestId('track-row').length).toBeGreaterThan(0))
    const scroller = screen.getByTestId('library-scroller')
    scroller.scrollTop = 190 * 34
    fireEvent.scroll(scroller)
    await waitFor(() =>
      expect(bridge.callsOf('listTracks').some((c) => c?.offset === 200)).toBe(true),
    )
    const next = bridge.callsOf('listTracks').find((c) => c?.offset === 200)
    const [lastOfFirstPage] = (await bridge.api.listTracks({ offset: 199, limit: 1 })).tracks
    expect(next?.after).toBe(lastOfFirstPage!.id)
    await waitFor(() =>
      expect(
        screen.queryAllByTestId('track-row').some((r) => r.getAttribute('aria-rowindex') === '202'),
      ).toBe(true),
    )
  })
})
