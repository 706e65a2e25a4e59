import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { FIXTURES } from './temp'

/**
 * Writes a copy of a fixture WAV with its tags stripped: only the RIFF header, `fmt ` and `data`
 * chunks are kept (a LIST/INFO or id3 chunk is dropped), so the copy is real audio a scanner finds
 * no title, artist or album in.
 */
export function writeUntaggedWav(target: string, fixture = 'formats/mono-8k.wav'): string {
  const source = readFileSync(join(FIXTURES, fixture))
  if (source.toString('latin1', 0, 4) !== 'RIFF' || source.toString('latin1', 8, 12) !== 'WAVE')
    throw new Error(`${fixture} is not a WAV file`)
  const kept: Buffer[] = []
  for (let at = 12; at + 8 <= source.length;) {
    const id = source.toString('latin1', at, at + 4)
    const size = source.readUInt32LE(at + 4)
    const end = Math.min(source.length, at + 8 + size + (size & 1))
    if (id === 'fmt ' || id === 'data') kept.push(source.subarray(at, end))
    at = end
  }
  const body = Buffer.concat(kept)
  const header = Buffer.alloc(12)
  header.write('RIFF', 0, 'latin1')
  header.writeUInt32LE(body.length + 4, 4)
  header.write('WAVE', 8, 'latin1')
  mkdirSync(dirname(target), { recursive: true })
  writeFileSync(target, Buffer.concat([header, body]))
  return target
}

/**
 * An untagged library under `root`: Artist/Album/track, Album/track, a disc folder and a loose
 * file, with the file names real libraries have. Returns the paths written, relative to `root`.
 */
export const UNTAGGED_LAYOUT = [
  'Some_Band/First Album/01 - Opening_Theme.wav',
  'Some_Band/First Album/02 - My_Song.wav',
  'Some_Band/Double Album/CD2/1-03 Far Away.wav',
  'Loose Album/03. Another_Track.wav',
  'track17.wav',
] as const

export function writeUntaggedLibrary(root: string): string[] {
  return UNTAGGED_LAYOUT.map((relative) => writeUntaggedWav(join(root, relative)))
}
