// What a benchmark hands the checker (`npm run bench -- --check`, bench/run.ts): one measured
// value per line on stdout, `BENCH-RESULT {"name":…,"value":…}`, beside its Markdown tables. The
// targets they are compared with live in bench/targets.ts.

export const RESULT_PREFIX = 'BENCH-RESULT '

/** Reports a measured value under `name` (a key of a target in bench/targets.ts). */
export function report(name: string, value: number): void {
  console.log(`${RESULT_PREFIX}${JSON.stringify({ name, value })}`)
}

/** Whether the script runs for the checker (a smaller size that fits in its time budget). */
export const checking = process.argv.includes('--check')

/** The value after `--name` as numbers (comma-separated), or `fallback`. */
export function listFlag(name: string, fallback: number[]): number[] {
  const position = process.argv.indexOf(name)
  const value = position > 0 ? process.argv[position + 1] : undefined
  return value === undefined ? fallback : value.split(',').map(Number)
}

/** The `share` quantile of `values` (nearest rank): 0.5 the median, 0.99 the p99. */
export function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((p, q) => p - q)
  return sorted[
    Math.max(0, Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1))
  ] as number
}

export const median = (values: readonly number[]): number => percentile(values, 0.5)
