// Argument parsing shared by the commands: strict flags with usage words, whole numbers and lists.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { COMMON } from './context'
import { CliError } from './output'

type Options = NonNullable<ParseArgsConfig['options']>

/** What `parse` returns for a command's options (with the common ones). */
export type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{
    args: string[]
    options: typeof COMMON & O
    allowPositionals: true
    strict: true
  }>
>

export function parse<O extends Options>(args: string[], options: O): Parsed<O> {
  try {
    return parseArgs({
      args,
      options: { ...COMMON, ...options },
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    throw new CliError(`${(error as Error).message}. Run 'attune --help' for usage.`, 2)
  }
}

export function wholeNumber(value: unknown, flag: string, min = 1): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`${flag} takes a whole number of at least ${min}.`, 2)
  return n
}

export function numberList(
  value: unknown,
  flag: string,
  valid: (n: number) => boolean,
): number[] | undefined {
  if (typeof value !== 'string') return undefined
  const numbers = value.split(',').map((part) => Number(part.trim()))
  if (numbers.length === 0 || !numbers.every((n) => Number.isFinite(n) && valid(n))) {
    throw new CliError(`${flag} takes numbers separated by commas, e.g. ${flag} 0.1,1,3.`, 2)
  }
  return numbers
}
