// A listener control from 0 to 1 with words at both ends and its position read out in words
// (the exploration in Settings, the radio's closeness).

export interface WordedSliderProps {
  /** The control's name for screen readers. */
  label: string
  /** The position in words (read out as the value). */
  words: string
  value: number
  step: number
  /** The words at the 0 end and at the 1 end. */
  low: string
  high: string
  onChange: (value: number) => void
  id?: string
  className?: string
}

export function WordedSlider(props: WordedSliderProps) {
  return (
    <span className={props.className ? `slider-row ${props.className}` : 'slider-row'}>
      <span className="muted" aria-hidden="true">
        {props.low}
      </span>
      <input
        id={props.id}
        type="range"
        min={0}
        max={1}
        step={props.step}
        aria-label={props.label}
        aria-valuetext={props.words}
        value={props.value}
        onChange={(e) => props.onChange(Number(e.target.value))}
      />
      <span className="muted" aria-hidden="true">
        {props.high}
      </span>
    </span>
  )
}
