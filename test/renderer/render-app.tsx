// The whole app on the fake bridge, with in-memory sounds and a seeded player, for component tests.
import { render } from '@testing-library/react'
import { App } from '../../src/renderer/src/App'
import { Player } from '../../src/renderer/src/features/player/player'
import { FakeBridge, fakeSounds } from './fake-bridge'

export function renderApp(bridge = new FakeBridge()) {
  const sounds = fakeSounds()
  const player = new Player({
    bridge,
    createSound: sounds.create,
    seed: 1,
    isMissing: () => Promise.resolve(false),
  })
  const view = render(<App bridge={bridge} player={player} createSound={sounds.create} />)
  return { bridge, sounds, player, view }
}
