// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { SettingsView } from '../../src/renderer/src/features/settings/SettingsView'
import { SAVED_MESSAGE } from '../../src/renderer/src/features/settings/ModelSettings'
import { DEFAULT_SETTINGS } from '../../src/shared/settings'
import { FakeBridge } from './fake-bridge'

afterEach(() => {
  cleanup()
  localStorage.clear()
})

const IMPORTED_SPACE = { space: 'clap-music', dim: 512, vectors: 1, errors: 2 }

function renderSettings(bridge = new FakeBridge()) {
  const errors: string[] = []
  render(
    <SettingsView bridge={bridge} status={null} scanning={false} onError={(m) => errors.push(m)} />,
  )
  // These settings are under Advanced.
  fireEvent.click(screen.getByRole('tab', { name: 'Advanced' }))
  return { bridge, errors }
}

async function modelCard() {
  return within(await screen.findByRole('group', { name: 'Taste model' }))
}

function withModel(patch: Partial<typeof DEFAULT_SETTINGS.model>): FakeBridge {
  const bridge = new FakeBridge()
  bridge.settings = { ...DEFAULT_SETTINGS, model: { ...DEFAULT_SETTINGS.model, ...patch } }
  return bridge
}

/** Types into a field and leaves it, as a listener would. */
function typeAndLeave(input: HTMLElement, value: string) {
  fireEvent.change(input, { target: { value } })
  fireEvent.blur(input)
}

