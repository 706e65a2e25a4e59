import { useState, type DragEvent } from 'react'
import type { Bridge } from '../../lib/bridge'
import { errorText } from '../../lib/format'
import { addLibraryFolder } from '../../lib/folders'

export interface FirstRunProps {
  bridge: Bridge
  onError: (message: string) => void
}

/** The first screen of an empty library: which folder holds the music? */
export function FirstRun({ bridge, onError }: FirstRunProps) {
  const [folder, setFolder] = useState('')
  const [dragging, setDragging] = useState(false)
  const [note, setNote] = useState<string | null>(null)
  const add = async (path: string) => {
    try {
      if (!(await addLibraryFolder(bridge.api, path))) return
      await bridge.api.startScan()
    } catch (e) {
      onError(`That folder could not be added: ${errorText(e)}`)
    }
  }
  const onDrop = (event: DragEvent) => {
    event.preventDefault()
    setDragging(false)
    const file = event.dataTransfer.files[0]
    // Only Electron reveals where a dropped folder lives; a browser keeps paths private.
    const path = file ? (bridge.pathForFile?.(file) ?? null) : null
    if (path) void add(path)
    else
      setNote(
        'This browser does not tell Attune where a dropped folder lives. Type its path instead.',
      )
  }
  return (
    <section
      className={`first-run${dragging ? ' dragging' : ''}`}
      aria-label="Add your music"
      onDragOver={(e) => {
        e.preventDefault()
        setDragging(true)
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <div className="first-run-card">
        <div className="logo" aria-hidden="true">
          ◉
        </div>
        <h2>Welcome to Attune</h2>
        <p>
          Which folder holds your music? Attune reads it, never changes it, and learns what you like
          as you listen.
        </p>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            if (folder.trim()) void add(folder.trim())
          }}
        >
          <input
            value={folder}
            onChange={(e) => setFolder(e.target.value)}
            placeholder="/home/you/Music"
            aria-label="Music folder"
          />
          <button type="submit" disabled={!folder.trim()}>
            Add
          </button>
        </form>
        <p className="muted">
          {bridge.kind === 'electron'
            ? 'Or drop the folder here.'
            : 'Type the full path of the folder.'}
        </p>
        {note ? <p className="muted">{note}</p> : null}
      </div>
    </section>
  )
}
