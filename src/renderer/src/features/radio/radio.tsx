// The radio in the renderer (issue 13, item 1): which radio runs (it lives in the engine's
// settings, so every window follows `settingsChanged`), and its banner above the queue: what it
// started from, how close to it it stays ("wander" … "close to the seed"), and End radio.
import { useEffect, useRef, useState } from 'react'
import { closenessWords, radioStatus, type RadioStatus } from '../../../../shared/radio'
import type { Bridge } from '../../lib/bridge'
import { errorText } from '../../lib/format'
import { WordedSlider } from '../../components/WordedSlider'

/** The radio as the engine has it; null until read. */
export function useRadio(bridge: Bridge): RadioStatus | null {
  const [status, setStatus] = useState<RadioStatus | null>(null)
  useEffect(() => {
    let cancelled = false
    const off = bridge.onEvent((event) => {
      if (event.name === 'settingsChanged') setStatus(radioStatus(event.payload.radio))
    })
    bridge.api
      .radioStatus()
      .then((read) => {
        if (!cancelled) setStatus((current) => current ?? read)
      })
      .catch(() => undefined) // no banner; starting a radio says what is wrong
    return () => {
      cancelled = true
      off()
    }
  }, [bridge])
  return status
}

/** How long the closeness slider waits after the last move before the picks follow it. */
const CLOSENESS_SAVE_MS = 300

export interface RadioBannerProps {
  bridge: Bridge
  status: RadioStatus | null
  onError: (message: string) => void
}

/** Shown while a radio runs: its seed, the closeness control, End radio. */
export function RadioBanner({ bridge, status, onError }: RadioBannerProps) {
  const [closeness, setCloseness] = useState<number | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current)
    },
    [],
  )
  if (!status?.radio) return null
  const shown = closeness ?? status.closeness
  const words = closenessWords(shown)
  const move = (value: number) => {
    setCloseness(value)
    if (timer.current !== null) clearTimeout(timer.current)
    timer.current = setTimeout(() => {
      timer.current = null
      bridge.api
        .updateSettings({ section: 'radio', patch: { closeness: value } })
        .then(() => setCloseness(null))
        .catch((e: unknown) => {
          setCloseness(null)
          onError(`The radio’s closeness was not saved: ${errorText(e)}`)
        })
    }, CLOSENESS_SAVE_MS)
  }
  const end = () => {
    bridge.api
      .stopRadio()
      .catch((e: unknown) => onError(`The radio could not be ended: ${errorText(e)}`))
  }
  return (
    <section className="radio-banner" aria-label="Radio" data-testid="radio-banner">
      <div className="radio-head">
        <span>
          <span aria-hidden="true">📻 </span>
          Radio from <strong data-testid="radio-seed">{status.radio.label}</strong>
        </span>
        <button onClick={end}>End radio</button>
      </div>
      <WordedSlider
        className="radio-closeness"
        label="How close the radio stays to where it started"
        words={words}
        value={shown}
        step={0.05}
        low="Wander"
        high="Close"
        onChange={move}
      />
      <p className="muted radio-words" data-testid="radio-closeness">
        {words}
      </p>
    </section>
  )
}
