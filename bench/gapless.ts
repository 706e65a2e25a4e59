// How long the silence between two songs is at the output of a page's audio graph, for the ways a
// page can play one song after another (docs/playback.md), in Debian's headless Chromium:
//   - two <audio> elements, the second started on the first's `ended` event (what howler's html5
//     mode, and so Attune before, did);
//   - two <audio> elements, the second started by a timer at the first's predicted end;
//   - two songs decoded with decodeAudioData, the second started at the first's last sample
//     (AudioBufferSourceNode.start(when)): what Attune's player does.
// The songs are two tones that sound from their first sample to their last (440 Hz, then 660 Hz),
// so any silence between them is the method's; an AudioWorklet keeps every rendered sample.
// Also: decodeAudioData's speed on the fixture music (× real time), which is how long a song takes
// to be ready when it is played by hand (the next one is decoded while the current one plays).
//   node bin/run-ts.js bench/gapless.ts [--rounds 5]
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'
import { listFlag, median, report } from './report'

const RATE = 44_100
const SECONDS = 3
const [rounds = 5] = listFlag('--rounds', [5])
const MUSIC = resolve(process.cwd(), '../shared/fixtures/music')
const FORMATS = resolve(process.cwd(), '../shared/fixtures/formats')
/** One song in the formats Chromium decodes (ALAC and AIFF are served as WAV by the engine). */
const FORMAT_FILES = [
  's16.wav',
  'cd.flac',
  'vbr.mp3',
  'cbr320-cover.mp3',
  'aac.m4a',
  'vorbis.ogg',
  'opus.opus',
]

function toneWav(hz: number): Buffer {
  const frames = RATE * SECONDS
  const data = Buffer.alloc(frames * 2)
  for (let n = 0; n < frames; n++)
    data.writeInt16LE(Math.round(16_000 * Math.cos((2 * Math.PI * hz * n) / RATE)), n * 2)
  const header = Buffer.alloc(44)
  header.write('RIFF', 0)
  header.writeUInt32LE(36 + data.length, 4)
  header.write('WAVEfmt ', 8)
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(1, 22)
  header.writeUInt32LE(RATE, 24)
  header.writeUInt32LE(RATE * 2, 28)
  header.writeUInt16LE(2, 32)
  header.writeUInt16LE(16, 34)
  header.write('data', 36)
  header.writeUInt32LE(data.length, 40)
  return Buffer.concat([header, data])
}

function musicFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? musicFiles(path) : [path]
    })
}

const files = musicFiles(MUSIC)
const tones: Record<string, Buffer> = { '/low.wav': toneWav(440), '/high.wav': toneWav(660) }
const server = createServer((req, res) => {
  const path = req.url ?? '/'
  if (path === '/') {
    res.setHeader('content-type', 'text/html')
    return res.end('<!doctype html><title>gap</title>')
  }
  const tone = tones[path]
  if (tone) {
    res.setHeader('content-type', 'audio/wav')
    return res.end(tone)
  }
  const format = /^\/formats\/([\w.-]+)$/.exec(path)
  if (format && FORMAT_FILES.includes(format[1]!))
    return res.end(readFileSync(join(FORMATS, format[1]!)))
  const file = /^\/music\/(\d+)$/.exec(path)
  if (file && files[Number(file[1])]) return res.end(readFileSync(files[Number(file[1])]!))
  res.statusCode = 404
  res.end()
})
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--autoplay-policy=no-user-gesture-required',
  ],
})

