#!/usr/bin/env node
// The `attune` command runs the built JavaScript in out/main (electron.vite.config.ts), the same
// build the desktop app runs, worker threads included. `npm install` builds it; after a source
// changes, the first run rebuilds it (scripts/ensure-built.mjs).
import { ensureBuilt } from '../scripts/ensure-built.mjs'

try {
  ensureBuilt()
} catch (error) {
  process.stderr.write(`attune: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
const { main } = await import('../out/main/cli.js')
process.exitCode = await main(process.argv.slice(2))
