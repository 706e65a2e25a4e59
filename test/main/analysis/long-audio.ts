/**
 * Long test files made on the fly in a temp dir (never stored in the repo): a synthetic WAV of
 * any length, and a long MP3 made by joining the real MP3 fixtures frame-for-frame.
 */
import { closeSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs'
import path from 'node:path'

import { FIXTURES } from '../../helpers/temp'

export { FIXTURES }

/**
 * Writes a 16-bit PCM WAV of `seconds` of a slowly changing chord with a 120 BPM pulse,
 * generated block by block so even an hour never sits in memory.
 */
export function writeSyntheticWav(
  file: string,
  seconds: number,
  sampleRate = 44_100,
  channels = 2,
): void {
  const frames = Math.round(seconds * sampleRate)
  const dataBytes = frames * channels * 2
  const header = Buffer.alloc(44)
  header.write('RIFF', 0)
  header.writeUInt32LE(36 + dataBytes, 4)
  header.write('WAVE', 8)
  header.write('fmt ', 12)
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(channels, 22)
  header.writeUInt32LE(sampleRate, 24)
  header.writeUInt32LE(sampleRate * channels * 2, 28)
  header.writeUInt16LE(channels * 2, 32)
  header.writeUInt16LE(16, 34)
  header.write('data', 36)
  header.writeUInt32LE(dataBytes, 40)
  // The pattern (three chords of 8 s over a 120 BPM pulse) repeats every 24 s: build it once.
  const patternFrames = sampleRate * 24
  const pattern = new Int16Array(patternFrames * channels)
  const beat = sampleRate / 2
  for (let n = 0; n < patternFrames; n++) {
    const t = n / sampleRate
    const chord = Math.floor(t / 8)
    const root = 220 * 2 ** ([0, 5, 7][chord]! / 12)
    const sinceBeat = n % beat
    const click = sinceBeat < 400 ? Math.exp(-sinceBeat / 60) * Math.sin(n * 1.7) : 0
    const value =
      0.15 * Math.sin(2 * Math.PI * root * t) +
      0.1 * Math.sin(2 * Math.PI * root * 1.25 * t) +
      0.1 * Math.sin(2 * Math.PI * root * 1.5 * t) +
      0.4 * click
    const sample = Math.max(-32768, Math.min(32767, Math.round(value * 32767)))
    for (let c = 0; c < channels; c++) pattern[n * channels + c] = sample
  }
  const patternBytes = Buffer.from(pattern.buffer, pattern.byteOffset, pattern.byteLength)
  const fd = openSync(file, 'w')
  try {
    writeSync(fd, header)
    for (let written = 0; written < frames; written += patternFrames) {
      const count = Math.min(patternFrames, frames - written)
      writeSync(fd, patternBytes, 0, count * channels * 2)
    }
  } finally {
    closeSync(fd)
  }
}

function id3v2Length(bytes: Buffer): number {
  if (bytes.length < 10 || bytes.toString('latin1', 0, 3) !== 'ID3') return 0
  const size =
    ((bytes[6]! & 0x7f) << 21) |
    ((bytes[7]! & 0x7f) << 14) |
    ((bytes[8]! & 0x7f) << 7) |
    (bytes[9]! & 0x7f)
  return 10 + size + ((bytes[5]! & 0x10) !== 0 ? 10 : 0)
}

/** Frame length of an MPEG-1 Layer III header at `at` (0 if none). */
function mpeg1FrameLength(bytes: Buffer, at: number): number {
  if (bytes[at] !== 0xff || (bytes[at + 1]! & 0xfe) !== 0xfa) return 0
  const bitrates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
  const rates = [44100, 48000, 32000]
  const bitrate = bitrates[bytes[at + 2]! >> 4]
  const rate = rates[(bytes[at + 2]! >> 2) & 3]
  if (!bitrate || !rate) return 0
  return Math.floor((144 * bitrate * 1000) / rate) + ((bytes[at + 2]! >> 1) & 1)
}

/**
 * Joins the MP3 fixtures of one folder `times` over into one long MP3 (a valid stream: MP3 is
 * a sequence of independent frames). Tags and each file's Xing/Info frame are dropped, so the
 * result reads as one CBR-like stream whose duration comes from its size.
 */
export function writeLongMp3(file: string, folder = 'music/nexuiz', times = 1): number {
  const parts: Buffer[] = []
  const directory = path.join(FIXTURES, folder)
  for (let round = 0; round < times; round++) {
    for (const name of readdirSync(directory)
      .filter((entry) => entry.endsWith('.mp3'))
      .sort()) {
      let bytes = readFileSync(path.join(directory, name))
      bytes = bytes.subarray(id3v2Length(bytes))
      if (
        bytes.length >= 128 &&
        bytes.toString('latin1', bytes.length - 128, bytes.length - 125) === 'TAG'
      ) {
        bytes = bytes.subarray(0, bytes.length - 128)
      }
      let start = 0
      while (start < bytes.length && mpeg1FrameLength(bytes, start) === 0) start++
      const first = mpeg1FrameLength(bytes, start)
      const head = bytes.toString('latin1', start, start + 64)
      if (first > 0 && (head.includes('Xing') || head.includes('Info'))) start += first
      parts.push(bytes.subarray(start))
    }
  }
  const joined = Buffer.concat(parts)
  writeFileSync(file, joined)
  return joined.length
}
