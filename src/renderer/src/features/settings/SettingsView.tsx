import { useState } from 'react'
import type { LibraryStatus } from '../../../../shared/contract'
import type { Bridge } from '../../lib/bridge'
import { errorText } from '../../lib/format'

export interface SettingsViewProps {
  bridge: Bridge
  status: LibraryStatus | null
  scanning: boolean
  onError: (message: string) => void
}

export function SettingsView({ bridge, status, scanning, onError }: SettingsViewProps) {
  const [folder, setFolder] = useState('')
  const roots = status?.roots ?? []
  const add = async () => {
    const path = folder.trim()
    if (!path) return
    try {
      await bridge.api.addRoot({ path })
      setFolder('')
      await bridge.api.startScan()
    } catch (e) {
      onError(`That folder could not be added: ${errorText(e)}`)
    }
  }
  const removeRoot = async (path: string) => {
    try {
      await bridge.api.removeRoot({ path })
    } catch (e) {
      onError(`That folder could not be removed: ${errorText(e)}`)
    }
  }
  const rescan = () =>
    bridge.api.startScan().catch((e: unknown) => onError(`The scan did not start: ${errorText(e)}`))
  return (
    <section className="settings" aria-label="Settings">
      <h2>Settings</h2>
      <div className="card">
        <h3>Library folders</h3>
        {status ? (
          <p className="muted">
            {status.tracks} tracks{status.missing ? `, ${status.missing} missing` : ''}
            {status.failed ? `, ${status.failed} unreadable` : ''}.
          </p>
        ) : null}
        {roots.length === 0 ? <p className="muted">No folders yet.</p> : null}
        <ul className="roots" aria-label="Library folders">
          {roots.map((root) => (
            <li key={root.id}>
              <code>{root.path}</code>
              <button aria-label={`Remove ${root.path}`} onClick={() => void removeRoot(root.path)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
        <form
          className="add-folder"
          onSubmit={(e) => {
            e.preventDefault()
            void add()
          }}
        >
          <input
            value={folder}
            onChange={(e) => setFolder(e.target.value)}
            placeholder="/home/you/Music"
            aria-label="Folder to add"
          />
          <button type="submit" disabled={!folder.trim()}>
            Add
          </button>
          <button type="button" onClick={() => void rescan()} disabled={scanning}>
            {scanning ? 'Scanning…' : 'Rescan'}
          </button>
        </form>
      </div>
      {[
        ['Analysis', 'Audio analysis (how each song sounds) arrives with the analysis feature.'],
        [
          'Rewards',
          'How skips, plays and marks teach Attune your taste arrives with the taste model.',
        ],
        ['Exploration', 'How boldly Attune picks songs you have not heard arrives with auto-play.'],
      ].map(([title, text]) => (
        <div className="card placeholder-card" key={title}>
          <h3>{title}</h3>
          <p className="muted">{text}</p>
        </div>
      ))}
    </section>
  )
}
