// The packaging step's fuse switch (scripts/electron-fuses.mjs), run as the packager runs it on a
// binary that carries Electron's fuse wire (the real layout: sentinel, version, length, one ASCII
// byte per fuse). Electron itself cannot be downloaded here, so the binary is built by the test.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const SENTINEL = Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX', 'ascii')
// Electron's defaults: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, asar
// integrity off, only-asar off, browser V8 snapshot off, file:// extra privileges on.
const DEFAULT_WIRE = '10110001'
const WANTED_WIRE = '01001100'
const script = join(import.meta.dirname, '../../../scripts/electron-fuses.mjs')
const dir = mkdtempSync(join(tmpdir(), 'attune-fuses-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function fakeElectron(name: string, wires: string[]): { file: string; bytes: Buffer } {
  const parts: Buffer[] = [randomBytes(4096)]
  for (const wire of wires) {
    parts.push(
      SENTINEL,
      Buffer.from([1, wire.length]),
      Buffer.from(wire, 'ascii'),
      randomBytes(512),
    )
  }
  const bytes = Buffer.concat(parts)
  const file = join(dir, name)
  writeFileSync(file, bytes)
  return { file, bytes }
}

function wireAt(bytes: Buffer, from = 0): string {
  const at = bytes.indexOf(SENTINEL, from) + SENTINEL.length
  return bytes.subarray(at + 2, at + 2 + bytes[at + 1]!).toString('ascii')
}

const run = (file: string) => spawnSync(process.execPath, [script, file], { encoding: 'utf8' })

describe('Electron fuses for a packaged Attune', () => {
  it('burns every fuse to the chosen state and changes no other byte', () => {
    const { file, bytes } = fakeElectron('electron', [DEFAULT_WIRE])
    const result = run(file)
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    const after = readFileSync(file)
    expect(wireAt(after)).toBe(WANTED_WIRE)
    const changed = [...after].flatMap((byte, i) => (byte === bytes[i] ? [] : [i]))
    const wireStart = bytes.indexOf(SENTINEL) + SENTINEL.length + 2
    expect(changed.every((i) => i >= wireStart && i < wireStart + 8)).toBe(true)
    expect(result.stdout).toMatch(/RunAsNode\s+off/)
    expect(result.stdout).toMatch(/OnlyLoadAppFromAsar\s+on/)
    expect(result.stdout).toMatch(/GrantFileProtocolExtraPrivileges\s+off/)
    // Running it again is harmless.
    expect(run(file).status).toBe(0)
    expect(wireAt(readFileSync(file))).toBe(WANTED_WIRE)
  })

  it('flips both slices of a universal macOS binary', () => {
    const { file } = fakeElectron('universal', [DEFAULT_WIRE, DEFAULT_WIRE])
    expect(run(file).status).toBe(0)
    const after = readFileSync(file)
    expect(wireAt(after)).toBe(WANTED_WIRE)
    expect(wireAt(after, after.indexOf(SENTINEL) + 1)).toBe(WANTED_WIRE)
  })

  it('stops the packaging when a newer Electron has a fuse nobody decided', () => {
    const { file, bytes } = fakeElectron('newer', [`${DEFAULT_WIRE}1`])
    const result = run(file)
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/Could not set the Electron fuses/)
    expect(readFileSync(file).equals(bytes)).toBe(true)
  })

  it('says so when the file is not an Electron binary', () => {
    const file = join(dir, 'not-electron')
    writeFileSync(file, randomBytes(2048))
    const result = run(file)
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(
      /Could not set the Electron fuses on .*not-electron: Could not find sentinel/,
    )
  })
})
