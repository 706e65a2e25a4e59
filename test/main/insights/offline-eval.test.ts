import { afterEach, describe, expect, it } from 'vitest'
import { Writable } from 'node:stream'
import { join } from 'node:path'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { EmbeddingStore } from '../../../src/main/db/embeddings'
import { EventLog } from '../../../src/main/db/events'
import {
  LinUcbPolicy,
  RandomPolicy,
  seededRandom,
  standardNormal,
} from '../../../src/main/insights/evaluation'
import { evaluateOffline, replayLabelled } from '../../../src/main/insights/offline-eval'
import { formatOfflineEvaluation } from '../../../src/main/cli/reports'
import { MetricStore } from '../../../src/main/db/metric-store'
import { main } from '../../../src/main/cli/main'
import { formatTable, type Io } from '../../../src/main/cli/output'
import { tempDir } from '../../helpers/temp'
import { Engine } from '../../../src/main/engine'
import type { PcaSize } from '../../../src/shared/evaluation'

const SPACE = 'synthetic-v1'
const DIM = 12

let cleanups: (() => void)[] = []
afterEach(() => {
  cleanups.forEach((c) => c())
  cleanups = []
})

function open(): { db: Database; path: string } {
  const t = tempDir()
  const path = join(t.dir, 'library.db')
  const db = openDatabase(path)
  cleanups.push(() => {
    db.close()
    t.cleanup()
  })
  return { db, path }
}

/**
 * `perCluster` songs around +c and as many around −c (c = 2 on the first four dimensions, noise 1):
 * two well-separated clusters. Returns the track ids of each cluster.
 */
function library(db: Database, perCluster: number): { near: number[]; far: number[] } {
  const insert = db.prepare(
    `INSERT INTO tracks (path, size, mtime_ms, duration, added_at, scanned_at) VALUES (?, 1, 1, 200, 1, 1)`,
  )
  const random = seededRandom(42)
  const near: number[] = []
  const far: number[] = []
  const results: Parameters<EmbeddingStore['saveMany']>[2] = []
  for (let i = 0; i < 2 * perCluster; i++) {
    const trackId = Number(insert.run(`/music/song-${i}.ogg`).lastInsertRowid)
    const cluster = i % 2 === 0 ? 1 : -1
    ;(cluster > 0 ? near : far).push(trackId)
    const vector = Float32Array.from(
      { length: DIM },
      (_, d) => (d < 4 ? 2 * cluster : 0) + standardNormal(random),
    )
    results.push({
      job: { trackId, path: `/music/song-${i}.ogg`, size: 1, mtimeMs: 1, duration: 200 },
      vector,
    })
  }
  new EmbeddingStore(db).saveMany(SPACE, 1, results)
  return { near, far }
}

function labelClusters(db: Database, clusters: { near: number[]; far: number[] }): void {
  const events = new EventLog(db)
  clusters.near.forEach((id, i) => events.mark(id, i % 3 === 0 ? 'love' : 'like'))
  clusters.far.forEach((id) => events.mark(id, 'not_for_me'))
}

/**
 * One round of a uniform logging policy over a liked-cluster and a far-cluster song: the pick, and
 * its play (the near song played through, the far one skipped early).
 */
function pickAndListen(events: EventLog, picked: number, near: number, far: number): void {
  events.autoPick(picked, {
    candidates: [
      { trackId: near, probability: 0.5 },
      { trackId: far, probability: 0.5 },
    ],
    probability: 0.5,
    alpha: 1,
    temperature: 0.1,
  })
  const playId = events.playStart(picked)
  if (picked === near) {
    events.playEnd(picked, playId, { position: 200, duration: 200, reason: 'ended' })
  } else {
    events.playEnd(picked, playId, { position: 5, duration: 200, reason: 'next' })
  }
}

function captureIo(): { io: Io; out: () => string; err: () => string } {
  let out = ''
  let err = ''
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        append(chunk.toString())
        done()
      },
    })
  return {
    io: { stdout: sink((t) => (out += t)), stderr: sink((t) => (err += t)) },
    out: () => out,
    err: () => err,
  }
}

const QUICK = {
  pcaSizes: [4, 'full'] as const,
  seeds: 3,
  alphas: [0.1, 1],
  bootstrapResamples: 200,
}

