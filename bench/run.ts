// `npm run bench`: runs every benchmark one after another (never in parallel: the machines have two
// shared cores) and prints their Markdown tables. `npm run bench -- scan linucb` runs a subset.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const ALL = ['scan', 'analysis', 'linucb', 'pca', 'library', 'startup', 'learning']
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const names = chosen.length > 0 ? chosen : ALL
let failed = 0
for (const name of names) {
  const file = `bench/${name}.ts`
  if (!existsSync(file)) {
    console.error(`no benchmark ${file}`)
    failed++
    continue
  }
  console.log(`\n## ${name}\n`)
  const result = spawnSync(process.execPath, ['--expose-gc', 'bin/run-ts.js', file], {
    stdio: 'inherit',
  })
  if (result.status !== 0) failed++
}
process.exitCode = failed > 0 ? 1 : 0
