// @vitest-environment happy-dom
// Issue 15: an unplugged library folder shows as offline, and a read-only database says so.
import { cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { SettingsView } from '../../src/renderer/src/features/settings/SettingsView'
import type { LibraryStatus } from '../../src/shared/contract'
import { FakeBridge } from './fake-bridge'

afterEach(() => cleanup())

const status: LibraryStatus = {
  database: '/home/me/.config/attune/library.db',
  tracks: 10,
  missing: 4,
  failed: 0,
  roots: [
    { id: 1, path: '/media/usb/music', addedAt: 1, offline: true },
    { id: 2, path: '/home/me/Music', addedAt: 1 },
  ],
  scanning: false,
  analysed: 0,
  analysing: false,
  readOnly: 'The database cannot be written.',
}

describe('settings: folders that are not there, and a database that cannot be written', () => {
  it('marks the unplugged folder only, and says nothing will be saved', () => {
    render(
      <SettingsView
        bridge={new FakeBridge()}
        status={status}
        scanning={false}
        onError={() => {}}
      />,
    )
    const folders = screen.getByRole('list', { name: 'Library folders' })
    const items = [...folders.querySelectorAll('li')].map((li) => li.textContent ?? '')
    expect(items[0]).toMatch(/\/media\/usb\/music.*not there now/)
    expect(items[1]).not.toMatch(/not there now/)
    expect(screen.getByRole('note').textContent).toMatch(/can only read this library/)
  })
})
