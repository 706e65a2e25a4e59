// The "never play" rules: listed in words, each undoable.
import { useCallback, useEffect, useState } from 'react'
import { exclusionWords, type Exclusion } from '../../../../shared/exclusions'
import type { Bridge } from '../../lib/bridge'
import { errorText } from '../../lib/format'

export function ExclusionSettings({
  bridge,
  onError,
}: {
  bridge: Bridge
  onError: (message: string) => void
}) {
  const [rules, setRules] = useState<Exclusion[] | null>(null)
  const load = useCallback(() => {
    bridge.api
      .listExclusions()
      .then(setRules)
      .catch((e: unknown) => onError(`The “never play” list could not be read: ${errorText(e)}`))
  }, [bridge, onError])
  useEffect(() => {
    load()
    return bridge.onEvent((event) => {
      if (event.name === 'libraryChanged') load()
    })
  }, [bridge, load])
  const remove = async (rule: Exclusion['rule']) => {
    try {
      setRules(await bridge.api.removeExclusion({ rule }))
    } catch (e) {
      onError(`That could not be changed: ${errorText(e)}`)
    }
  }
  return (
    <div className="card" aria-label="Never play">
      <h3>Never play</h3>
      <p className="muted">
        Songs here are never picked for you (auto-queue, Discover, Rediscover); you can still play
        them yourself. Add an artist, album or genre from a song’s right-click menu.
      </p>
      {rules && rules.length === 0 ? <p className="muted">Nothing is excluded.</p> : null}
      <ul className="exclusions">
        {(rules ?? []).map((exclusion) => (
          <li key={JSON.stringify(exclusion.rule)}>
            <span>{exclusionWords(exclusion.rule)}</span>{' '}
            <button type="button" onClick={() => void remove(exclusion.rule)}>
              Allow again
            </button>
          </li>
        ))}
      </ul>
    </div>
  )
}