// Runs in the page: the recorder, the three methods and the measure of the change.
const PAGE_CODE = `
window.setUp = async () => {
  const context = new AudioContext({ latencyHint: 'playback' })
  const code = \`registerProcessor('tap', class extends AudioWorkletProcessor {
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
  await context.audioWorklet.addModule(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })))
  const tap = new AudioWorkletNode(context, 'tap')
  tap.connect(context.destination)
  let chunks = null
  let from = 0
  tap.port.onmessage = (e) => { if (chunks) chunks.push(e.data) }
  // Samples rendered before start() (the chunk being filled then) are left out.
  window.audio = { context, tap,
    start: () => { chunks = []; from = Math.round(context.currentTime * context.sampleRate) },
    stop: () => {
      const c = chunks
      chunks = null
      return c.filter((k) => k.frame + k.samples.length > from)
        .map((k) => k.frame >= from ? k : { frame: from, samples: k.samples.subarray(from - k.frame) })
    },
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function measure(chunks, sampleRate) {
  // Quanta the graph never rendered (the whole page starved of CPU: every sound drops out, not
  // only the change) are counted apart; the silence measured is rendered silence.
  let lost = 0
  for (let i = 1; i < chunks.length; i++)
    lost += chunks[i].frame - (chunks[i - 1].frame + chunks[i - 1].samples.length)
  const all = new Float32Array(chunks.reduce((n, c) => n + c.samples.length, 0))
  let at = 0
  for (const c of chunks) { all.set(c.samples, at); at += c.samples.length }
  const first = all.findIndex((x) => Math.abs(x) >= 1e-4)
  let last = all.length - 1
  while (last > 0 && Math.abs(all[last]) < 1e-4) last--
  const amplitude = (from, size, hz) => {
    const w = 2 * Math.cos((2 * Math.PI * hz) / sampleRate)
    let s1 = 0, s2 = 0
    for (let i = from; i < from + size; i++) { const s = all[i] + w * s1 - s2; s2 = s1; s1 = s }
    return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - w * s1 * s2))) / size
  }
  const size = Math.round(sampleRate / 50)
  let change = -1, both = 0
  for (let from = first; from + size <= last; from += size) {
    const low = amplitude(from, size, 440), high = amplitude(from, size, 660)
    if (change < 0 && high > low) change = from
    if (low > 0.05 && high > 0.05) both++
  }
  let longest = 0, run = 0
  const margin = Math.round(0.5 * sampleRate)
  for (let i = Math.max(first, change - margin); i <= Math.min(last, change + margin); i++) {
    run = Math.abs(all[i]) < 1e-4 ? run + 1 : 0
    if (run > longest) longest = run
  }
  return { gapMs: (longest / sampleRate) * 1000, overlapMs: both * 20, heard: change >= 0,
    lostMs: (lost / sampleRate) * 1000 }
}

window.runMethod = async (method) => {
  const { context, tap } = window.audio
  await context.resume()
  const out = context.createGain()
  out.connect(tap)
  out.connect(context.destination)
  window.audio.start()
  if (method === 'decoded') {
    const [a, b] = await Promise.all(['/low.wav', '/high.wav'].map(async (u) =>
      context.decodeAudioData(await (await fetch(u)).arrayBuffer())))
    const sa = context.createBufferSource(); sa.buffer = a; sa.connect(out)
    const sb = context.createBufferSource(); sb.buffer = b; sb.connect(out)
    const t = context.currentTime + 0.2
    sa.start(t)
    sb.start(t + a.duration)
    await sleep((0.2 + a.duration + 1) * 1000)
  } else {
    const [a, b] = ['/low.wav', '/high.wav'].map((u) => { const e = new Audio(u); e.preload = 'auto'; return e })
    context.createMediaElementSource(a).connect(out)
    context.createMediaElementSource(b).connect(out)
    await Promise.all([a, b].map((e) => new Promise((r) => e.readyState >= 4 ? r() : e.addEventListener('canplaythrough', r, { once: true }))))
    if (method === 'ended') a.addEventListener('ended', () => void b.play(), { once: true })
    await a.play()
    if (method === 'timer') setTimeout(() => void b.play(), (a.duration - a.currentTime) * 1000)
    while (b.currentTime < 1) await sleep(50)
    a.pause(); b.pause()
  }
  const chunks = window.audio.stop()
  out.disconnect()
  return measure(chunks, context.sampleRate)
}

// Each format's decoded length and first sound against the WAV's: what an encoder added (MP3's
// and AAC's priming and padding, unless the decoder trims them) would sound as a gap.
window.formatEdges = async (names) => {
  const { context } = window.audio
  const rows = []
  for (const name of names) {
    const buffer = await context.decodeAudioData(await (await fetch('/formats/' + name)).arrayBuffer())
    const data = buffer.getChannelData(0)
    const first = data.findIndex((x) => Math.abs(x) > 0.01)
    let last = data.length - 1
    while (last > 0 && Math.abs(data[last]) <= 0.01) last--
    rows.push({ name, seconds: buffer.duration, firstMs: (first / buffer.sampleRate) * 1000,
      tailMs: ((data.length - 1 - last) / buffer.sampleRate) * 1000 })
  }
  return rows
}

window.decodeSpeed = async (count) => {
  const { context } = window.audio
  let audioSeconds = 0, decodeMs = 0
  for (let i = 0; i < count; i++) {
    const bytes = await (await fetch('/music/' + i)).arrayBuffer()
    const t0 = performance.now()
    const buffer = await context.decodeAudioData(bytes)
    decodeMs += performance.now() - t0
    audioSeconds += buffer.duration
  }
  return { audioSeconds, decodeMs, sampleRate: context.sampleRate }
}
`

