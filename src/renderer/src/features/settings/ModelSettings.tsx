import { useEffect, useId, useState } from 'react'
import { NumberField } from '../../components/NumberField'
import type { EmbeddingSpaceSummary } from '../../../../shared/contract'
import { settingsSchema, type Settings } from '../../../../shared/settings'
import { errorText } from '../../lib/format'
import type { SettingsCardProps } from './card-props'

type ModelSettingsValues = Settings['model']

/** The space Attune computes itself; any other was imported with `attune import-embeddings`. */
const BUILT_IN_SPACE = 'attune-dsp-v1'
/** The schema's bounds (src/shared/settings.ts), repeated here to say them in words. */
const MIN_PCA_DIMS = 2
const MAX_PCA_DIMS = 256
const MAX_LAMBDA = 1000
const MIN_FORGETTING_WINDOW = 10
const MAX_TAG_WEIGHT = 4
/** The window offered when forgetting is first turned on. */
export const DEFAULT_FORGETTING_WINDOW = 200

export const SAVED_MESSAGE =
  'Saved: the model will be rebuilt from your history (nothing you did is lost).'

/** "Built-in audio features — 1,234 songs, 90 dimensions". */
export function spaceLabel({ space, vectors, dim }: EmbeddingSpaceSummary): string {
  const name = space === BUILT_IN_SPACE ? 'Built-in audio features' : space
  const songs = `${vectors.toLocaleString('en')} ${vectors === 1 ? 'song' : 'songs'}`
  return `${name} — ${songs}, ${dim} dimensions`
}

/**
 * The taste model's own settings: which embedding space it learns on, how many PCA dimensions it
 * keeps, how cautiously it generalises (λ) and whether it forgets old rewards. The engine notices
 * the changed parameters and rebuilds the model by replaying the event log, so nothing is lost.
 */
