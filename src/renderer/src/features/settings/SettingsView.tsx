import { useEffect, useState } from 'react'
import {
  alphaFromSlider,
  DEFAULT_SETTINGS,
  explorationWords,
  sliderFromAlpha,
  type ReplayGainMode,
  type Settings,
} from '../../../../shared/settings'
import { NumberField } from '../../components/NumberField'
import { WordedSlider } from '../../components/WordedSlider'
import { TabPanel, Tabs } from '../../components/Tabs'
import { usePersistedState } from '../../lib/persisted'
import { setTheme, useTheme, type ThemeChoice } from '../../lib/theme'
import type { LabelImportSummary, LibraryStatus } from '../../../../shared/contract'
import type { Bridge } from '../../lib/bridge'
import type { Mark } from '../../../../shared/domain'
import { errorText } from '../../lib/format'
import { addLibraryFolder } from '../../lib/folders'
import { ModelSettings } from './ModelSettings'
import { PlaybackSettings } from './PlaybackSettings'
import { ScrobblingSettings } from './ScrobblingSettings'
import { ExclusionSettings } from './ExclusionSettings'
import type { SettingsCardProps } from './card-props'

export interface SettingsViewProps {
  bridge: Bridge
  status: LibraryStatus | null
  scanning: boolean
  onError: (message: string) => void
}

/** The crossfades offered, in seconds (0 = off); a stored value in between is kept on the list. */
const CROSSFADE_CHOICES = [0, 2, 4, 6, 8, 10, 12] as const

function crossfadeChoices(current: number): number[] {
  const choices: number[] = [...CROSSFADE_CHOICES]
  return choices.includes(current) ? choices : [...choices, current].sort((a, b) => a - b)
}

const SETTINGS_LEVELS = [
  { id: 'basic', label: 'Basic' },
  { id: 'advanced', label: 'Advanced' },
] as const

