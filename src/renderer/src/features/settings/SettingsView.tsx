import { useEffect, useState } from 'react'
import {
  alphaFromSlider,
  DEFAULT_SETTINGS,
  sliderFromAlpha,
  type Settings,
} from '../../../../shared/settings'
import type { LabelImportSummary, LibraryStatus } from '../../../../shared/contract'
import type { Bridge } from '../../lib/bridge'
import type { Mark } from '../../../../shared/domain'
import { errorText } from '../../lib/format'
import { ModelSettings } from './ModelSettings'
import { PlaybackSettings } from './PlaybackSettings'

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
              {root.offline ? (
                <span className="muted"> not there now (unplugged?): its songs are kept</span>
              ) : null}
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
      {settings ? (
        <ExplorationSettings
          bridge={bridge}
          settings={settings}
          onChange={setSettings}
          onError={onError}
        />
      ) : null}
      {settings ? (
        <PlaybackSettings
          bridge={bridge}
          settings={settings}
          onChange={setSettings}
          onError={onError}
        />
      ) : null}
      {settings ? (
        <ModelSettings
          bridge={bridge}
          settings={settings}
          onChange={setSettings}
          onError={onError}
        />
      ) : null}
      <LabelImport bridge={bridge} onError={onError} />
      {settings ? (
        <RewardSettings
          bridge={bridge}
          settings={settings}
          onChange={setSettings}
          onError={onError}
        />
      ) : null}
    </section>
  )
}

type Patch<S extends 'exploration' | 'autoQueue' | 'model'> = Partial<Settings[S]>

/** Auto-queue and exploration: how boldly Attune picks, and how it keeps learning. */
function ExplorationSettings({
  bridge,
  settings,
  onChange,
  onError,
}: {
  bridge: Bridge
  settings: Settings
  onChange: (settings: Settings) => void
  onError: (message: string) => void
}) {
  const [resetNote, setResetNote] = useState<string | null>(null)
  // The slider follows the hand at once; the engine's answer arrives later (a controlled value
  // that lagged would snap back, and the browser would then report the stale value as a change).
  const [sliderPosition, setSliderPosition] = useState(() =>
    sliderFromAlpha(settings.exploration.alpha),
  )
  const [resetting, setResetting] = useState(false)
  const save = async <S extends 'exploration' | 'autoQueue' | 'model'>(
    section: S,
    patch: Patch<S>,
  ) => {
    try {
      const change = { section, patch } as Parameters<typeof bridge.api.updateSettings>[0]
      onChange(await bridge.api.updateSettings(change))
    } catch (e) {
      onError(`That setting could not be saved: ${errorText(e)}`)
    }
  }
  const resetModel = async () => {
    setResetting(true)
    setResetNote(null)
    try {
      const result = await bridge.api.resetModel()
      setResetNote(
        `The taste model was rebuilt from your history: ${result.rows} ${result.rows === 1 ? 'lesson' : 'lessons'} over ${result.tracks} songs.`,
      )
    } catch (e) {
      onError(`The taste model could not be rebuilt: ${errorText(e)}`)
    } finally {
      setResetting(false)
    }
  }
  const { exploration, autoQueue, model } = settings
  return (
    <div className="card" aria-label="Auto-queue and exploration">
      <h3>Exploration</h3>
      <p className="muted">
        With auto-queue on, Attune keeps songs coming that it expects you to enjoy, and now and then
        one you have not heard, to learn more about your taste.
      </p>
      <p>
        <label>
          <input
            type="checkbox"
            aria-label="Auto-queue on"
            checked={autoQueue.enabled}
            onChange={(e) => void save('autoQueue', { enabled: e.target.checked })}
          />{' '}
          Auto-queue: keep the queue going
        </label>
      </p>
      <p className="exploration-slider">
        <label htmlFor="exploration-slider">Exploration</label>{' '}
        <span className="muted">Safe bets</span>{' '}
        <input
          id="exploration-slider"
          type="range"
          min={0}
          max={1}
          step={0.01}
          aria-label="Exploration"
          aria-valuetext={`α ${exploration.alpha.toFixed(2)}`}
          value={sliderPosition}
          onChange={(e) => {
            const position = Number(e.target.value)
            setSliderPosition(position)
            void save('exploration', { alpha: alphaFromSlider(position) })
          }}
        />{' '}
        <span className="muted">Surprise me</span>
      </p>
      <NumberSetting
        label="Randomness of picks (temperature; 0 = always the top song)"
        ariaLabel="Temperature"
        min={0}
        max={10}
        step={0.05}
        value={exploration.temperature}
        onValid={(temperature) => void save('exploration', { temperature })}
      />
      <NumberSetting
        label="Songs to keep ahead"
        ariaLabel="Songs to keep ahead"
        min={1}
        max={50}
        whole
        value={autoQueue.minUpcoming}
        onValid={(minUpcoming) => void save('autoQueue', { minUpcoming })}
      />
      <NumberSetting
        label="Same artist again only after this many picks"
        ariaLabel="Artist spacing"
        min={0}
        max={50}
        whole
        value={autoQueue.artistSpacing}
        onValid={(artistSpacing) => void save('autoQueue', { artistSpacing })}
      />
      <NumberSetting
        label="Do not replay a song within (days)"
        ariaLabel="Replay window in days"
        min={0}
        max={365}
        value={autoQueue.replayWindowDays}
        onValid={(replayWindowDays) => void save('autoQueue', { replayWindowDays })}
      />
      <p>
        <label>
          <input
            type="checkbox"
            aria-label="Pause learning"
            checked={model.paused}
            onChange={(e) => void save('model', { paused: e.target.checked })}
          />{' '}
          Pause learning (what you play now is still recorded, and learned once you resume)
        </label>
      </p>
      <p>
        <button type="button" onClick={() => void resetModel()} disabled={resetting}>
          {resetting ? 'Rebuilding…' : 'Reset model'}
        </button>{' '}
        <span className="muted">
          Forgets what the model learned and learns it again from your history (nothing you did is
          deleted).
        </span>
      </p>
      {resetNote ? (
        <p className="muted" role="status">
          {resetNote}
        </p>
      ) : null}
    </div>
  )
}