export function ModelSettings({ bridge, settings, onChange, onError }: SettingsCardProps) {
  const model = settings.model
  const [spaces, setSpaces] = useState<EmbeddingSpaceSummary[] | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  const hintIds = { space: useId() }

  useEffect(() => {
    let live = true
    bridge.api
      .listSpaces()
      .then((list) => {
        if (live) setSpaces(list)
      })
      .catch((e: unknown) => {
        if (live) setSpaces([])
        onError(`The embedding spaces could not be listed: ${errorText(e)}`)
      })
    return () => {
      live = false
    }
  }, [bridge, onError])

  // Follow the saved values (an answer from the engine, a restored default), adjusting the typed
  // text while rendering rather than in an effect (react.dev "you might not need an effect").
  const usable = (spaces ?? []).filter((s) => s.vectors > 0)
  const current = (spaces ?? []).find((s) => s.space === model.space)
  // The active space stays listed even before any song has a vector in it.
  const choices = usable.some((s) => s.space === model.space)
    ? usable
    : [{ space: model.space, dim: current?.dim ?? 0, vectors: 0, errors: 0 }, ...usable]
  // k = min(pcaDims, N − 1, D) in the engine: more than the space's D would change nothing.
  const maxPcaDims = current && current.dim > 0 ? Math.min(MAX_PCA_DIMS, current.dim) : MAX_PCA_DIMS

  const save = async (patch: Partial<ModelSettingsValues>) => {
    setSaved(false)
    // The engine validates too; checking here keeps a bad value from ever leaving the form.
    const checked = settingsSchema.shape.model.partial().safeParse(patch)
    if (!checked.success) {
      setProblem('That value cannot be used for the taste model.')
      return
    }
    setProblem(null)
    try {
      onChange(await bridge.api.updateSettings({ section: 'model', patch: checked.data }))
      setSaved(true)
    } catch (e) {
      onError(`That setting could not be saved: ${errorText(e)}`)
    }
  }

  const setForgetting = (on: boolean) =>
    void save({ forgettingWindow: on ? DEFAULT_FORGETTING_WINDOW : null })

  const forgetting = model.forgettingWindow !== null
  return (
    <div className="card model-settings" role="group" aria-label="Taste model">
      <h3>Taste model</h3>
      <p className="muted">
        How Attune learns your taste from your marks and listens. Changing these rebuilds the model
        from your history; nothing you did is lost.
      </p>
      <p>
        <label>
          Embedding space{' '}
          <select
            aria-label="Embedding space"
            aria-describedby={hintIds.space}
            value={model.space}
            disabled={spaces === null || choices.length <= 1}
            onChange={(e) => void save({ space: e.target.value })}
          >
            {choices.map((s) => (
              <option key={s.space} value={s.space}>
                {s.vectors > 0 ? spaceLabel(s) : `${s.space} — no songs yet`}
              </option>
            ))}
          </select>
        </label>{' '}
        <span className="hint" id={hintIds.space}>
          {choices.length <= 1
            ? 'Only one space so far. Import your own with attune import-embeddings.'
            : 'How each song is described to the model.'}
        </span>
      </p>
      <NumberField
        name="PCA dimensions"
        min={MIN_PCA_DIMS}
        max={MAX_PCA_DIMS}
        clampTo={maxPcaDims}
        whole
        step={1}
        value={model.pcaDims}
        hint={`Fewer: learns faster from few marks; more: finer distinctions (${MIN_PCA_DIMS} to ${maxPcaDims}; with tags on, half of them describe the tags).`}
        onSave={(pcaDims) => void save({ pcaDims })}
      />
      <NumberField
        name="Caution (λ)"
        min={0}
        aboveMin
        max={MAX_LAMBDA}
        step={0.1}
        value={model.lambda}
        hint="Regularisation: how cautiously it generalises from few marks (more is more cautious)."
        onSave={(lambda) => void save({ lambda })}
      />
      <p>
        <label>
          <input
            type="checkbox"
            checked={model.useTags}
            onChange={(e) => void save({ useTags: e.target.checked })}
          />{' '}
          Use tags
        </label>{' '}
        <span className="hint">
          Songs by the same artist, on the same album, of the same genre or decade count as alike
          too, not only songs that sound alike (folder names stand in for missing tags).
        </span>
      </p>
      <NumberField
        name="Weight of tags"
        min={0}
        max={MAX_TAG_WEIGHT}
        step={0.05}
        disabled={!model.useTags}
        value={model.tagWeight}
        hint={`How much tags count beside the sound (the sound counts 1; 0 to ${MAX_TAG_WEIGHT}).`}
        onSave={(tagWeight) => void save({ tagWeight })}
      />
      <NumberField
        name="Album sound"
        label="Album's share of a song's sound"
        min={0}
        max={1}
        step={0.05}
        value={model.albumSound}
        hint="Songs sound a little like the rest of their album (0 off, 1: exactly like the album's average). Compilations, albums of one song and albums whose songs sound far apart are left as they are."
        onSave={(albumSound) => void save({ albumSound })}
      />
      <p>
        <label>
          <input
            type="checkbox"
            aria-label="Forget old rewards"
            checked={forgetting}
            onChange={(e) => setForgetting(e.target.checked)}
          />{' '}
          Forget old rewards
        </label>
      </p>
      <NumberField
        name="Rewards to keep"
        label="Keep the last (rewards)"
        min={MIN_FORGETTING_WINDOW}
        whole
        step={1}
        disabled={!forgetting}
        value={model.forgettingWindow ?? DEFAULT_FORGETTING_WINDOW}
        hint={`For a taste that drifts: only your latest rewards count (${MIN_FORGETTING_WINDOW} or more).`}
        onSave={(forgettingWindow) => void save({ forgettingWindow })}
      />
      {problem ? (
        <p className="inline-error" role="alert">
          {problem}
        </p>
      ) : null}
      {saved ? (
        <p className="muted" role="status">
          {SAVED_MESSAGE}
        </p>
      ) : null}
    </div>
  )
}
