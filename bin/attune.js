#!/usr/bin/env node
// The `attune` command. Runs the TypeScript sources through tsx, so the CLI works right after
// `npm install` with no build step; worker threads started by the engine register tsx the same way.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/main/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