type RewardKey = 'love' | 'like' | 'near_miss' | 'not_for_me' | 'played' | 'lateSkip' | 'earlySkip'

const REWARD_ROWS: { key: RewardKey; label: string; hint: string }[] = [
  { key: 'love', label: 'Love', hint: 'the strongest yes' },
  { key: 'like', label: 'Like', hint: '' },
  { key: 'near_miss', label: 'Near miss', hint: 'almost: close to what you like' },
  {
    key: 'not_for_me',
    label: 'Not for me',
    hint: 'the strongest no; also keeps it out of auto-queue',
  },
  { key: 'played', label: 'Played to the end (or past 80 %)', hint: 'a quiet yes' },
  { key: 'lateSkip', label: 'Skipped after 30 %', hint: 'Next or another song picked' },
  {
    key: 'earlySkip',
    label: 'Skipped before 30 %',
    hint: 'never for Previous, errors or quitting',
  },
]

/**
 * How each mark and listen teaches the taste model: a reward around a neutral 0 and a weight.
 * Changing them rebuilds the model from your history; nothing you did is lost.
 */
function RewardSettings({
  bridge,
  settings,
  onChange,
  onError,
}: {
  bridge: Bridge
  settings: Settings
  onChange: (settings: Settings) => void
  onError: (message: string) => void
}) {
  const rewards = settings.rewards
  const rowOf = (key: RewardKey) =>
    key === 'played' || key === 'lateSkip' || key === 'earlySkip'
      ? rewards[key]
      : rewards.marks[key]
  const save = async (key: RewardKey, field: 'reward' | 'weight', text: string) => {
    const value = Number(text)
    const [min, max] = field === 'reward' ? [-5, 5] : [0, 10]
    if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) return
    const patch =
      key === 'played' || key === 'lateSkip' || key === 'earlySkip'
        ? { [key]: { ...rewards[key], [field]: value } }
        : { marks: { ...rewards.marks, [key]: { ...rewards.marks[key], [field]: value } } }
    try {
      onChange(await bridge.api.updateSettings({ section: 'rewards', patch }))
    } catch (e) {
      onError(`That reward could not be saved: ${errorText(e)}`)
    }
  }
  const restoreDefaults = async () => {
    try {
      onChange(
        await bridge.api.updateSettings({ section: 'rewards', patch: DEFAULT_SETTINGS.rewards }),
      )
    } catch (e) {
      onError(`The rewards could not be reset: ${errorText(e)}`)
    }
  }
  return (
    <div className="card" aria-label="Rewards">
      <h3>Rewards</h3>
      <p className="muted">
        How much each mark and each listen teaches Attune: a reward around a neutral 0 (+1 yes, −1
        no) and a weight (how much it counts). Changing them rebuilds the taste model from your
        history.
      </p>
      {/* Remounted when the rewards change (e.g. restored defaults), so the fields show them. */}
      <table className="reward-table" key={JSON.stringify(rewards)}>
        <thead>
          <tr>
            <th>What you did</th>
            <th>Reward</th>
            <th>Weight</th>
          </tr>
        </thead>
        <tbody>
          {REWARD_ROWS.map(({ key, label, hint }) => {
            const row = rowOf(key)
            return (
              <tr key={key}>
                <td>
                  {label}
                  {hint ? <span className="muted"> — {hint}</span> : null}
                </td>
                <td>
                  <input
                    type="number"
                    step="0.1"
                    min={-5}
                    max={5}
                    aria-label={`${label} reward`}
                    defaultValue={row.reward}
                    onBlur={(e) => void save(key, 'reward', e.target.value)}
                  />
                </td>
                <td>
                  <input
                    type="number"
                    step="0.1"
                    min={0}
                    max={10}
                    aria-label={`${label} weight`}
                    defaultValue={row.weight}
                    onBlur={(e) => void save(key, 'weight', e.target.value)}
                  />
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <p className="muted">
        Imported labels count with weight {rewards.importWeight}; the last{' '}
        {rewards.listenRowsPerTrack} listens of a song count.
      </p>
      <button type="button" onClick={() => void restoreDefaults()}>
        Restore the default rewards
      </button>
    </div>
  )
}

/** A number setting that is saved as soon as what is typed is a valid value. */
function NumberSetting({
  label,
  ariaLabel,
  min,
  max,
  step,
  whole = false,
  value,
  onValid,
}: {
  label: string
  ariaLabel: string
  min: number
  max: number
  step?: number
  whole?: boolean
  value: number
  onValid: (value: number) => void
}) {
  return (
    <p>
      <label>
        {label}{' '}
        <input
          type="number"
          aria-label={ariaLabel}
          min={min}
          max={max}
          {...(step !== undefined ? { step } : {})}
          defaultValue={value}
          onChange={(e) => {
            const text = e.target.value
            const number = Number(text)
            if (text.trim() === '' || !Number.isFinite(number) || number < min || number > max)
              return
            if (whole && !Number.isInteger(number)) return
            onValid(number)
          }}
        />
      </label>
    </p>
  )
}

const IMPORT_MARKS: { value: Mark; label: string }[] = [
  { value: 'like', label: 'Like' },
  { value: 'love', label: 'Love' },
  { value: 'near_miss', label: 'Near miss' },
  { value: 'not_for_me', label: 'Not for me' },
]

/**
 * "Everything in liked.m3u is liked": labels every track of a playlist or CSV on this computer.
 * The labels are events like any mark, so they teach the model and can be undone.
 */
function LabelImport({ bridge, onError }: { bridge: Bridge; onError: (message: string) => void }) {
  const [path, setPath] = useState('')
  const [mark, setMark] = useState<Mark>('like')
  const [othersNot, setOthersNot] = useState(false)
  const [result, setResult] = useState<LabelImportSummary | null>(null)
  const [busy, setBusy] = useState(false)
  const run = async () => {
    setBusy(true)
    setResult(null)
    try {
      setResult(await bridge.api.importLabels({ path: path.trim(), as: mark, othersNot }))
    } catch (e) {
      onError(`The labels could not be imported: ${errorText(e)}`)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="card" aria-label="Import labels">
      <h3>Import labels</h3>
      <p className="muted">
        Teach Attune from a playlist you already have (M3U or M3U8), or a CSV of{' '}
        <code>path,label</code>.
      </p>
      <form
        className="add-folder"
        onSubmit={(e) => {
          e.preventDefault()
          void run()
        }}
      >
        <input
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="/home/you/Music/liked.m3u"
          aria-label="Playlist or CSV file"
        />
        <select aria-label="Label" value={mark} onChange={(e) => setMark(e.target.value as Mark)}>
          {IMPORT_MARKS.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
        <button type="submit" disabled={!path.trim() || busy}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </form>
      <label>
        <input
          type="checkbox"
          aria-label="Other tracks of these albums are not for me"
          checked={othersNot}
          onChange={(e) => setOthersNot(e.target.checked)}
        />{' '}
        Every other track of the same albums is &ldquo;not&rdquo; (a weak no: it never keeps a song
        out of auto-queue)
      </label>
      {result ? (
        <p role="status">
          Labelled {result.labelled} {result.labelled === 1 ? 'track' : 'tracks'}
          {result.othersNot ? ` (${result.othersNot} other album tracks as not)` : ''}.
          {result.unmatchedCount
            ? ` ${result.unmatchedCount} ${result.unmatchedCount === 1 ? 'entry names' : 'entries name'} no track in your library (first: ${result.unmatched[0]?.path ?? ''}).`
            : ''}
        </p>
      ) : null}
    </div>
  )
}
