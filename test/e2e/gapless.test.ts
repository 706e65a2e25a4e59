// End to end, in Debian's Chromium through the browser host: two songs played one after the other
// follow each other without a gap, measured at the output of the page's audio graph; with a
// crossfade set in Settings they overlap for that long. The songs are two tones written by the test
// into a temp library, each sounding from its first sample to its last (a cosine of 440 Hz, then
// one of 660 Hz), so any silence between them is the player's, and which tone sounds tells the
// songs apart. A recorder (an AudioWorklet) on the graph's output keeps every sample it renders.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { TrackPage } from '../../src/shared/contract'
import { callApi, playerAudio, until, useLibraryPage } from './host'

const RATE = 44_100
const SECONDS = 8
const LOW = 440
const HIGH = 660
/** Below this a sample counts as silence (the tones' samples next to a zero crossing are ~0.03). */
const SILENT = 1e-4

let page: Page

/** A mono 16-bit WAV of a cosine at `hz`: full amplitude at its first sample and its last. */
function toneWav(path: string, hz: number): void {
  const frames = RATE * SECONDS
  const data = Buffer.alloc(frames * 2)
  for (let n = 0; n < frames; n++)
    data.writeInt16LE(Math.round(16_000 * Math.cos((2 * Math.PI * hz * n) / RATE)), n * 2)
  const header = Buffer.alloc(44)
  header.write('RIFF', 0)
  header.writeUInt32LE(36 + data.length, 4)
  header.write('WAVEfmt ', 8)
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20) // PCM
  header.writeUInt16LE(1, 22) // mono
  header.writeUInt32LE(RATE, 24)
  header.writeUInt32LE(RATE * 2, 28)
  header.writeUInt16LE(2, 32)
  header.writeUInt16LE(16, 34)
  header.write('data', 36)
  header.writeUInt32LE(data.length, 40)
  writeFileSync(path, Buffer.concat([header, data]))
}

/** Starts recording every sample the player's output renders (window.__gapTap). */
async function startRecording(): Promise<void> {
  await until(
    () => page.evaluate(`Boolean(window.attuneAudio)`),
    (ready) => ready === true,
    'the player’s audio graph',
  )
  await page.evaluate(`(async () => {
    const { context, output } = window.attuneAudio
    if (!window.__gapTapNode) {
      const code = \`registerProcessor('gap-tap', class extends AudioWorkletProcessor {
        constructor() { super(); this.chunk = new Float32Array(8192); this.fill = 0; this.first = 0 }
        process(inputs) {
          const channel = inputs[0] && inputs[0][0]
          if (this.fill === 0) this.first = currentFrame
          for (let i = 0; i < 128; i++) this.chunk[this.fill + i] = channel ? channel[i] : 0
          this.fill += 128
          if (this.fill === this.chunk.length) {
            this.port.postMessage({ frame: this.first, samples: this.chunk }, [this.chunk.buffer])
            this.chunk = new Float32Array(8192)
            this.fill = 0
          }
          return true
        }
      })\`
      const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }))
      await context.audioWorklet.addModule(url)
      const node = new AudioWorkletNode(context, 'gap-tap', { numberOfInputs: 1, numberOfOutputs: 1 })
      node.port.onmessage = (e) => { if (window.__gapTap) window.__gapTap.chunks.push(e.data) }
      output.connect(node)
      node.connect(context.destination) // it writes nothing: silence, but it keeps it pulled
      window.__gapTapNode = node
    }
    // Samples rendered before now (the chunk being filled) are left out when it stops.
    window.__gapTap = {
      chunks: [],
      sampleRate: context.sampleRate,
      from: Math.round(context.currentTime * context.sampleRate),
    }
  })()`)
}

interface Recording {
  sampleRate: number
  /** Samples the graph never rendered (0 unless the machine was starved of CPU). */
  lost: number
  /** The longest run of silent samples around the change from one song to the next. */
  longestSilence: number
  /** Tone amplitudes (LOW, HIGH) in windows of 0.1 s, over the sounding part. */
  windows: { low: number; high: number }[]
}

/** Stops recording and measures what was recorded, in the page (the samples stay there). */
function stopRecording(): Promise<Recording> {
  return page.evaluate(`(() => {
    const { sampleRate, from } = window.__gapTap
    const chunks = window.__gapTap.chunks
      .filter((c) => c.frame + c.samples.length > from)
      .map((c) => (c.frame >= from ? c : { frame: from, samples: c.samples.subarray(from - c.frame) }))
    window.__gapTap = null
    // Quanta the graph never rendered (the page starved of CPU: every sound drops out then, not
    // only at the change) are counted apart; the silence measured is rendered silence.
    let lost = 0
    for (let i = 1; i < chunks.length; i++)
      lost += chunks[i].frame - (chunks[i - 1].frame + chunks[i - 1].samples.length)
    const all = new Float32Array(chunks.reduce((n, c) => n + c.samples.length, 0))
    let at = 0
    for (const c of chunks) { all.set(c.samples, at); at += c.samples.length }
    const first = all.findIndex((x) => Math.abs(x) >= ${SILENT})
    let last = all.length - 1
    while (last > 0 && Math.abs(all[last]) < ${SILENT}) last--
    // Goertzel: a tone's amplitude in a window.
    const amplitude = (from, size, hz) => {
      const w = 2 * Math.cos((2 * Math.PI * hz) / sampleRate)
      let s1 = 0, s2 = 0
      for (let i = from; i < from + size; i++) { const s = all[i] + w * s1 - s2; s2 = s1; s1 = s }
      return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - w * s1 * s2))) / size
    }
    const size = Math.round(sampleRate / 10)
    const windows = []
    for (let from = first; from + size <= last; from += size)
      windows.push({ low: amplitude(from, size, ${LOW}), high: amplitude(from, size, ${HIGH}) })
    // The change: the first window where the high tone is the louder; silence is looked for
    // from 0.3 s before it to 0.3 s after.
    const change = first + Math.max(0, windows.findIndex((w) => w.high > w.low)) * size
    let longest = 0
    let run = 0
    const margin = Math.round(0.3 * sampleRate)
    for (let i = Math.max(first, change - margin); i <= Math.min(last, change + size + margin); i++) {
      run = Math.abs(all[i]) < ${SILENT} ? run + 1 : 0
      if (run > longest) longest = run
    }
    return { sampleRate, lost, longestSilence: longest, windows }
  })()`)
}