describe('settings: taste model', () => {
  it('shows the current space, PCA dimensions, λ and forgetting window', async () => {
    const bridge = withModel({ pcaDims: 12, lambda: 2.5, forgettingWindow: 300 })
    renderSettings(bridge)
    const card = await modelCard()
    const space = card.getByRole<HTMLSelectElement>('combobox', { name: 'Embedding space' })
    await waitFor(() =>
      expect(space.selectedOptions[0]?.textContent).toBe(
        'Built-in audio features — 30 songs, 90 dimensions',
      ),
    )
    expect(card.getByRole<HTMLInputElement>('spinbutton', { name: 'PCA dimensions' }).value).toBe(
      '12',
    )
    expect(card.getByRole<HTMLInputElement>('spinbutton', { name: 'Caution (λ)' }).value).toBe(
      '2.5',
    )
    expect(
      card.getByRole<HTMLInputElement>('checkbox', { name: 'Forget old rewards' }).checked,
    ).toBe(true)
    const window = card.getByRole<HTMLInputElement>('spinbutton', { name: 'Rewards to keep' })
    expect(window.value).toBe('300')
    expect(window.disabled).toBe(false)
  })

  it('offers only one space, disabled, with how to import another, while there is one', async () => {
    const bridge = new FakeBridge()
    // A space whose every song failed has no vectors to learn on: not offered.
    bridge.spaces = [...bridge.spaces, { ...IMPORTED_SPACE, vectors: 0 }]
    renderSettings(bridge)
    const card = await modelCard()
    const space = card.getByRole<HTMLSelectElement>('combobox', { name: 'Embedding space' })
    await waitFor(() => expect(bridge.callsOf('listSpaces')).toHaveLength(1))
    await waitFor(() => expect(space.options).toHaveLength(1))
    expect(space.disabled).toBe(true)
    expect(card.getByText(/Import your own with attune import-embeddings/)).toBeTruthy()
  })

  it('saves another space when one is chosen, and says the model is rebuilt', async () => {
    const bridge = new FakeBridge()
    bridge.spaces = [...bridge.spaces, IMPORTED_SPACE]
    const { errors } = renderSettings(bridge)
    const card = await modelCard()
    const space = card.getByRole<HTMLSelectElement>('combobox', { name: 'Embedding space' })
    await waitFor(() => expect(space.disabled).toBe(false))
    expect([...space.options].map((o) => o.textContent)).toEqual([
      'Built-in audio features — 30 songs, 90 dimensions',
      'clap-music — 1 song, 512 dimensions',
    ])
    fireEvent.change(space, { target: { value: 'clap-music' } })
    await waitFor(() =>
      expect(bridge.callsOf('updateSettings')).toEqual([
        { section: 'model', patch: { space: 'clap-music' } },
      ]),
    )
    expect(await card.findByRole('status')).toHaveProperty('textContent', SAVED_MESSAGE)
    expect(space.value).toBe('clap-music')
    expect(errors).toEqual([])
  })

  it('saves changed PCA dimensions', async () => {
    const { bridge, errors } = renderSettings()
    const card = await modelCard()
    typeAndLeave(card.getByRole('spinbutton', { name: 'PCA dimensions' }), '8')
    await waitFor(() =>
      expect(bridge.callsOf('updateSettings')).toEqual([
        { section: 'model', patch: { pcaDims: 8 } },
      ]),
    )
    expect(bridge.settings.model.pcaDims).toBe(8)
    expect(await card.findByText(SAVED_MESSAGE)).toBeTruthy()
    expect(errors).toEqual([])
  })

  it("keeps PCA dimensions within the space's own dimensions", async () => {
    const { bridge } = renderSettings()
    const card = await modelCard()
    const pca = card.getByRole<HTMLInputElement>('spinbutton', { name: 'PCA dimensions' })
    await waitFor(() => expect(pca.max).toBe('90'))
    typeAndLeave(pca, '200')
    await waitFor(() =>
      expect(bridge.callsOf('updateSettings')).toEqual([
        { section: 'model', patch: { pcaDims: 90 } },
      ]),
    )
    expect(pca.value).toBe('90')
  })

  it('refuses PCA dimensions outside 2 to 256 or not whole, in words, and saves nothing', async () => {
    const { bridge, errors } = renderSettings()
    const card = await modelCard()
    const pca = card.getByRole('spinbutton', { name: 'PCA dimensions' })
    typeAndLeave(pca, '1')
    expect((await card.findByRole('alert')).textContent).toBe(
      'PCA dimensions: type a number from 2 to 256.',
    )
    typeAndLeave(pca, '300')
    expect(card.getByRole('alert').textContent).toBe('PCA dimensions: type a number from 2 to 256.')
    typeAndLeave(pca, '4.5')
    expect(card.getByRole('alert').textContent).toBe('PCA dimensions: type a whole number.')
    typeAndLeave(pca, '')
    expect(card.getByRole('alert').textContent).toBe('PCA dimensions: type a number.')
    await new Promise((r) => setTimeout(r, 50))
    expect(bridge.callsOf('updateSettings')).toEqual([])
    expect(card.queryByRole('status')).toBeNull()
    expect(errors).toEqual([])
    // A valid value clears the complaint.
    typeAndLeave(pca, '16')
    await waitFor(() => expect(card.queryByRole('alert')).toBeNull())
    await waitFor(() => expect(bridge.settings.model.pcaDims).toBe(16))
  })

  it('saves λ above 0 and refuses 0 in words', async () => {
    const { bridge } = renderSettings()
    const card = await modelCard()
    const lambda = card.getByRole('spinbutton', { name: 'Caution (λ)' })
    typeAndLeave(lambda, '0')
    expect((await card.findByRole('alert')).textContent).toBe(
      'Caution (λ): type a number above 0, at most 1000.',
    )
    expect(bridge.callsOf('updateSettings')).toEqual([])
    typeAndLeave(lambda, '0.5')
    await waitFor(() =>
      expect(bridge.callsOf('updateSettings')).toEqual([
        { section: 'model', patch: { lambda: 0.5 } },
      ]),
    )
  })

  it('uses tags by default, changes their weight, refuses a weight above 4 in words, and turns them off', async () => {
    const { bridge } = renderSettings()
    const card = await modelCard()
    const tags = card.getByRole<HTMLInputElement>('checkbox', { name: 'Use tags' })
    const weight = card.getByRole<HTMLInputElement>('spinbutton', { name: 'Weight of tags' })
    expect(tags.checked).toBe(true)
    expect(weight.value).toBe('0.5')
    typeAndLeave(weight, '5')
    expect((await card.findByRole('alert')).textContent).toMatch(/^Weight of tags: /)
    typeAndLeave(weight, '1')
    await waitFor(() => expect(bridge.settings.model.tagWeight).toBe(1))
    fireEvent.click(tags)
    await waitFor(() => expect(bridge.settings.model.useTags).toBe(false))
    expect(bridge.callsOf('updateSettings')).toEqual([
      { section: 'model', patch: { tagWeight: 1 } },
      { section: 'model', patch: { useTags: false } },
    ])
    await waitFor(() => expect(weight.disabled).toBe(true))
  })

  it("has the album's sound at 0.75 by default, turns it off, and refuses more than 1 in words", async () => {
    const { bridge } = renderSettings()
    const card = await modelCard()
    const share = card.getByRole<HTMLInputElement>('spinbutton', { name: 'Album sound' })
    expect(share.value).toBe('0.75')
    typeAndLeave(share, '2')
    expect((await card.findByRole('alert')).textContent).toMatch(/^Album sound: /)
    typeAndLeave(share, '0')
    await waitFor(() => expect(bridge.settings.model.albumSound).toBe(0))
    expect(bridge.callsOf('updateSettings')).toEqual([
      { section: 'model', patch: { albumSound: 0 } },
    ])
  })

  it('turns forgetting on with a window of 200, changes the window, and turns it off', async () => {
    const { bridge } = renderSettings()
    const card = await modelCard()
    const forget = card.getByRole<HTMLInputElement>('checkbox', { name: 'Forget old rewards' })
    const window = card.getByRole<HTMLInputElement>('spinbutton', { name: 'Rewards to keep' })
    expect(forget.checked).toBe(false)
    expect(window.disabled).toBe(true)

    fireEvent.click(forget)
    await waitFor(() =>
      expect(bridge.callsOf('updateSettings')).toEqual([
        { section: 'model', patch: { forgettingWindow: 200 } },
      ]),
    )
    await waitFor(() => expect(forget.checked).toBe(true))
    expect(window.disabled).toBe(false)
    expect(window.value).toBe('200')

    typeAndLeave(window, '9')
    expect((await card.findByRole('alert')).textContent).toBe('Rewards to keep: type 10 or more.')
    typeAndLeave(window, '50')
    await waitFor(() => expect(bridge.settings.model.forgettingWindow).toBe(50))

    fireEvent.click(forget)
    await waitFor(() => expect(bridge.settings.model.forgettingWindow).toBeNull())
    expect(bridge.callsOf('updateSettings')).toEqual([
      { section: 'model', patch: { forgettingWindow: 200 } },
      { section: 'model', patch: { forgettingWindow: 50 } },
      { section: 'model', patch: { forgettingWindow: null } },
    ])
    await waitFor(() => expect(window.disabled).toBe(true))
  })

  it('says in plain words when the spaces cannot be listed', async () => {
    const bridge = new FakeBridge()
    bridge.api.listSpaces = () => Promise.reject(new Error('the engine stopped'))
    const { errors } = renderSettings(bridge)
    const card = await modelCard()
    await waitFor(() =>
      expect(errors).toEqual(['The embedding spaces could not be listed: the engine stopped']),
    )
    // The active space is still shown.
    expect(card.getByRole<HTMLSelectElement>('combobox', { name: 'Embedding space' }).value).toBe(
      'attune-dsp-v1',
    )
  })
})
