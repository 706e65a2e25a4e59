#!/usr/bin/env node
// Runs a TypeScript entry (benchmarks, scripts) through tsx (a dev dependency):
// `node bin/run-ts.js bench/run.ts`. Worker threads the benchmark starts run the built out/main, so
// it is brought up to date first.
import { register } from 'tsx/esm/api'
import { ensureBuilt } from '../scripts/ensure-built.mjs'
import { pathToFileURL } from 'node:url'
import { resolve } from 'node:path'

ensureBuilt()
register()
const entry = process.argv[2]
if (!entry) {
  console.error('usage: node bin/run-ts.js FILE.ts [args…]')
  process.exit(2)
}
process.argv.splice(1, 1)
await import(pathToFileURL(resolve(entry)).href)
