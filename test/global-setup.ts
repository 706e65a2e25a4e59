// Tests import the TypeScript sources, and every worker thread they start runs the built
// out/main/<name>-worker.js (src/main/workers/entries.ts), as in the app and the CLI: build it once
// before the run when a source is newer than the build.
import { ensureBuilt } from '../scripts/ensure-built.mjs'

export default function setup(): void {
  ensureBuilt()
}
