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
import { chromium, type Page } from 'playwright-core'
import { listFlag, median, report } from './report'
import { HIGH, LOW, startRecording, stopRecording, toneWav } from '../test/e2e/gap-recorder'

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

function musicFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? musicFiles(path) : [path]
    })
}

const files = musicFiles(MUSIC)
const tones: Record<string, Buffer> = {
  '/low.wav': toneWav(LOW, SECONDS),
  '/high.wav': toneWav(HIGH, SECONDS),
}
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

// Runs in the page: the three methods (the recorder and the measure: ../test/e2e/gap-recorder.ts).
const PAGE_CODE = `
window.setUp = () => {
  window.audio = { context: new AudioContext({ latencyHint: 'playback' }) }
}

// A fresh output for one change (the recorder listens to it: ../test/e2e/gap-recorder.ts).
window.newOutput = async () => {
  const { context } = window.audio
  await context.resume()
  window.audio.out = context.createGain()
  window.audio.out.connect(context.destination)
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

window.runMethod = async (method) => {
  const { context, out } = window.audio
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

/** Milliseconds to one decimal, without a "-0.0". */
const tenths = (ms: number): string => (Math.round(ms * 10) / 10 || 0).toFixed(1)

interface Measure {
  gapMs: number
  lostMs: number
  overlapMs: number
  heard: boolean
}

/** One change with `method`, recorded: windows of 20 ms, silence within 0.5 s of the change. */
async function change(page: Page, method: string): Promise<Measure> {
  await page.evaluate('window.newOutput()')
  await startRecording(page, 'window.audio.context', 'window.audio.out')
  await page.evaluate(`window.runMethod('${method}')`)
  const recording = await stopRecording(page, 0.02, 0.5)
  await page.evaluate('window.audio.out.disconnect()')
  const ms = (samples: number) => (samples / recording.sampleRate) * 1000
  return {
    gapMs: ms(recording.longestSilence),
    lostMs: ms(recording.lost),
    overlapMs: recording.windows.filter((w) => w.low > 0.05 && w.high > 0.05).length * 20,
    heard: recording.changed,
  }
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
    for (let r = 0; r < rounds; r++) results.push(await change(page, method.key))
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
      `| ${row.name} | ${tenths((row.seconds - wav.seconds) * 1000)} | ${tenths(row.firstMs - wav.firstMs)} | ${tenths(row.tailMs - wav.tailMs)} |`,
    )
} finally {
  await browser.close()
  server.close()
}
