// What a mark does to the song that is playing.
import { errorText } from '../../lib/format'
import type { SettingsCardProps } from './card-props'

export function PlaybackSettings({ bridge, settings, onChange, onError }: SettingsCardProps) {
  const save = async (skipOnNotForMe: boolean) => {
    try {
      onChange(await bridge.api.updateSettings({ section: 'playback', patch: { skipOnNotForMe } }))
    } catch (e) {
      onError(`That setting could not be saved: ${errorText(e)}`)
    }
  }
  return (
    <div className="card" aria-label="Marks">
      <h3>Marks</h3>
      <p>
        <label>
          <input
            type="checkbox"
            aria-label="Skip songs marked not for me"
            checked={settings.playback.skipOnNotForMe}
            onChange={(e) => void save(e.target.checked)}
          />{' '}
          When you mark the song that is playing “Not for me”, move on to the next one
        </label>
      </p>
    </div>
  )
}
