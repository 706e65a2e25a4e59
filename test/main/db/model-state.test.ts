import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../../src/main/db/database'
import { ModelStateStore } from '../../../src/main/db/model-state'
import { tempLibrary, type TempLibrary } from '../media/library-rows'

let library: TempLibrary
let store: ModelStateStore
beforeEach(() => {
  library = tempLibrary()
  store = new ModelStateStore(library.db)
})
afterEach(() => library.cleanUp())

const saved = {
  key: 'attune-dsp-v1:0123456789abcdef',
  space: 'attune-dsp-v1',
  params: { pcaDims: 16, lambda: 1 },
  state: '{"learner":{}}',
  lastEventId: 41,
}

describe('model state store', () => {
  it('has nothing for a parameter set never saved', () => {
    expect(store.stateOf('attune-dsp-v1:ffffffffffffffff')).toBeNull()
  })

  it('gives back the saved state, also to a read-only connection (the taste worker’s)', () => {
    store.save(saved, 1000)
    expect(store.stateOf(saved.key)).toBe(saved.state)
    const worker = openDatabase(library.db.name, { readonly: true })
    try {
      expect(new ModelStateStore(worker).stateOf(saved.key)).toBe(saved.state)
    } finally {
      worker.close()
    }
    expect(library.db.prepare(`SELECT * FROM model_state`).all()).toEqual([
      {
        key: saved.key,
        space: saved.space,
        params: JSON.stringify(saved.params),
        state: saved.state,
        last_event_id: 41,
        updated_at: 1000,
      },
    ])
  })

  it('replaces the snapshot of the same parameter set and keeps the others', () => {
    store.save(saved, 1000)
    store.save({ ...saved, key: 'attune-dsp-v1:other', state: '{"other":true}' }, 1500)
    store.save({ ...saved, state: '{"newer":true}', lastEventId: 99 }, 2000)
    expect(store.stateOf(saved.key)).toBe('{"newer":true}')
    expect(store.stateOf('attune-dsp-v1:other')).toBe('{"other":true}')
    expect(
      library.db
        .prepare(`SELECT last_event_id AS last, updated_at AS at FROM model_state WHERE key = ?`)
        .get(saved.key),
    ).toEqual({ last: 99, at: 2000 })
  })
})
