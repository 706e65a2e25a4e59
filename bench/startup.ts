// CLI start-up: the wall time of `attune stats --json` on a small library against Node loading
// better-sqlite3 alone, side by side in one run (target in DESIGN.md: ≤ 2.5×).
//
//   node bin/run-ts.js bench/startup.ts [--rounds 21]
//
// Every round runs each command once as a fresh process, in a rotated order, so load on the shared
// machine hits all of them alike; the figure is the median of the per-round ratios. "before" is how
// the CLI ran until it shipped compiled: the TypeScript sources through tsx's loader.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { report } from './report'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '21' } } })
const rounds = Number(values.rounds)
const FIXTURES = resolve(process.cwd(), '../shared/fixtures')

const dir = mkdtempSync(join(tmpdir(), 'attune-startup-'))
const db = join(dir, 'library.db')

function run(args: string[]): number {
  const start = process.hrtime.bigint()
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed:\n${result.stderr}`)
  return ms
}

try {
  run(['bin/attune.js', 'scan', join(FIXTURES, 'music'), '--db', db, '--json'])
  const tracks = (
    JSON.parse(
      spawnSync(process.execPath, ['bin/attune.js', 'stats', '--json', '--db', db], {
        encoding: 'utf8',
      }).stdout,
    ) as { tracks: number }
  ).tracks

  const commands: { name: string; args: string[] }[] = [
    {
      name: "node -e \"require('better-sqlite3')(':memory:')\"",
      args: ['-e', "require('better-sqlite3')(':memory:')"],
    },
    { name: '`attune stats --json`', args: ['bin/attune.js', 'stats', '--json', '--db', db] },
    { name: '`attune --help`', args: ['bin/attune.js', '--help'] },
    {
      name: 'before: `attune stats --json` from the sources through tsx',
      args: [
        '--input-type=module',
        '-e',
        `import { register } from 'tsx/esm/api'; register();` +
          `const { main } = await import('./src/main/cli/main.ts');` +
          `process.exitCode = await main(['stats', '--json', '--db', ${JSON.stringify(db)}])`,
      ],
    },
  ]
  const times = commands.map(() => [] as number[])
  for (const command of commands) run(command.args) // warm the page cache
  const load = loadavg()[0] ?? 0
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < commands.length; i++) {
      const index = (round + i) % commands.length
      times[index]?.push(run(commands[index]?.args ?? []))
    }
  }
  const median = (xs: number[]): number => {
    const sorted = [...xs].sort((a, b) => a - b)
    return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
  }
  const baseline = times[0] ?? []
  console.log(
    `${rounds} rounds, library of ${tracks} tracks, load average ${load.toFixed(1)} → ${(loadavg()[0] ?? 0).toFixed(1)}\n`,
  )
  console.log('| command | median ms | min ms | × baseline (median of per-round ratios) |')
  console.log('| --- | --- | --- | --- |')
  commands.forEach((command, i) => {
    const own = times[i] ?? []
    const ratio = median(own.map((t, round) => t / (baseline[round] ?? Number.NaN)))
    console.log(
      `| ${command.name} | ${median(own).toFixed(0)} | ${Math.min(...own).toFixed(0)} | ${ratio.toFixed(2)} |`,
    )
    if (i === 1) report('startup.statsOverNode', ratio)
  })
} finally {
  rmSync(dir, { recursive: true, force: true })
}