interface Measure {
  gapMs: number
  lostMs: number
  overlapMs: number
  heard: boolean
}

try {
  const page = await browser.newPage()
  await page.goto(origin)
  await page.addScriptTag({ content: PAGE_CODE })
  await page.evaluate('window.setUp()')
  const methods = [
    { key: 'ended', words: "<audio> elements, next one played on the first's `ended`" },
    { key: 'timer', words: '<audio> elements, next one played by a timer at the predicted end' },
    { key: 'decoded', words: 'decodeAudioData, next one started at the last sample (Attune)' },
  ]
  console.log(
    `| method (${rounds} changes each) | gap median ms | gap max ms | overlap median ms | not rendered ms (all rounds) |`,
  )
  console.log('| --- | --- | --- | --- | --- |')
  for (const method of methods) {
    const results: Measure[] = []
    for (let r = 0; r < rounds; r++)
      results.push(await page.evaluate<Measure>(`window.runMethod('${method.key}')`))
    if (results.some((m) => !m.heard))
      throw new Error(`${method.key}: the second tone never sounded`)
    const gaps = results.map((m) => m.gapMs)
    console.log(
      `| ${method.words} | ${median(gaps).toFixed(2)} | ${Math.max(...gaps).toFixed(2)} | ${median(results.map((m) => m.overlapMs)).toFixed(0)} | ${results.reduce((n, m) => n + m.lostMs, 0).toFixed(0)} |`,
    )
    report(`gapless.${method.key}.gapMsMax`, Math.max(...gaps))
  }
  const decode = await page.evaluate<{
    audioSeconds: number
    decodeMs: number
    sampleRate: number
  }>(`window.decodeSpeed(${files.length})`)
  const speed = (decode.audioSeconds * 1000) / decode.decodeMs
  console.log(
    `\ndecodeAudioData on the ${files.length} fixture songs (${decode.audioSeconds.toFixed(0)} s of audio): ` +
      `${speed.toFixed(0)}× real time (a 4-minute song ready in ${((240 / speed) * 1000).toFixed(0)} ms); ` +
      `decoded at ${decode.sampleRate} Hz, a stereo minute holds ${((decode.sampleRate * 2 * 4 * 60) / 2 ** 20).toFixed(1)} MiB`,
  )
  report('gapless.decodeSpeed', speed)
  const edges = await page.evaluate<
    { name: string; seconds: number; firstMs: number; tailMs: number }[]
  >(`window.formatEdges(${JSON.stringify(FORMAT_FILES)})`)
  const wav = edges[0]!
  console.log(
    '\n| one song, decodeAudioData | length − the WAV’s, ms | first sound − the WAV’s, ms | quiet tail − the WAV’s, ms |',
  )
  console.log('| --- | --- | --- | --- |')
  for (const row of edges)
    console.log(
      `| ${row.name} | ${((row.seconds - wav.seconds) * 1000).toFixed(1)} | ${(row.firstMs - wav.firstMs).toFixed(1)} | ${(row.tailMs - wav.tailMs).toFixed(1)} |`,
    )
} finally {
  await browser.close()
  server.close()
}
