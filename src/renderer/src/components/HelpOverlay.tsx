import { Dialog } from './Dialog'
import { SHORTCUTS } from '../lib/shortcuts'

const CLOSE_KEYS = ['?']

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <Dialog
      title="Keyboard shortcuts"
      titleId="help-title"
      closeKeys={CLOSE_KEYS}
      onClose={onClose}
    >
      <dl className="shortcuts">
        {SHORTCUTS.map((s) => (
          <div key={s.keys} className="shortcut">
            <dt>
              <kbd>{s.keys}</kbd>
            </dt>
            <dd>{s.description}</dd>
          </div>
        ))}
      </dl>
      <p className="hint">Shortcuts rest while you type in a text box.</p>
      <button onClick={onClose}>Close</button>
    </Dialog>
  )
}
