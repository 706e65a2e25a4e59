import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Matrix, solve } from 'ml-matrix'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { EmbeddingStore } from '../../../src/main/db/embeddings'
import { FEATURES } from '../../../src/main/analysis/feature-names'
import {
  builtInFeatureGroups,
  EmbeddingQualityError,
  evaluateEmbedding,
  folderLabels,
} from '../../../src/main/analysis/embedding-quality'
import { formatQualityReport } from '../../../src/main/cli/reports'
import {
  fitRidgeClassifier,
  leaveOneOutNeighbours,
  leaveOneOutRidgeScores,
  predictRidge,
} from '../../../src/main/analysis/linear-probe'
import { foldOfEach } from '../../../src/shared/folds'
import { insertRoot, insertTrack } from '../media/library-rows'
import { seededNormal, seededRandom } from '../taste/random'
import { tempDir } from '../../helpers/temp'

let dir: string
let cleanup: () => void
let db: Database
let rootId: number

beforeEach(() => {
  const t = tempDir()
  dir = t.dir
  cleanup = t.cleanup
  db = openDatabase(join(dir, 'library.db'))
  rootId = insertRoot(db, '/music')
})

afterEach(() => {
  db.close()
  cleanup()
})

/** Adds one track per vector, in folder `/music/<folder>/`, with its vector in `space`. */
function addTracks(space: string, tracks: { folder: string; vector: number[] }[]): number[] {
  const ids = tracks.map(({ folder }, i) =>
    insertTrack(db, { path: `/music/${folder}/${i}.mp3`, rootId }),
  )
  new EmbeddingStore(db).saveMany(
    space,
    null,
    tracks.map(({ vector }, i) => ({
      job: { trackId: ids[i] as number, path: '', size: 0, mtimeMs: 0, duration: null },
      vector: Float32Array.from(vector),
    })),
  )
  return ids
}

/** `perClass` points around each of `classes` far-apart centres in `dim` dimensions. */
function clusters(
  classes: number,
  perClass: number,
  dim: number,
  seed: number,
): { folder: string; vector: number[] }[] {
  const normal = seededNormal(seed)
  const centres = Array.from({ length: classes }, () =>
    Array.from({ length: dim }, () => normal() * 10),
  )
  const out: { folder: string; vector: number[] }[] = []
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < perClass; i++) {
      out.push({ folder: `group ${k}`, vector: (centres[k] as number[]).map((c) => c + normal()) })
    }
  }
  return out
}

