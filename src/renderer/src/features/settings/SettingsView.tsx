import { useEffect, useState } from 'react'
import type { Settings } from '../../../../shared/settings'
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
  const [settings, setSettings] = useState<Settings | null>(null)
  useEffect(() => {
    bridge.api
      .getSettings()
      .then(setSettings)
      .catch((e: unknown) => onError(`The settings could not be read: ${errorText(e)}`))
  }, [bridge, onError])
  const setWorkers = async (value: string) => {
    try {
      const workers = value === 'auto' ? null : Number(value)
      setSettings(await bridge.api.updateSettings({ section: 'analysis', patch: { workers } }))
    } catch (e) {
      onError(`That setting could not be saved: ${errorText(e)}`)
    }
  }
  const analyseNow = () =>
    bridge.api
      .startAnalysis()
      .catch((e: unknown) => onError(`The analysis did not start: ${errorText(e)}`))
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
      <div className="card" aria-label="Analysis">
        <h3>Analysis</h3>
        <p className="muted">
          Attune listens to each song once, on this computer, to learn how it sounds (timbre,
          brightness, harmony, tempo, loudness).{' '}
          {status ? `${status.analysed} of ${status.tracks} tracks analysed.` : ''}
        </p>
        <label>
          Analysis threads{' '}
          <select
            aria-label="Analysis threads"
            value={
              settings?.analysis.workers === null || !settings
                ? 'auto'
                : String(settings.analysis.workers)
            }
            onChange={(e) => void setWorkers(e.target.value)}
          >
            <option value="auto">Automatic (all cores but one)</option>
            {[1, 2, 3, 4, 6, 8].map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="button" onClick={() => void analyseNow()} disabled={status?.analysing}>
          {status?.analysing ? 'Analysing…' : 'Analyse now'}
        </button>
      </div>
      {[
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
