// What every settings card gets: the bridge to save through, the settings as they are, where the
// saved settings go, and where an error in words goes.
import type { Settings } from '../../../../shared/settings'
import type { Bridge } from '../../lib/bridge'

export interface SettingsCardProps {
  bridge: Bridge
  settings: Settings
  onChange: (settings: Settings) => void
  onError: (message: string) => void
}
