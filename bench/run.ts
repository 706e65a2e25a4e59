// `npm run bench`: runs every benchmark of bench/targets.ts one after another (never in parallel:
// the machines have two shared cores) and prints their Markdown tables. `npm run bench -- scan
// linucb` runs some. `npm run bench -- --check` (`npm run bench:check`) runs them at the smaller
// sizes of their `checkArgs` and exits non-zero when a target is missed, with one line per target:
// name, measured, target, pass or FAIL. A benchmark with `checkOnlyWhenNamed` (the learning
// targets) is checked only when named: `npm run bench -- --check learning`.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { RESULT_PREFIX } from './report'
import { BENCHMARKS, type Benchmark, type Target } from './targets'

const check = process.argv.includes('--check')
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const unknown = chosen.filter((name) => !BENCHMARKS.some((b) => b.name === name))
const named = (b: Benchmark): boolean => chosen.includes(b.name)
const benchmarks = BENCHMARKS.filter(
  (b) =>
    (chosen.length === 0 || named(b)) &&
    (!check || (b.checkArgs !== null && (b.checkOnlyWhenNamed === undefined || named(b)))),
)
const leftOut = check
  ? BENCHMARKS.filter((b) => chosen.length === 0 && b.checkOnlyWhenNamed !== undefined)
  : []
let failed = unknown.length
for (const name of unknown) console.error(`no benchmark ${name} in bench/targets.ts`)
const results = new Map<string, number>()
const started = Date.now()

for (const benchmark of benchmarks) {
  const file = `bench/${benchmark.name}.ts`
  if (!existsSync(file)) {
    console.error(`no benchmark ${file}`)
    failed++
    continue
  }
  const args = (check ? benchmark.checkArgs : benchmark.args) ?? []
  console.log(`\n## ${benchmark.name}: \`node bin/run-ts.js ${[file, ...args].join(' ')}\`\n`)
  const result = spawnSync(process.execPath, ['--expose-gc', 'bin/run-ts.js', file, ...args], {
    stdio: ['inherit', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  })
  for (const line of (result.stdout ?? '').split('\n')) {
    if (!line.startsWith(RESULT_PREFIX)) {
      console.log(line)
      continue
    }
    const { name, value } = JSON.parse(line.slice(RESULT_PREFIX.length)) as {
      name: string
      value: number
    }
    results.set(name, value)
  }
  if (result.status !== 0) {
    console.error(`bench/${benchmark.name}.ts failed (exit ${result.status ?? result.signal})`)
    failed++
  }
}

function verdict(target: Target): { measured: number | undefined; pass: boolean; limit: string } {
  const measured = results.get(target.result)
  const limit = target.atMost !== undefined ? `≤ ${target.atMost}` : `≥ ${String(target.atLeast)}`
  const pass =
    measured !== undefined &&
    Number.isFinite(measured) &&
    (target.atMost === undefined || measured <= target.atMost) &&
    (target.atLeast === undefined || measured >= target.atLeast)
  return { measured, pass, limit }
}

if (check) {
  console.log(`\n## Targets (${((Date.now() - started) / 60_000).toFixed(1)} min)\n`)
  const checked: Benchmark[] = benchmarks.filter((b) => b.targets.length > 0)
  for (const benchmark of checked) {
    for (const target of benchmark.targets) {
      const { measured, pass, limit } = verdict(target)
      const shown = measured === undefined ? 'not measured' : measured.toPrecision(3)
      console.log(
        `${pass ? 'pass' : 'FAIL'}  ${target.label}: ${shown} (target ${limit}) [${target.result}]`,
      )
      if (!pass) failed++
    }
  }
  for (const benchmark of leftOut)
    console.log(
      `not checked: ${benchmark.name} (${benchmark.checkOnlyWhenNamed}; \`npm run bench -- --check ${benchmark.name}\`)`,
    )
}
process.exitCode = failed > 0 ? 1 : 0