const call = <T>(name: string, args: unknown = {}): Promise<T> =>
  callApi<T>(session.host, name, args)

/**
 * Plays the low tone (and so the list from it: the high tone next) and records the change, until
 * the high tone has played `fade` + 1.5 s.
 */
async function recordTheChange(fade = 0): Promise<Recording> {
  await page.getByRole('button', { name: 'Songs', exact: true }).click()
  await page.getByTestId('track-row').filter({ hasText: 'Low tone' }).dblclick()
  await page.getByTestId('now-playing-title').filter({ hasText: 'Low tone' }).waitFor()
  await startRecording()
  await page
    .getByTestId('now-playing-title')
    .filter({ hasText: 'High tone' })
    .waitFor({ timeout: 30_000 })
  await until(
    () => playerAudio(page),
    (nodes) =>
      nodes.some((n) => !n.paused && n.src.endsWith(`/media/${high}`) && n.time > fade + 1.5),
    'the high tone to play on',
  )
  const recording = await stopRecording()
  await page.getByRole('button', { name: 'Pause' }).click()
  return recording
}

let high = 0

const session = useLibraryPage(
  (dir) => {
    const music = join(dir, 'music')
    mkdirSync(join(music, 'Tones', 'First Album'), { recursive: true })
    mkdirSync(join(music, 'Tones', 'Second Album'), { recursive: true })
    toneWav(join(music, 'Tones', 'First Album', 'Low tone.wav'), LOW)
    toneWav(join(music, 'Tones', 'Second Album', 'High tone.wav'), HIGH)
    return music
  },
  {
    // The recorder is an AudioWorklet loaded from a blob: the app's CSP rightly refuses that.
    bypassCSP: true,
    setUp: async ({ host, page: opened }) => {
      page = opened
      const { tracks } = await callApi<TrackPage>(host, 'listTracks', { limit: 10 })
      high = tracks.find((t) => t.path.endsWith('High tone.wav'))!.id
    },
  },
)

describe('the change from one song to the next', () => {
  it('has no gap: under 5 ms of silence at the output between the last sample and the first', async () => {
    const recording = await recordTheChange()
    const gapMs = (recording.longestSilence / recording.sampleRate) * 1000
    console.log(
      `gap between the two songs at the output: ${gapMs.toFixed(3)} ms ` +
        `(${recording.longestSilence} samples at ${recording.sampleRate} Hz; ` +
        `${recording.lost} samples of the recording never rendered)`,
    )
    expect(gapMs).toBeLessThan(5)
    // Both songs were recorded: the low tone first, the high one after, never both at once.
    const { windows } = recording
    expect(windows[0]!.low).toBeGreaterThan(0.3)
    expect(windows.at(-1)!.high).toBeGreaterThan(0.3)
    const both = windows.filter((w) => w.low > 0.01 && w.high > 0.01)
    expect(both.length).toBeLessThanOrEqual(1) // the one window the change falls in
  })

  it('with a crossfade set in Settings, the two songs overlap for about that long', async () => {
    await page.getByRole('button', { name: 'Settings', exact: true }).click()
    await page.getByRole('combobox', { name: 'Crossfade' }).selectOption('4')
    await until(
      () => call<{ playback: { crossfadeSeconds: number } }>('getSettings'),
      (s) => s.playback.crossfadeSeconds === 4,
      'the crossfade to be saved',
    )
    const recording = await recordTheChange(4)
    const { windows } = recording
    const both = windows.filter((w) => w.low > 0.01 && w.high > 0.01)
    const overlap = both.length / 10
    console.log(`overlap of the two songs with a 4 s crossfade: ${overlap.toFixed(1)} s`)
    expect(overlap).toBeGreaterThan(3.4)
    expect(overlap).toBeLessThan(4.3)
    // Halfway through, each is at sin(π/4) ≈ 0.71 of its level (equal-power fades).
    const middle = both[Math.floor(both.length / 2)]!
    expect(middle.low / windows[0]!.low).toBeCloseTo(Math.SQRT1_2, 1)
    expect(middle.high / windows.at(-1)!.high).toBeCloseTo(Math.SQRT1_2, 1)
  })
})
