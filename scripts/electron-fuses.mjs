#!/usr/bin/env node
// Electron fuses: feature switches burnt into the Electron binary when the app is packaged, before
// code signing (https://www.electronjs.org/docs/latest/tutorial/fuses). Attune needs none of the
// features below, so a packaged Attune ships a binary that cannot be turned into a Node runtime,
// debugged through --inspect or NODE_OPTIONS, or made to load app code from outside its app.asar.
//
// Usage (the packaging step, on the packaged app's Electron binary or macOS .app):
//   node scripts/electron-fuses.mjs path/to/Attune[.exe|.app]
// It flips every fuse (strictlyRequireAllFuses: a fuse added by a newer Electron stops the build
// until it is decided here), reads the wire back and prints each fuse's state. Not for the
// development binary in node_modules/electron: `npm start` loads the app from a folder, which
// OnlyLoadAppFromAsar forbids.
import fuses from '@electron/fuses'
import { fileURLToPath } from 'node:url'

const { flipFuses, getCurrentFuseWire, FuseV1Options, FuseVersion } = fuses

/** Fuse name → wanted state (true = on). Every fuse of the V1 wire is decided. */
export const ATTUNE_FUSES = Object.freeze({
  // The app never runs as plain Node (the CLI runs on the system's Node, not Electron's).
  RunAsNode: false,
  // Cookies on disk encrypted with the OS keychain (the app keeps none today; costs nothing).
  EnableCookieEncryption: true,
  // NODE_OPTIONS and --inspect would let any local process inject code into the main process.
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  // Load the app only from app.asar, and check its integrity where Electron supports it (macOS,
  // Windows): the packaging step packs the built out/ folder into app.asar, with better-sqlite3's
  // Electron build (.cache/electron-native) unpacked beside it.
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  // No custom V8 snapshot.
  LoadBrowserProcessSpecificV8Snapshot: false,
  // The renderer loads from attune://app/, not file://, so file:// needs no extra privileges.
  GrantFileProtocolExtraPrivileges: false,
})

/** The @electron/fuses config for ATTUNE_FUSES (fuse index → state). */
export function fuseConfig() {
  const config = { version: FuseVersion.V1, strictlyRequireAllFuses: true }
  for (const [name, on] of Object.entries(ATTUNE_FUSES)) {
    const index = FuseV1Options[name]
    if (typeof index !== 'number') throw new Error(`Unknown Electron fuse: ${name}`)
    config[index] = on
  }
  return config
}

/** Flips the fuses on a binary and returns what the wire says afterwards (name → 'on' | 'off' | …). */
export async function applyFuses(binary) {
  await flipFuses(binary, fuseConfig())
  const wire = await getCurrentFuseWire(binary)
  const states = {}
  for (const [name] of Object.entries(ATTUNE_FUSES)) {
    const byte = wire[FuseV1Options[name]]
    states[name] = byte === 49 ? 'on' : byte === 48 ? 'off' : byte === 114 ? 'removed' : 'unset'
  }
  for (const [name, on] of Object.entries(ATTUNE_FUSES)) {
    if (states[name] !== 'removed' && states[name] !== (on ? 'on' : 'off')) {
      throw new Error(
        `The fuse ${name} is ${states[name]} after flipping; expected ${on ? 'on' : 'off'}.`,
      )
    }
  }
  return states
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const binary = process.argv[2]
  if (!binary) {
    console.error('Usage: node scripts/electron-fuses.mjs path/to/packaged/Attune binary or .app')
    process.exit(2)
  }
  try {
    const states = await applyFuses(binary)
    for (const [name, state] of Object.entries(states)) console.log(`${name.padEnd(40)} ${state}`)
  } catch (error) {
    console.error(
      `Could not set the Electron fuses on ${binary}: ${error instanceof Error ? error.message : String(error)}`,
    )
    process.exit(1)
  }
}
