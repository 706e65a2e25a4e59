// The measure of the change from one song to the next, shared by test/e2e/gapless.test.ts and
// bench/gapless.ts: two tones that sound from their first sample to their last (so any silence
// between them is the player's, and which tone sounds tells the songs apart), and a recorder in the
// page (an AudioWorklet) that keeps every sample the audio graph renders and measures, in the page,
// the silence at the change and each tone's level over time.
import type { Page } from 'playwright-core'

export const TONE_RATE = 44_100
/** The first song's tone and the second's (Hz). */
export const LOW = 440
export const HIGH = 660
/** Below this a sample counts as silence (the tones' samples next to a zero crossing are ~0.03). */
export const SILENT = 1e-4

/** A mono 16-bit WAV of a cosine at `hz`: full amplitude at its first sample and near it at its last. */
export function toneWav(hz: number, seconds: number): Buffer {
  const frames = TONE_RATE * seconds
  const data = Buffer.alloc(frames * 2)
  for (let n = 0; n < frames; n++)
    data.writeInt16LE(Math.round(16_000 * Math.cos((2 * Math.PI * hz * n) / TONE_RATE)), n * 2)
  const header = Buffer.alloc(44)
  header.write('RIFF', 0)
  header.writeUInt32LE(36 + data.length, 4)
  header.write('WAVEfmt ', 8)
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20) // PCM
  header.writeUInt16LE(1, 22) // mono
  header.writeUInt32LE(TONE_RATE, 24)
  header.writeUInt32LE(TONE_RATE * 2, 28)
  header.writeUInt16LE(2, 32)
  header.writeUInt16LE(16, 34)
  header.write('data', 36)
  header.writeUInt32LE(data.length, 40)
  return Buffer.concat([header, data])
}

export interface Recording {
  sampleRate: number
  /** Samples the graph never rendered (0 unless the machine was starved of CPU). */
  lost: number
  /** The longest run of silent samples around the change from one song to the next. */
  longestSilence: number
  /** Each tone's amplitude (LOW, HIGH) in consecutive windows over the sounding part. */
  windows: { low: number; high: number }[]
  /** Whether the high tone ever became the louder (the second song was heard). */
  changed: boolean
}

// Runs in the page: window.gapRecorder.
const RECORDER = `(() => {
  if (window.gapRecorder) return
  const worklet = \`registerProcessor('gap-tap', class extends AudioWorkletProcessor {
    constructor() { super(); this.chunk = new Float32Array(4096); this.fill = 0; this.first = 0 }
    process(inputs) {
      const channel = inputs[0] && inputs[0][0]
      if (this.fill === 0) this.first = currentFrame
      for (let i = 0; i < 128; i++) this.chunk[this.fill + i] = channel ? channel[i] : 0
      this.fill += 128
      if (this.fill === this.chunk.length) {
        this.port.postMessage({ frame: this.first, samples: this.chunk }, [this.chunk.buffer])
        this.chunk = new Float32Array(4096)
        this.fill = 0
      }
      return true
    }
  })\`
  let node = null
  let recording = null
  window.gapRecorder = {
    async attach(context, source) {
      if (!node) {
        await context.audioWorklet.addModule(URL.createObjectURL(new Blob([worklet], { type: 'text/javascript' })))
        node = new AudioWorkletNode(context, 'gap-tap')
        node.port.onmessage = (e) => { if (recording) recording.chunks.push(e.data) }
        node.connect(context.destination) // it writes nothing: silence, but it keeps it pulled
      }
      source.connect(node)
      // Samples rendered before now (the chunk being filled) are left out.
      recording = { chunks: [], context, from: Math.round(context.currentTime * context.sampleRate) }
    },
    stop({ windowSeconds, marginSeconds }) {
      const { context, from } = recording
      const sampleRate = context.sampleRate
      const chunks = recording.chunks
        .filter((c) => c.frame + c.samples.length > from)
        .map((c) => (c.frame >= from ? c : { frame: from, samples: c.samples.subarray(from - c.frame) }))
      recording = null
      // Quanta the graph never rendered (the page starved of CPU: every sound drops out then, not
      // only at the change) are counted apart; the silence measured is rendered silence.
      let lost = 0
      for (let i = 1; i < chunks.length; i++)
        lost += chunks[i].frame - (chunks[i - 1].frame + chunks[i - 1].samples.length)
      const all = new Float32Array(chunks.reduce((n, c) => n + c.samples.length, 0))
      let at = 0
      for (const c of chunks) { all.set(c.samples, at); at += c.samples.length }
      const first = Math.max(0, all.findIndex((x) => Math.abs(x) >= ${SILENT}))
      let last = all.length - 1
      while (last > 0 && Math.abs(all[last]) < ${SILENT}) last--
      // Goertzel: a tone's amplitude in a window.
      const amplitude = (start, size, hz) => {
        const w = 2 * Math.cos((2 * Math.PI * hz) / sampleRate)
        let s1 = 0, s2 = 0
        for (let i = start; i < start + size; i++) { const s = all[i] + w * s1 - s2; s2 = s1; s1 = s }
        return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - w * s1 * s2))) / size
      }
      const size = Math.round(sampleRate * windowSeconds)
      const windows = []
      for (let start = first; start + size <= last; start += size)
        windows.push({ low: amplitude(start, size, ${LOW}), high: amplitude(start, size, ${HIGH}) })
      // The change: the first window where the high tone is the louder; silence is looked for
      // within marginSeconds of it.
      const changeWindow = windows.findIndex((w) => w.high > w.low)
      const change = first + Math.max(0, changeWindow) * size
      const margin = Math.round(marginSeconds * sampleRate)
      let longest = 0
      let run = 0
      for (let i = Math.max(first, change - margin); i <= Math.min(last, change + size + margin); i++) {
        run = Math.abs(all[i]) < ${SILENT} ? run + 1 : 0
        if (run > longest) longest = run
      }
      return { sampleRate, lost, longestSilence: longest, windows, changed: changeWindow >= 0 }
    },
  }
})()`

/**
 * Starts recording what `source` (an expression in the page: an AudioNode) renders on `context`
 * (an expression: its AudioContext). The page's CSP must allow a blob: worklet (bypassCSP).
 */
export async function startRecording(page: Page, context: string, source: string): Promise<void> {
  await page.evaluate(RECORDER)
  await page.evaluate(`window.gapRecorder.attach(${context}, ${source})`)
}

/** Stops recording and measures it: tone levels per `windowSeconds`, silence within `marginSeconds` of the change. */
export function stopRecording(
  page: Page,
  windowSeconds: number,
  marginSeconds: number,
): Promise<Recording> {
  return page.evaluate<Recording>(
    `window.gapRecorder.stop(${JSON.stringify({ windowSeconds, marginSeconds })})`,
  )
}