describe('evaluateOffline', () => {
  it('separates two clusters with likes in one: ROC AUC above 0.9 at every PCA size', () => {
    const { db } = open()
    labelClusters(db, library(db, 20))
    const summary = evaluateOffline(db, { ...QUICK, pcaSizes: [...QUICK.pcaSizes] })
    expect(summary.labels).toEqual({ total: 40, likes: 20, nots: 20 })
    const [space] = summary.spaces
    expect(space?.space).toBe(SPACE)
    expect(space?.classifierNote).toBeNull()
    expect(space?.classifier.map((c) => [c.pcaSize, c.k])).toEqual([
      [4, 4],
      ['full', DIM],
    ])
    for (const result of space?.classifier ?? []) {
      expect(result.rocAuc.mean).toBeGreaterThan(0.9)
      expect(result.accuracy.mean).toBeGreaterThan(0.85)
    }
  })

  it('replays LinUCB above random and stores one run per policy and seed with per-step curves', () => {
    const { db } = open()
    labelClusters(db, library(db, 20))
    const summary = evaluateOffline(db, { ...QUICK, pcaSizes: ['full'] })
    const replay = summary.spaces[0]?.replay ?? []
    const linucb = replay.find((r) => r.policy === 'linucb α=0.1')
    const random = replay.find((r) => r.policy === 'random')
    expect(linucb && random).toBeTruthy()
    expect(linucb?.horizon).toBe(20)
    expect(linucb!.cumulativeReward.mean).toBeGreaterThan(random!.cumulativeReward.mean + 5)
    expect(linucb!.regret.mean).toBeLessThan(random!.regret.mean)
    expect(linucb!.hitRate.mean).toBeGreaterThan(0.8)
    expect(replay.map((r) => r.kind)).toEqual([
      'linucb',
      'linucb',
      'thompson',
      'epsilon-greedy',
      'cosine',
      'random',
    ])

    const store = new MetricStore(db)
    const runs = store.listRuns()
    expect(runs).toHaveLength(6 * 3)
    expect(runs.map((r) => r.name)).toContain(`replay linucb α=1 k=${DIM} seed 3`)
    const run = runs.find((r) => r.id === linucb?.runIds[0])
    expect(run).toMatchObject({ kind: 'linucb', space: SPACE, params: { alpha: 0.1, lambda: 1 } })
    expect(store.metricNames(run!.id)).toEqual(['cumulativeReward', 'hitRate', 'regret', 'reward'])
    const regretCurve = store.series(run!.id, 'regret')
    expect(regretCurve.map((p) => p.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    const rewards = store.series(run!.id, 'reward').map((p) => p.value)
    const cumulative = store.series(run!.id, 'cumulativeReward')
    expect(cumulative.at(-1)?.value).toBeCloseTo(
      rewards.reduce((a, b) => a + b, 0),
      10,
    )
  })

  it('writes nothing when told not to store', () => {
    const { db } = open()
    labelClusters(db, library(db, 8))
    evaluateOffline(db, { ...QUICK, pcaSizes: [4], store: false })
    expect(new MetricStore(db).listRuns()).toEqual([])
  })

  it('says in plain words when a class is too small, and that there is no auto-queue history', () => {
    const { db } = open()
    const clusters = library(db, 10)
    const events = new EventLog(db)
    clusters.near.slice(0, 6).forEach((id) => events.mark(id, 'like'))
    clusters.far.slice(0, 3).forEach((id) => events.mark(id, 'not_for_me'))
    const summary = evaluateOffline(db, { ...QUICK, pcaSizes: [4], store: false })
    const space = summary.spaces[0]
    expect(space?.classifierNote).toBe(
      'Need at least 5 songs of each kind to test the taste model (liked: 6, not for me: 3).',
    )
    expect(space?.classifier).toEqual([])
    expect(space?.replay.length).toBeGreaterThan(0) // replay needs no balance
    expect(space?.offPolicy.note).toMatch(/No auto-queue history yet/)
    const text = formatOfflineEvaluation(summary, formatTable)
    expect(text).toContain('Need at least 5 songs of each kind')
  })

  it('says so when nothing is analysed yet', () => {
    const { db } = open()
    const summary = evaluateOffline(db)
    expect(summary.note).toMatch(/No song is analysed yet/)
    expect(summary.spaces).toEqual([])
  })

  it('estimates LinUCB off-policy from auto-picks, rewarding each pick by what happened next', () => {
    const { db } = open()
    const clusters = library(db, 10)
    const events = new EventLog(db)
    // A uniform logging policy over one liked-cluster and one far-cluster song per round.
    for (let i = 0; i < 10; i++) {
      const near = clusters.near[i] as number
      const far = clusters.far[i] as number
      pickAndListen(events, i % 2 === 0 ? near : far, near, far)
    }
    const summary = evaluateOffline(db, {
      ...QUICK,
      pcaSizes: ['full'],
      alphas: [0, 1],
      store: false,
    })
    expect(summary.autoPicks).toEqual({ logged: 10, withOutcome: 10 })
    const offPolicy = summary.spaces[0]?.offPolicy
    expect(offPolicy?.rounds).toBe(10)
    expect(offPolicy?.note).toBeNull()
    // Played through = +0.3, skipped early = −1, half each.
    expect(offPolicy?.loggedValue).toBeCloseTo((5 * 0.3 - 5) / 10, 10)
    expect(offPolicy?.estimates).toHaveLength(2)
    for (const estimate of offPolicy?.estimates ?? []) {
      expect(estimate.ips.rounds).toBe(10)
      expect(estimate.ips.effectiveSampleSize).toBeGreaterThan(0)
      expect(estimate.snips.interval.lower).toBeLessThanOrEqual(estimate.snips.interval.upper)
      // Greedy LinUCB learns the clusters within a round or two: better than the log.
      expect(estimate.snips.value).toBeGreaterThan(offPolicy!.loggedValue!)
    }
  })
})

describe('evaluateOffline through the engine', () => {
  it('runs in a worker thread: a call issued after an evaluation starts is answered before it ends', async () => {
    const { db, path } = open()
    // A history large enough to take a while: 600 labelled songs and 600 auto-picks, each
    // played through or skipped.
    const clusters = library(db, 300)
    labelClusters(db, clusters)
    const events = new EventLog(db)
    db.transaction(() => {
      clusters.near.forEach((near, i) => {
        const far = clusters.far[i] as number
        for (const picked of [near, far]) pickAndListen(events, picked, near, far)
      })
    })()
    const options = { ...QUICK, pcaSizes: [4, 'full'] as PcaSize[], store: false }
    const engine = new Engine({ dbPath: path })
    try {
      const order: string[] = []
      const evaluation = Promise.resolve(engine.handlers.evaluateOffline(options)).then(
        (summary) => {
          order.push('evaluation')
          return summary
        },
      )
      // A call that arrives on a later turn of the event loop, as the app's next request would.
      await new Promise((resolve) => setImmediate(resolve))
      const status = await Promise.resolve(engine.handlers.getStatus({}))
      order.push('status')
      expect(status.tracks).toBe(600)
      const summary = await evaluation
      expect(order).toEqual(['status', 'evaluation'])
      // The worker's answer is the evaluation's, as the engine's thread would have computed it.
      expect(summary.autoPicks).toEqual({ logged: 600, withOutcome: 600 })
      expect(JSON.parse(JSON.stringify(summary))).toEqual(
        JSON.parse(JSON.stringify(evaluateOffline(db, options))),
      )
    } finally {
      await engine.close()
    }
  }, 120_000)
})

describe('replayLabelled', () => {
  it('ends with no regret when every song is picked, whatever the policy', () => {
    const vectors = [
      [1, 0],
      [0, 1],
      [-1, 0],
    ]
    const rewards = [1, 0.3, -1]
    const curve = replayLabelled(new RandomPolicy(), vectors, rewards, 3, 1)
    expect(curve.cumulativeReward.at(-1)).toBeCloseTo(0.3, 10)
    expect(curve.regret.at(-1)).toBeCloseTo(0, 10)
    const linucb = replayLabelled(new LinUcbPolicy(2, 0.1), vectors, rewards, 2, 1)
    expect(linucb.rewards).toHaveLength(2)
  })
})

describe('attune eval', () => {
  it('prints the evaluation as JSON', async () => {
    const { db, path } = open()
    labelClusters(db, library(db, 8))
    const { io, out, err } = captureIo()
    const code = await main(
      ['eval', '--db', path, '--json', '--pca', '4,full', '--seeds', '2', '--alphas', '1'],
      io,
    )
    expect(err()).toBe('')
    expect(code).toBe(0)
    const summary = JSON.parse(out()) as ReturnType<typeof evaluateOffline>
    expect(summary.labels.total).toBe(16)
    expect(summary.spaces[0]?.classifier.map((c) => c.pcaSize)).toEqual([4, 'full'])
    expect(summary.spaces[0]?.classifier[0]?.rocAuc.mean).toBeGreaterThan(0.9)
    expect(summary.spaces[0]?.replay.map((r) => r.policy)).toContain('linucb α=1')
    expect(summary.spaces[0]?.offPolicy.note).toMatch(/No auto-queue history yet/)
  })

  it('prints tables, and a plain error for an unknown space', async () => {
    const { db, path } = open()
    labelClusters(db, library(db, 8))
    const table = captureIo()
    expect(
      await main(
        ['eval', '--db', path, '--pca', '4', '--seeds', '1', '--horizon', '3', '--no-store'],
        table.io,
      ),
    ).toBe(0)
    expect(table.out()).toContain('Taste model (ridge, like vs not for me, cross-validated):')
    expect(table.out()).toContain('linucb α=1')
    const wrong = captureIo()
    expect(await main(['eval', '--db', path, '--space', 'nope'], wrong.io)).toBe(1)
    expect(wrong.err()).toContain("There are no vectors in space 'nope'")
  })
})