export function SettingsView({ bridge, status, scanning, onError }: SettingsViewProps) {
  const [folder, setFolder] = useState('')
  const roots = status?.roots ?? []
  const add = async () => {
    const path = folder.trim()
    if (!path) return
    try {
      if (!(await addLibraryFolder(bridge.api, path))) return
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
  const theme = useTheme()
  const [level, setLevel] = usePersistedState<'basic' | 'advanced'>(
    'settingsLevel',
    'basic',
    (v) => v === 'basic' || v === 'advanced',
  )
  const save = async (change: Parameters<typeof bridge.api.updateSettings>[0]) => {
    try {
      setSettings(await bridge.api.updateSettings(change))
    } catch (e) {
      onError(`That setting could not be saved: ${errorText(e)}`)
    }
  }
  return (
    <section className="settings" aria-label="Settings">
      <h2>Settings</h2>
      <Tabs
        label="Settings level"
        idPrefix="settings"
        tabs={SETTINGS_LEVELS}
        value={level}
        onChange={setLevel}
      />
      <TabPanel idPrefix="settings" id="basic" shown={level === 'basic'}>
        <div className="card">
          <h3>Library folders</h3>
          {status ? (
            <p className="muted">
              {status.missing ? `${status.missing} missing` : ''}
              {status.failed ? `${status.missing ? ', ' : ''}${status.failed} unreadable` : ''}
            </p>
          ) : null}
          {status?.readOnly ? (
            <p role="note">
              Attune can only read this library (its file, folder or disk is read-only): new marks,
              plays and scans are not saved.
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
                <button
                  aria-label={`Remove ${root.path}`}
                  onClick={() => void removeRoot(root.path)}
                >
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
        {settings ? <ListeningSettings settings={settings} save={save} /> : null}
        {settings ? (
          <PlaybackSettings
            bridge={bridge}
            settings={settings}
            onChange={setSettings}
            onError={onError}
          />
        ) : null}
        <div className="card" aria-label="Look and sound">
          <h3>Look and sound</h3>
          <div className="field">
            <label>
              <span className="field-label">Theme</span>
              <select
                aria-label="Theme"
                value={theme}
                onChange={(e) => setTheme(e.target.value as ThemeChoice)}
              >
                <option value="system">Follow the system</option>
                <option value="dark">Dark</option>
                <option value="light">Light</option>
              </select>
            </label>
          </div>
          {settings ? (
            <div className="field">
              <label>
                <span className="field-label">Even out loudness (ReplayGain)</span>
                <select
                  aria-label="ReplayGain"
                  value={settings.playback.replayGain}
                  onChange={(e) =>
                    void save({
                      section: 'playback',
                      patch: { replayGain: e.target.value as ReplayGainMode },
                    })
                  }
                >
                  <option value="track">Per song</option>
                  <option value="album">Per album (keeps an album’s quiet and loud songs)</option>
                  <option value="off">Off</option>
                </select>
              </label>
              <span className="hint">Uses the ReplayGain tags your files carry, if any.</span>
            </div>
          ) : null}
          {settings ? (
            <div className="field">
              <label>
                <span className="field-label">Crossfade between songs</span>
                <select
                  aria-label="Crossfade"
                  value={String(settings.playback.crossfadeSeconds)}
                  onChange={(e) =>
                    void save({
                      section: 'playback',
                      patch: { crossfadeSeconds: Number(e.target.value) },
                    })
                  }
                >
                  {crossfadeChoices(settings.playback.crossfadeSeconds).map((seconds) => (
                    <option key={seconds} value={String(seconds)}>
                      {seconds === 0
                        ? 'Off: each song follows without a gap'
                        : `${seconds} seconds`}
                    </option>
                  ))}
                </select>
              </label>
              <span className="hint">
                The end of a song fades into the next. Songs of one album played in order always
                follow each other without a gap.
              </span>
            </div>
          ) : null}
        </div>
        <ExclusionSettings bridge={bridge} onError={onError} />
        {settings ? (
          <ScrobblingSettings
            bridge={bridge}
            settings={settings}
            onChange={setSettings}
            onError={onError}
          />
        ) : null}
      </TabPanel>
      <TabPanel idPrefix="settings" id="advanced" shown={level === 'advanced'}>
        <div className="card" aria-label="Analysis">
          <h3>Analysis</h3>
          <p className="muted">
            Attune listens to each song once, on this computer, to learn how it sounds (timbre,
            brightness, harmony, tempo, loudness).{' '}
            {status ? `${status.analysed} of ${status.tracks} tracks analysed.` : ''}
          </p>
          <div className="field">
            <label>
              <span className="field-label">Analysis threads</span>
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
            </label>
          </div>
          <button type="button" onClick={() => void analyseNow()} disabled={status?.analysing}>
            {status?.analysing ? 'Analysing…' : 'Analyse now'}
          </button>
        </div>
        {settings ? (
          <AutoQueueDetails bridge={bridge} settings={settings} save={save} onError={onError} />
        ) : null}
        {settings ? (
          <ModelSettings
            bridge={bridge}
            settings={settings}
            onChange={setSettings}
            onError={onError}
          />
        ) : null}
        {settings ? (
          <RewardSettings
            bridge={bridge}
            settings={settings}
            onChange={setSettings}
            onError={onError}
          />
        ) : null}
        <LabelImport bridge={bridge} onError={onError} />
      </TabPanel>
    </section>
  )
}

type SaveSettings = (change: Parameters<Bridge['api']['updateSettings']>[0]) => Promise<void>

/** The everyday choices: auto-queue, how adventurous its picks are, and Rediscover. */
function ListeningSettings({ settings, save }: { settings: Settings; save: SaveSettings }) {
  // The slider follows the hand at once; the engine's answer arrives later (a controlled value
  // that lagged would snap back, and the browser would then report the stale value as a change).
  const [sliderPosition, setSliderPosition] = useState(() =>
    sliderFromAlpha(settings.exploration.alpha),
  )
  const words = explorationWords(sliderPosition)
  const { autoQueue, exploration } = settings
  return (
    <div className="card" aria-label="Auto-queue and exploration">
      <h3>Auto-queue</h3>
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
            onChange={(e) =>
              void save({ section: 'autoQueue', patch: { enabled: e.target.checked } })
            }
          />{' '}
          Auto-queue: keep the queue going
        </label>
      </p>
      <div className="field exploration-slider">
        <label htmlFor="exploration-slider" className="field-label">
          Exploration: <strong data-testid="exploration-words">{words}</strong>
        </label>
        <WordedSlider
          id="exploration-slider"
          label="Exploration"
          words={words}
          value={sliderPosition}
          step={0.01}
          low="Safe bets"
          high="Surprise me"
          onChange={(position) => {
            setSliderPosition(position)
            void save({ section: 'exploration', patch: { alpha: alphaFromSlider(position) } })
          }}
        />
      </div>
      <NumberField
        name="Rediscover after (days)"
        min={0}
        max={3650}
        value={exploration.rediscoverAfterDays}
        hint="Rediscover offers songs you turned down at least this long ago that Attune now expects you to like."
        onSave={(rediscoverAfterDays) =>
          void save({ section: 'exploration', patch: { rediscoverAfterDays } })
        }
      />
    </div>
  )
}

/** How the auto-queue picks, in detail, and the learning switches. */
function AutoQueueDetails({
  bridge,
  settings,
  save,
  onError,
}: {
  bridge: Bridge
  settings: Settings
  save: SaveSettings
  onError: (message: string) => void
}) {
  const [resetNote, setResetNote] = useState<string | null>(null)
  const [resetting, setResetting] = useState(false)
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
    <div className="card" aria-label="Auto-queue details">
      <h3>Auto-queue details</h3>
      <NumberField
        name="Temperature"
        label="Randomness of picks (temperature; 0 = always the top song)"
        min={0}
        max={10}
        step={0.05}
        value={exploration.temperature}
        onSave={(temperature) => void save({ section: 'exploration', patch: { temperature } })}
      />
      <NumberField
        name="Songs to keep ahead"
        min={1}
        max={50}
        whole
        value={autoQueue.minUpcoming}
        onSave={(minUpcoming) => void save({ section: 'autoQueue', patch: { minUpcoming } })}
      />
      <NumberField
        name="Artist spacing"
        label="Same artist again only after this many picks"
        min={0}
        max={50}
        whole
        value={autoQueue.artistSpacing}
        onSave={(artistSpacing) => void save({ section: 'autoQueue', patch: { artistSpacing } })}
      />
      <NumberField
        name="Replay window in days"
        label="Do not replay a song within (days)"
        min={0}
        max={365}
        value={autoQueue.replayWindowDays}
        onSave={(replayWindowDays) =>
          void save({ section: 'autoQueue', patch: { replayWindowDays } })
        }
      />
      <p>
        <label>
          <input
            type="checkbox"
            aria-label="Pause learning"
            checked={model.paused}
            onChange={(e) => void save({ section: 'model', patch: { paused: e.target.checked } })}
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
function RewardSettings({ bridge, settings, onChange, onError }: SettingsCardProps) {
  const rewards = settings.rewards
  const rowOf = (key: RewardKey) =>
    key === 'played' || key === 'lateSkip' || key === 'earlySkip'
      ? rewards[key]
      : rewards.marks[key]
  const save = async (key: RewardKey, field: 'reward' | 'weight', value: number) => {
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
      <table className="reward-table">
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
                  <NumberField
                    compact
                    name={`${label} reward`}
                    min={-5}
                    max={5}
                    step={0.1}
                    value={row.reward}
                    onSave={(value) => void save(key, 'reward', value)}
                  />
                </td>
                <td>
                  <NumberField
                    compact
                    name={`${label} weight`}
                    min={0}
                    max={10}
                    step={0.1}
                    value={row.weight}
                    onSave={(value) => void save(key, 'weight', value)}
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
