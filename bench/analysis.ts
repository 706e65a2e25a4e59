/**
 * Analysis speed: end to end (decode the analysed windows + resample + features) against a
 * plain whole-file decode with audio-decode, on the same files in the same run, as × real time
 * per core, two ways, both labelled: per second of TRACK LENGTH (the whole track's duration
 * divided by CPU time, however little of it is analysed: what a library costs) and per second
 * of AUDIO ANALYSED (the analysed windows divided by CPU time: what the extractor itself costs);
 * then the wall time of `attune analyze` on the whole fixture library with 1 and 2 workers.
 *
 *   node bin/run-ts.js bench/analysis.ts [--rounds N] [--no-library]
 */
import decode from 'audio-decode'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { decodeForAnalysis } from '../src/main/analysis/decode'
import { embedFile } from '../src/main/analysis/embed'
import { FIXTURES, writeLongMp3, writeSyntheticWav } from '../test/main/analysis/long-audio'
import { report } from './report'

const roundsFlag = process.argv.indexOf('--rounds')
const ROUNDS = roundsFlag > 0 ? Number(process.argv[roundsFlag + 1]) : 2
const LIBRARY = !process.argv.includes('--no-library')

function cpuMs(): number {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = cpuMs()
  const result = await work()
  return { result, ms: cpuMs() - start }
}

interface Row {
  group: string
  files: number
  audioSeconds: number
  analysedSeconds: number
  decodeMs: number
  endToEndMs: number
}

function groupOf(file: string): string {
  const relative = path.relative(FIXTURES, file)
  if (relative.startsWith('music'))
    return `music/${path.basename(path.dirname(file))} (${path.extname(file).slice(1)})`
  return `formats/${path.basename(file)}`
}