describe('embedding quality report', () => {
  it('scores well-separated clusters near 1 and far above the majority baseline', () => {
    addTracks('import:clusters', clusters(4, 12, 16, 7))
    const report = evaluateEmbedding(db, { space: 'import:clusters', seed: 3 })
    expect(report.tracks).toBe(48)
    expect(report.classes.map((c) => c.label)).toEqual(['group 0', 'group 1', 'group 2', 'group 3'])
    expect(report.linearAccuracy).toBeGreaterThanOrEqual(0.97)
    expect(report.oneNN).toBe(1)
    expect(report.fiveNN).toBe(1)
    expect(report.majorityBaseline).toBeCloseTo(0.25)
    expect(report.chance).toBeCloseTo(0.25)
    expect(report.foldAccuracies).toHaveLength(5)
    expect(report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(48)
    expect(report.confusion.map((row, k) => row[k])).toEqual(
      report.classes.map((c) => Math.round(c.linearAccuracy * c.tracks)),
    )
  })

  it('scores random labels near chance', () => {
    const normal = seededNormal(11)
    const random = seededRandom(12)
    const tracks = Array.from({ length: 240 }, () => ({
      folder: `label ${Math.floor(random() * 4)}`,
      vector: Array.from({ length: 12 }, () => normal()),
    }))
    addTracks('import:noise', tracks)
    const report = evaluateEmbedding(db, { space: 'import:noise', seed: 1 })
    expect(report.classes).toHaveLength(4)
    expect(Math.abs(report.linearAccuracy - 0.25)).toBeLessThan(0.1)
    expect(Math.abs(report.oneNN - 0.25)).toBeLessThan(0.1)
    expect(Math.abs(report.fiveNN - 0.25)).toBeLessThan(0.1)
  })

  it('gives the 1-NN accuracy worked out by hand on eight points of a circle', () => {
    // Angles 0 30 90 120 180 210 270 300°: centred, equal spread on both axes, so standardising only
    // rescales and cosine similarity is unchanged. Each point's nearest neighbour is its 30° partner:
    // 0↔30 (A,A ✓✓), 90↔120 (A,B ✗✗), 180↔210 (B,B ✓✓), 270↔300 (A,B ✗✗) → 4 of 8.
    const points: [number, string][] = [
      [0, 'A'],
      [30, 'A'],
      [90, 'A'],
      [120, 'B'],
      [180, 'B'],
      [210, 'B'],
      [270, 'A'],
      [300, 'B'],
    ]
    const radians = (degrees: number) => (degrees * Math.PI) / 180
    addTracks(
      'import:circle',
      points.map(([angle, label]) => ({
        folder: label,
        vector: [Math.cos(radians(angle)), Math.sin(radians(angle))],
      })),
    )
    const report = evaluateEmbedding(db, { space: 'import:circle', folds: 2 })
    expect(report.oneNN).toBe(0.5)
    expect(report.classes).toEqual([
      expect.objectContaining({ label: 'A', tracks: 4, oneNN: 0.5 }),
      expect.objectContaining({ label: 'B', tracks: 4, oneNN: 0.5 }),
    ])
  })

  it('is deterministic for a seed, the seed changes the folds, and repeats average successive seeds', () => {
    const normal = seededNormal(5)
    const random = seededRandom(6)
    addTracks(
      'import:mixed',
      Array.from({ length: 60 }, () => {
        const label = Math.floor(random() * 3)
        return {
          folder: `g${label}`,
          vector: Array.from({ length: 6 }, (_, d) => normal() + (d === label ? 1.2 : 0)),
        }
      }),
    )
    const first = evaluateEmbedding(db, { space: 'import:mixed', seed: 42 })
    const again = evaluateEmbedding(db, { space: 'import:mixed', seed: 42 })
    expect(again).toEqual(first)
    const repeated = evaluateEmbedding(db, { space: 'import:mixed', seed: 42, repeats: 3 })
    expect(repeated.foldAccuracies).toHaveLength(15)
    expect(repeated.foldAccuracies.slice(0, 5)).toEqual(first.foldAccuracies)
    const seeds = [42, 43, 44].map(
      (seed) => evaluateEmbedding(db, { space: 'import:mixed', seed }).linearAccuracy,
    )
    expect(repeated.linearAccuracy).toBeCloseTo((seeds[0]! + seeds[1]! + seeds[2]!) / 3, 12)
    expect(repeated.confusion.flat().reduce((a, b) => a + b, 0)).toBe(180)
    const labels = Int32Array.from({ length: 60 }, (_, i) => i % 3)
    expect(Array.from(foldOfEach(labels, 5, 1))).not.toEqual(Array.from(foldOfEach(labels, 5, 2)))
  })

  it('reports and leaves out classes smaller than the number of folds, and tracks without a label', () => {
    const tracks = clusters(3, 6, 4, 2)
    tracks.push({ folder: 'tiny', vector: [0, 0, 0, 1] })
    const ids = addTracks('import:small', tracks)
    insertTrack(db, { path: '/music/no vector/x.mp3', rootId })
    const labels = folderLabels(db)
    labels.delete(ids[0] as number)
    const report = evaluateEmbedding(db, { space: 'import:small', labels })
    expect(report.excludedClasses).toEqual([{ label: 'tiny', tracks: 1 }])
    expect(report.unlabelled).toBe(1)
    expect(report.labelsWithoutVector).toBe(1)
    expect(report.tracks).toBe(17)
  })

  it('reads labels from a CSV file of path,label', () => {
    const ids = addTracks('import:csv', clusters(2, 6, 3, 9))
    const lines = ['path,label']
    ids.forEach((_, i) =>
      lines.push(
        `${i < 6 ? `/music/group 0/${i}.mp3` : `group 1/${i}.mp3`},${i % 2 ? 'odd' : 'even'}`,
      ),
    )
    lines.push('/music/unknown.mp3,odd')
    const file = join(dir, 'labels.csv')
    writeFileSync(file, lines.join('\n'))
    const report = evaluateEmbedding(db, { space: 'import:csv', labelsFile: file })
    expect(report.classes.map((c) => [c.label, c.tracks])).toEqual([
      ['even', 6],
      ['odd', 6],
    ])
    expect(report.labelsWithoutVector).toBe(1)
    expect(report.labelSource).toBe(file)
  })

  it('shows what each group of dimensions contributes by leaving it out', () => {
    // Dimensions 0–1 carry the groups; 2–5 are noise. Removing 0–1 drops the scores to about chance.
    const normal = seededNormal(21)
    const tracks = Array.from({ length: 60 }, (_, i) => {
      const label = i % 3
      return {
        folder: `g${label}`,
        vector: [
          label * 6 + normal(),
          (label === 1 ? 6 : 0) + normal(),
          normal(),
          normal(),
          normal(),
          normal(),
        ],
      }
    })
    addTracks('import:ablate', tracks)
    const report = evaluateEmbedding(db, {
      space: 'import:ablate',
      ablate: [
        { name: 'signal', dims: [0, 1] },
        { name: 'noise', dims: [2, 3, 4, 5] },
      ],
    })
    expect(report.linearAccuracy).toBeGreaterThan(0.9)
    const [signal, noise] = report.ablation
    expect(signal).toMatchObject({ name: 'signal', removed: 2, dim: 4 })
    expect(signal?.linearAccuracy).toBeLessThan(0.55)
    expect(noise?.linearAccuracy).toBeGreaterThan(0.9)
    expect(noise?.oneNN).toBeGreaterThan(report.oneNN - 0.05)
    expect(formatQualityReport(report)).toContain('| signal | 4 |')
    expect(() =>
      evaluateEmbedding(db, { space: 'import:ablate', ablate: [{ name: 'wrong', dims: [6] }] }),
    ).toThrow(/dimension 6/)
  })

  it('explains when there is nothing to compare', () => {
    expect(() => evaluateEmbedding(db, { space: 'import:none' })).toThrow(EmbeddingQualityError)
    addTracks('import:one-group', clusters(1, 8, 2, 1))
    expect(() => evaluateEmbedding(db, { space: 'import:one-group' })).toThrow(
      /at least two groups/,
    )
  })

  it('groups the built-in features by kind, covering every dimension once', () => {
    const groups = builtInFeatureGroups()
    expect(groups.map((g) => g.name).sort()).toEqual([
      'harmony',
      'loudness',
      'rhythm',
      'spectral',
      'timbre',
    ])
    expect(groups.flatMap((g) => g.dims).sort((a, b) => a - b)).toEqual(FEATURES.map((_, i) => i))
  })
})

describe('linear probe', () => {
  it('deals each class evenly across the folds', () => {
    const labels = Int32Array.from({ length: 23 }, (_, i) => (i < 13 ? 0 : 1))
    const folds = foldOfEach(labels, 5, 9)
    for (let fold = 0; fold < 5; fold++) {
      const zeros = labels.filter((label, i) => label === 0 && folds[i] === fold).length
      const ones = labels.filter((label, i) => label === 1 && folds[i] === fold).length
      expect(zeros === 2 || zeros === 3).toBe(true)
      expect(ones).toBe(2)
    }
  })

  it('fits the same weights as solving (XᵀX + λI)w = Xᵀy directly', () => {
    for (const [n, dim] of [
      [30, 5],
      [8, 20],
    ] as const) {
      const normal = seededNormal(n + dim)
      const raw = Array.from({ length: n }, () => Array.from({ length: dim }, () => normal()))
      const means = Array.from(
        { length: dim },
        (_, c) => raw.reduce((s, row) => s + (row[c] as number), 0) / n,
      )
      const centred = raw.map((row) => row.map((v, c) => v - (means[c] as number)))
      const labels = Array.from({ length: n }, (_, i) => i % 3)
      const model = fitRidgeClassifier(Float64Array.from(centred.flat()), n, dim, labels, 3)
      const x = new Matrix(centred)
      const targets = new Matrix(
        labels.map((label) => [0, 1, 2].map((k) => (label === k ? 1 : 0) - 1 / 3)),
      )
      const expected = solve(
        x.transpose().mmul(x).add(Matrix.eye(dim).mul(model.lambda)),
        x.transpose().mmul(targets),
      )
      for (let c = 0; c < dim; c++) {
        for (let k = 0; k < 3; k++) {
          expect(model.weights[c * 3 + k], `n=${n} dim=${dim}`).toBeCloseTo(expected.get(c, k), 8)
        }
      }
      const predicted = predictRidge(model, Float64Array.from(centred.flat()), n)
      expect(predicted).toHaveLength(n)
    }
  })

  it('scores each row as a model refitted without it would (the leave-one-out shortcut)', () => {
    for (const [n, dim] of [
      [12, 3],
      [7, 10],
    ] as const) {
      const normal = seededNormal(100 + n)
      const raw = Array.from({ length: n }, () => Array.from({ length: dim }, () => normal()))
      const centre = (rows: number[][]) => {
        const means = Array.from(
          { length: dim },
          (_, c) => rows.reduce((s, row) => s + (row[c] as number), 0) / rows.length,
        )
        return { means, centred: rows.map((row) => row.map((v, c) => v - (means[c] as number))) }
      }
      const labels = Array.from({ length: n }, (_, i) => i % 2)
      const lambda = 0.7
      const { centred } = centre(raw)
      const shortcut = leaveOneOutRidgeScores(
        Float64Array.from(centred.flat()),
        n,
        dim,
        labels,
        2,
        lambda,
      )
      for (let i = 0; i < n; i++) {
        // Refit on the other rows: ridge with an unpenalised intercept (centre by their own means).
        const others = raw.filter((_, j) => j !== i)
        const otherLabels = labels.filter((_, j) => j !== i)
        const { means, centred: x } = centre(others)
        const frequencies = [0, 1].map(
          (k) => otherLabels.filter((l) => l === k).length / otherLabels.length,
        )
        const targets = new Matrix(
          otherLabels.map((l) => [0, 1].map((k) => (l === k ? 1 : 0) - (frequencies[k] as number))),
        )
        const matrix = new Matrix(x)
        const weights = solve(
          matrix.transpose().mmul(matrix).add(Matrix.eye(dim).mul(lambda)),
          matrix.transpose().mmul(targets),
        )
        const held = new Matrix([
          (raw[i] as number[]).map((v, c) => v - (means[c] as number)),
        ]).mmul(weights)
        for (let k = 0; k < 2; k++) {
          expect(shortcut[i * 2 + k], `n=${n} row ${i}`).toBeCloseTo(
            held.get(0, k) + (frequencies[k] as number),
            8,
          )
        }
      }
    }
  })

  it('breaks nearest-neighbour ties towards the earlier track', () => {
    // Point 0 is equally close to 1 and 2; the earlier one (1, label 1) decides.
    const x = Float64Array.from([1, 0, 0, 1, 0, -1, -1, 0])
    const labels = Int32Array.from([0, 1, 2, 0])
    const predictions = leaveOneOutNeighbours(x, 2, labels, 3, [1])
    expect(Array.from(predictions.get(1) ?? [])).toEqual([1, 0, 0, 1])
  })
})
