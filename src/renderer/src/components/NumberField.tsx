// One number field for every setting: the listener types freely, the value is saved on leaving
// the field (or Enter), and a value that cannot be used is refused in words, next to the field,
// without saving anything.
import { useId, useState, type ReactNode } from 'react'

export interface NumberRule {
  /** Named in the messages ("PCA dimensions: type a whole number."). */
  name: string
  min: number
  /** No upper bound when absent. */
  max?: number
  /** The value must be above `min`, not equal to it. */
  aboveMin?: boolean
  whole?: boolean
}

/** A typed number, or the reason in plain words it cannot be used. */
export function parseNumber(
  text: string,
  rule: NumberRule,
): { value: number } | { problem: string } {
  const { name, min, max, aboveMin = false, whole = false } = rule
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value)) return { problem: `${name}: type a number.` }
  if (whole && !Number.isInteger(value)) return { problem: `${name}: type a whole number.` }
  const tooLow = aboveMin ? value <= min : value < min
  if (tooLow || (max !== undefined && value > max)) {
    if (aboveMin)
      return {
        problem: `${name}: type a number above ${min}${max !== undefined ? `, at most ${max}` : ''}.`,
      }
    return {
      problem:
        max === undefined
          ? `${name}: type ${min} or more.`
          : `${name}: type a number from ${min} to ${max}.`,
    }
  }
  return { value }
}

export interface NumberFieldProps extends NumberRule {
  /** What the label shows; `name` when absent. */
  label?: ReactNode
  value: number
  step?: number
  disabled?: boolean
  /** A valid value above this is saved as this (e.g. PCA dimensions above the space's own). */
  clampTo?: number
  /** A line under the field, in words. */
  hint?: ReactNode
  /** In a table cell: the label is for screen readers only. */
  compact?: boolean
  /** Called on leaving the field with a valid value that differs from `value`. */
  onSave: (value: number) => void
}

export function NumberField(props: NumberFieldProps) {
  const { name, value, step, disabled = false, clampTo, hint, onSave } = props
  const [text, setText] = useState(String(value))
  const [problem, setProblem] = useState<string | null>(null)
  const [shown, setShown] = useState(value)
  // The value changed elsewhere (restored defaults, another window): show it.
  if (shown !== value) {
    setShown(value)
    setText(String(value))
    setProblem(null)
  }
  const ids = { hint: useId(), problem: useId() }
  const commit = () => {
    const parsed = parseNumber(text, props)
    if ('problem' in parsed) {
      setProblem(parsed.problem)
      return
    }
    setProblem(null)
    const next = clampTo !== undefined && parsed.value > clampTo ? clampTo : parsed.value
    if (next !== parsed.value) setText(String(next))
    if (next !== value) onSave(next)
  }
  const describedBy = [hint ? ids.hint : null, problem ? ids.problem : null]
    .filter((id) => id !== null)
    .join(' ')
  return (
    <div className={`field number-field${props.compact ? ' compact' : ''}`}>
      <label>
        <span className={props.compact ? 'visually-hidden' : 'field-label'}>
          {props.label ?? name}
        </span>
        <input
          type="number"
          aria-label={name}
          aria-invalid={problem !== null}
          {...(describedBy ? { 'aria-describedby': describedBy } : {})}
          min={props.min}
          {...(clampTo !== undefined || props.max !== undefined
            ? { max: clampTo ?? props.max }
            : {})}
          {...(step !== undefined ? { step } : {})}
          disabled={disabled}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.currentTarget.blur()
          }}
        />
      </label>
      {hint ? (
        <span className="hint" id={ids.hint}>
          {hint}
        </span>
      ) : null}
      {problem ? (
        <span className="inline-error" role="alert" id={ids.problem}>
          {problem}
        </span>
      ) : null}
    </div>
  )
}
