// End to end in Chromium: "never play" from a song's menu and from a folder's menu in the Folders
// view, the notice's Undo, and the list in Settings where a rule is taken back; the engine holds
// exactly the rules the screen shows.
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO } from './build'
import { callApi, useLibraryPage, until } from './host'

const LIBRARY = resolve(REPO, '../shared/fixtures/music/wesnoth')

const session = useLibraryPage(LIBRARY)

const rules = () => callApi<{ rule: { kind: string } }[]>(session.host, 'listExclusions')

describe('never play, end to end', () => {
  it('adds an artist from the song menu, and Undo in the notice takes it back', async () => {
    await session.page.getByTestId('track-row').first().click({ button: 'right' })
    const item = session.page
      .getByRole('menuitemcheckbox', { name: /^Never play (?!the album)/ })
      .first()
    const label = await item.innerText()
    await item.click()
    await until(rules, (r) => r.length === 1, 'the rule')
    expect((await rules())[0]!.rule.kind).toBe('artist')
    const notice = session.page
      .getByRole('status')
      .filter({ hasText: 'will not be picked for you' })
    await notice.waitFor()
    expect(await notice.innerText()).toContain(label.replace(/^Never play /, 'Songs by '))
    await notice.getByRole('button', { name: 'Undo' }).click()
    await until(rules, (r) => r.length === 0, 'the undo')
  })

  it('lists the rules in Settings, in words, and allows one again', async () => {
    await session.page.getByTestId('track-row').first().click({ button: 'right' })
    await session.page.getByRole('menuitemcheckbox', { name: /^Never play the album / }).click()
    await until(rules, (r) => r.length === 1, 'the album rule')
    await session.page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: 'Settings' })
      .click()
    const card = session.page.locator('.card[aria-label="Never play"]')
    await card.getByText(/^The album /).waitFor()
    await card.getByRole('button', { name: 'Allow again' }).click()
    await until(rules, (r) => r.length === 0, 'the rule taken back')
    await card.getByText('Nothing is excluded.').waitFor()
  })

  it('never plays a folder from its menu in the Folders view, and lists it in Settings', async () => {
    const views = session.page.getByRole('navigation', { name: 'Views' })
    await views.getByRole('button', { name: 'Folders' }).click()
    const folder = session.page.getByTestId('folder').first()
    await folder.getByRole('button', { name: /^More for / }).click()
    await session.page.getByRole('menuitemcheckbox', { name: 'Never play this folder' }).click()
    await until(rules, (r) => r.length === 1, 'the folder rule')
    const [{ rule }] = (await rules()) as [{ rule: { kind: string; path?: string } }]
    expect(rule.kind).toBe('folder')
    expect(rule.path?.replace(/\/$/, '').endsWith('/wesnoth')).toBe(true)
    await views.getByRole('button', { name: 'Settings' }).click()
    const card = session.page.locator('.card[aria-label="Never play"]')
    await card.getByText(/^Songs in the folder .*wesnoth/).waitFor()
    await card.getByRole('button', { name: 'Allow again' }).click()
    await until(rules, (r) => r.length === 0, 'the rule taken back')
  })
})