const temp = mkdtempSync(path.join(os.tmpdir(), 'attune-bench-'))
try {
  const files: string[] = []
  for (const folder of readdirSync(path.join(FIXTURES, 'music')).sort()) {
    for (const name of readdirSync(path.join(FIXTURES, 'music', folder)).sort())
      files.push(path.join(FIXTURES, 'music', folder, name))
  }
  for (const name of readdirSync(path.join(FIXTURES, 'formats')).sort())
    files.push(path.join(FIXTURES, 'formats', name))
  const longMp3 = path.join(temp, 'long-4.5min.mp3')
  writeLongMp3(longMp3)
  const longWav = path.join(temp, 'long-10min.wav')
  writeSyntheticWav(longWav, 600)
  const longFiles = [longMp3, longWav]

  // Warm up JIT and WASM instances once per format.
  const seen = new Set<string>()
  for (const file of [...files, ...longFiles]) {
    const extension = path.extname(file)
    if (seen.has(extension)) continue
    seen.add(extension)
    await embedFile(file)
    await decode(readFileSync(file))
  }

  const loadAtStart = os.loadavg()[0]!
  const rows = new Map<string, Row>()
  const add = (
    group: string,
    audioSeconds: number,
    analysedSeconds: number,
    decodeMs: number,
    endToEndMs: number,
  ): void => {
    const row = rows.get(group) ?? {
      group,
      files: 0,
      audioSeconds: 0,
      analysedSeconds: 0,
      decodeMs: 0,
      endToEndMs: 0,
    }
    row.files++
    row.audioSeconds += audioSeconds
    row.analysedSeconds += analysedSeconds
    row.decodeMs += decodeMs
    row.endToEndMs += endToEndMs
    rows.set(group, row)
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const file of [...files, ...longFiles]) {
      // Alternate the order so neither side always runs on a warmer cache.
      const decodeFirst = round % 2 === 0
      let decodeOnly = { ms: 0, seconds: 0 }
      let endToEnd = { ms: 0, duration: 0, analysed: 0 }
      const runDecode = async (): Promise<void> => {
        const { result, ms } = await timed(() => decode(readFileSync(file)))
        decodeOnly = { ms, seconds: (result.channelData[0]?.length ?? 0) / result.sampleRate }
      }
      const runEmbed = async (): Promise<void> => {
        const { result, ms } = await timed(() => embedFile(file))
        endToEnd = { ms, duration: result.duration, analysed: result.analysedSeconds }
      }
      if (decodeFirst) {
        await runDecode()
        await runEmbed()
      } else {
        await runEmbed()
        await runDecode()
      }
      const group = longFiles.includes(file) ? `long: ${path.basename(file)}` : groupOf(file)
      add(group, decodeOnly.seconds, endToEnd.analysed, decodeOnly.ms, endToEnd.ms)
    }
  }

  const lines: string[] = []
  lines.push(
    `Analysis speed, × real time per core (CPU time; ${ROUNDS} rounds; ${os.cpus().length} cores, Node ${process.version}; load average ${loadAtStart.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)})`,
  )
  lines.push('')
  lines.push(
    '| files | n | track length s | audio analysed s | decode only (audio-decode, whole file), × per s of track length | **end to end, × per s of track length** | end to end, × per s of audio analysed | end to end / decode only (per s of track length) |',
  )
  lines.push('|---|---|---|---|---|---|---|---|')
  const format = (row: Row): string => {
    const decodeSpeed = (row.audioSeconds * 1000) / row.decodeMs
    const endToEndSpeed = (row.audioSeconds * 1000) / row.endToEndMs
    const analysedSpeed = (row.analysedSeconds * 1000) / row.endToEndMs
    return `| ${row.group} | ${row.files / ROUNDS} | ${(row.audioSeconds / ROUNDS).toFixed(0)} | ${(row.analysedSeconds / ROUNDS).toFixed(0)} | ${decodeSpeed.toFixed(0)}× | ${endToEndSpeed.toFixed(0)}× | ${analysedSpeed.toFixed(0)}× | ${(endToEndSpeed / decodeSpeed).toFixed(2)} |`
  }
  const reportTotal = (key: string, row: Row): void => {
    if (row.endToEndMs <= 0) return
    report(`analysis.${key}.e2eTrackSpeed`, (row.audioSeconds * 1000) / row.endToEndMs)
    report(`analysis.${key}.e2eAnalysedSpeed`, (row.analysedSeconds * 1000) / row.endToEndMs)
    report(`analysis.${key}.e2eOverDecode`, row.decodeMs / row.endToEndMs)
  }
  const all = [...rows.values()]
  for (const row of all) lines.push(format(row))
  const total = (name: string, subset: Row[]): Row =>
    subset.reduce(
      (sum, row) => ({
        group: name,
        files: sum.files + row.files,
        audioSeconds: sum.audioSeconds + row.audioSeconds,
        analysedSeconds: sum.analysedSeconds + row.analysedSeconds,
        decodeMs: sum.decodeMs + row.decodeMs,
        endToEndMs: sum.endToEndMs + row.endToEndMs,
      }),
      { group: name, files: 0, audioSeconds: 0, analysedSeconds: 0, decodeMs: 0, endToEndMs: 0 },
    )
  const totals = {
    music: total(
      '**all music/ (30 s excerpts, middle 15 s analysed)**',
      all.filter((row) => row.group.startsWith('music/')),
    ),
    formats: total(
      '**all formats/ (20 s, middle 10 s analysed)**',
      all.filter((row) => row.group.startsWith('formats/')),
    ),
    long: total(
      '**long files (60 s analysed)**',
      all.filter((row) => row.group.startsWith('long')),
    ),
  }
  for (const [key, row] of Object.entries(totals)) {
    lines.push(format(row))
    reportTotal(key, row)
  }

  // What seeking saves: the long MP3 decoded by windows vs streamed whole (same analysis).
  const seekRuns: number[] = []
  const streamRuns: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    seekRuns.push((await timed(() => decodeForAnalysis(longMp3))).ms)
    streamRuns.push((await timed(() => decodeForAnalysis(longMp3, { noSeeking: true }))).ms)
  }
  const median = (values: number[]): number =>
    values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  lines.push('')
  lines.push(
    `Decoding the analysis windows of the ${(statSync(longMp3).size / 1e6).toFixed(1)} MB, 4.5-minute MP3: by seeking ${median(seekRuns).toFixed(0)} ms CPU, by streaming the whole file ${median(streamRuns).toFixed(0)} ms CPU (${(median(streamRuns) / median(seekRuns)).toFixed(1)}× less work).`,
  )

  // Memory: peak resident set while embedding a 60-minute WAV (635 MB on disk; whole-file
  // decoding would hold ~1.3 GB of stereo float32).
  const hourWav = path.join(temp, 'long-60min.wav')
  writeSyntheticWav(hourWav, 3600)
  globalThis.gc?.()
  const baseline = process.memoryUsage().rss
  let peak = baseline
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 10)
  const hour = await timed(() => embedFile(hourWav))
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage().rss)
  rmSync(hourWav)
  lines.push(
    `60-minute WAV (${hour.result.duration.toFixed(0)} s, ${hour.result.analysedSeconds.toFixed(0)} s analysed): ${(hour.ms / 1000).toFixed(1)} s CPU (${((hour.result.duration * 1000) / hour.ms).toFixed(0)}× real time), peak RSS ${(peak / 2 ** 20).toFixed(0)} MB (${((peak - baseline) / 2 ** 20).toFixed(0)} MB above the ${(baseline / 2 ** 20).toFixed(0)} MB before).`,
  )

  // The whole fixture library through the real pool (scan, then `attune analyze`), wall time.
  if (LIBRARY) {
    const cli = path.resolve('bin/attune.js')
    const attune = (args: string[]): string =>
      execFileSync(process.execPath, [cli, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      })
    for (const workers of [1, 2]) {
      const db = path.join(temp, `library-${workers}.db`)
      attune(['scan', FIXTURES, '--db', db, '--json'])
      const summary = JSON.parse(
        attune(['analyze', '--db', db, '--workers', String(workers), '--json']),
      ) as { analysed: number; elapsedMs: number; audioSeconds: number }
      lines.push(
        `Whole fixture library with ${workers} worker${workers > 1 ? 's' : ''} (\`attune analyze\`): ${summary.analysed} tracks, ${summary.audioSeconds.toFixed(0)} s of audio in ${(summary.elapsedMs / 1000).toFixed(1)} s wall (${(summary.audioSeconds / (summary.elapsedMs / 1000)).toFixed(0)}× real time; load average ${os.loadavg()[0]!.toFixed(1)}).`,
      )
    }
  }
  console.log(lines.join('\n'))
} finally {
  rmSync(temp, { recursive: true, force: true })
}
