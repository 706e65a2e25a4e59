// The embedding quality report: does a space put together what belongs together? By default the
// groups are the library's folders (an album, a soundtrack), or labels the listener supplies. Three
// figures: a cross-validated linear probe, leave-one-out nearest neighbours, and the baseline of
// always guessing the largest group; optionally again with groups of dimensions left out (ablation).
import { readFileSync } from 'node:fs'
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import type { Database } from '../db/database'
import { parseCsv } from '../../shared/csv'
import { UserError } from '../../shared/errors'
import type {
  AblationFigures,
  EmbeddingQualityReport,
  SeparationFigures,
} from '../../shared/evaluation'
export type {
  AblationFigures,
  ClassFigures,
  EmbeddingQualityReport,
  SeparationFigures,
} from '../../shared/evaluation'
import { EmbeddingStore } from '../db/embeddings'
import { TrackRepository } from '../db/tracks'
import { EXTRACTOR, FEATURES } from './feature-names'
import { TrackPathResolver } from './import-embeddings'
import {
  accuracyOf,
  confusionMatrix,
  crossValidateRidge,
  fitStandardiser,
  leaveOneOutNeighbours,
  seededRandom,
  shuffleInPlace,
  standardiseRows,
} from './linear-probe'

export interface DimensionGroup {
  name: string
  /** 0-based dimensions of the vector. */
  dims: number[]
}

export interface EvaluateEmbeddingOptions {
  space: string
  /** Label per track id. Default: each track's folder (relative to its library folder). */
  labels?: Map<number, string>
  /** A CSV of `path,label` (paths absolute, or relative to a library folder or to the file's folder). */
  labelsFile?: string
  /** Folds of the cross-validation (default 5); classes with fewer tracks are left out. */
  folds?: number
  /** Seed of the fold split and of any subsampling (default 1). */
  seed?: number
  /**
   * Repeated stratified k-fold: the linear probe is cross-validated this many times, with seeds
   * seed, seed + 1, …, and its figures averaged (default 1). Worth it on small libraries, where one
   * split of a few dozen tracks moves the accuracy by ±10 points.
   */
  repeats?: number
  /** Groups of dimensions to leave out, one at a time. */
  ablate?: DimensionGroup[]
  /**
   * Above this many labelled tracks, a stratified random sample of this size is evaluated (the
   * nearest-neighbour check costs n² · dim). Default 4000.
   */
  maxTracks?: number
}

/** Why a space cannot be compared, in words for the listener (bad input, or too few tracks yet). */
export class EmbeddingQualityError extends UserError {
  override name = 'EmbeddingQualityError'
}

/** The built-in space's feature groups (timbre, spectral, harmony, rhythm, loudness), for ablation. */
export function builtInFeatureGroups(): DimensionGroup[] {
  const groups = new Map<string, number[]>()
  FEATURES.forEach((feature, index) => {
    const dims = groups.get(feature.group) ?? []
    dims.push(index)
    groups.set(feature.group, dims)
  })
  return [...groups].map(([name, dims]) => ({ name, dims }))
}

/** Each track's folder, relative to its library folder (e.g. `wesnoth`), or the folder's name. */
export function folderLabels(db: Database): Map<number, string> {
  const rows = new TrackRepository(db).presentWithFolders()
  const labels = new Map<number, string>()
  for (const row of rows) {
    const folder = dirname(row.path)
    const inside = row.root ? relative(row.root, folder) : ''
    const label =
      row.root && inside && !inside.startsWith('..') && !isAbsolute(inside)
        ? inside
        : basename(folder)
    labels.set(row.id, label.split(sep).join('/'))
  }
  return labels
}

/** Reads `path,label` lines (a header line `path,label` is skipped); returns labels and unmatched lines. */
export function readLabelsFile(
  db: Database,
  file: string,
): { labels: Map<number, string>; unmatched: number } {
  const resolver = new TrackPathResolver(db)
  const labels = new Map<number, string>()
  let unmatched = 0
  parseCsv(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')).forEach(({ fields }, index) => {
    const [path = '', label = ''] = fields.map((f) => f.trim())
    if (!path) return
    if (index === 0 && /^(path|file|filename|track)$/i.test(path)) return
    const trackId =
      resolver.resolve(path) ??
      (isAbsolute(path) ? null : resolver.resolve(resolve(dirname(file), path)))
    if (trackId === null || !label) unmatched++
    else labels.set(trackId, label)
  })
  return { labels, unmatched }
}

/**
 * How well `space` separates the library into its folders (or the given labels): cross-validated
 * ridge-classifier accuracy with per-class figures and a confusion matrix, leave-one-out 1-NN and
 * 5-NN accuracy (cosine on standardised vectors), the majority-class baseline, and the same figures
 * with each `ablate` group of dimensions removed. Deterministic for a given seed.
 */
export function evaluateEmbedding(
  db: Database,
  options: EvaluateEmbeddingOptions,
): EmbeddingQualityReport {
  const folds = options.folds ?? 5
  const seed = options.seed ?? 1
  const repeats = options.repeats ?? 1
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new EmbeddingQualityError('Repeats must be 1 or more.')
  if (!Number.isInteger(folds) || folds < 2)
    throw new EmbeddingQualityError('The number of folds must be 2 or more.')
  const { trackIds, dim, data } = new EmbeddingStore(db).matrix(options.space)
  if (trackIds.length === 0) {
    throw new EmbeddingQualityError(`No track has a vector in the space ${options.space}.`)
  }

  let labels: Map<number, string>
  let labelSource: string
  let labelsWithoutVector = 0
  if (options.labels) {
    labels = options.labels
    labelSource = 'given'
  } else if (options.labelsFile) {
    const read = readLabelsFile(db, options.labelsFile)
    labels = read.labels
    labelsWithoutVector += read.unmatched
    labelSource = options.labelsFile
  } else {
    labels = folderLabels(db)
    labelSource = 'folder'
  }
  const hasVector = new Set(trackIds)
  for (const trackId of labels.keys()) if (!hasVector.has(trackId)) labelsWithoutVector++

  // Labelled rows, grouped by class.
  const rowsByLabel = new Map<string, number[]>()
  let unlabelled = 0
  trackIds.forEach((trackId, row) => {
    const label = labels.get(trackId)
    if (label === undefined) {
      unlabelled++
      return
    }
    const rows = rowsByLabel.get(label) ?? []
    rows.push(row)
    rowsByLabel.set(label, rows)
  })
  const byName = (a: [string, number[]], b: [string, number[]]) =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0
  const excludedClasses = [...rowsByLabel]
    .filter(([, rows]) => rows.length < folds)
    .sort(byName)
    .map(([label, rows]) => ({ label, tracks: rows.length }))
  let included = [...rowsByLabel].filter(([, rows]) => rows.length >= folds).sort(byName)
  if (included.length < 2) {
    throw new EmbeddingQualityError(
      `Comparing needs at least two groups of ${folds} or more tracks with vectors in ${options.space}; ` +
        `found ${included.length}${excludedClasses.length ? ` (and ${excludedClasses.length} smaller ones)` : ''}.`,
      'conflict',
    )
  }

  // Stratified sample when the library is large (each class keeps its share, and at least `folds`).
  const maxTracks = options.maxTracks ?? 4000
  const total = included.reduce((n, [, rows]) => n + rows.length, 0)
  let sampledOut = 0
  if (total > maxTracks) {
    const random = seededRandom(seed ^ 0x5bd1e995)
    included = included.map(([label, rows]) => {
      const keep = Math.max(folds, Math.round((rows.length * maxTracks) / total))
      sampledOut += rows.length - keep
      return [
        label,
        shuffleInPlace([...rows], random)
          .slice(0, keep)
          .sort((a, b) => a - b),
      ]
    })
  }

  const rows: number[] = []
  const classOf: number[] = []
  included.forEach(([, members], classIndex) => {
    for (const row of members) {
      rows.push(row)
      classOf.push(classIndex)
    }
  })
  const order = rows
    .map((row, i) => ({ row, label: classOf[i] as number }))
    .sort((a, b) => a.row - b.row)
  const selected = new Float64Array(order.length * dim)
  order.forEach(({ row }, i) => {
    for (let c = 0; c < dim; c++) selected[i * dim + c] = data[row * dim + c] as number
  })
  const classLabels = Int32Array.from(order.map((o) => o.label))
  const classes = included.length

  const full = separation(selected, dim, classLabels, classes, folds, seed, repeats)
  const counts = included.map(([, members]) => members.length)
  const largest = Math.max(...counts)

  const ablation: AblationFigures[] = []
  for (const group of options.ablate ?? []) {
    const removed = new Set(group.dims)
    for (const d of removed) {
      if (!Number.isInteger(d) || d < 0 || d >= dim) {
        throw new EmbeddingQualityError(
          `The group ${group.name} names dimension ${d}, but ${options.space} has ${dim}.`,
        )
      }
    }
    const kept = Array.from({ length: dim }, (_, d) => d).filter((d) => !removed.has(d))
    if (kept.length === 0) {
      ablation.push({
        name: group.name,
        removed: removed.size,
        dim: 0,
        linearAccuracy: NaN,
        foldAccuracies: [],
        oneNN: NaN,
        fiveNN: NaN,
      })
      continue
    }
    const reduced = new Float64Array(order.length * kept.length)
    for (let i = 0; i < order.length; i++) {
      kept.forEach((d, c) => {
        reduced[i * kept.length + c] = selected[i * dim + d] as number
      })
    }
    const figures = separation(reduced, kept.length, classLabels, classes, folds, seed, repeats)
    ablation.push({ name: group.name, removed: removed.size, dim: kept.length, ...figures })
  }

  return {
    space: options.space,
    dim,
    folds,
    seed,
    repeats,
    labelSource,
    tracks: order.length,
    sampledOut,
    classes: included.map(([label, members], k) => ({
      label,
      tracks: members.length,
      linearAccuracy: diagonalShare(full.confusion, k),
      oneNN: recall(full.oneNNPredictions, classLabels, k),
    })),
    excludedClasses,
    unlabelled,
    labelsWithoutVector,
    majorityBaseline: largest / order.length,
    chance: 1 / classes,
    linearAccuracy: full.linearAccuracy,
    foldAccuracies: full.foldAccuracies,
    oneNN: full.oneNN,
    fiveNN: full.fiveNN,
    confusion: full.confusion,
    ridgeLambdas: full.lambdas,
    ablation,
  }
}

function separation(
  data: Float64Array,
  dim: number,
  labels: Int32Array,
  classes: number,
  folds: number,
  seed: number,
  repeats: number,
): SeparationFigures & { confusion: number[][]; oneNNPredictions: Int32Array; lambdas: number[] } {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0))
  const foldAccuracies: number[] = []
  const lambdas: number[] = []
  let accuracySum = 0
  for (let repeat = 0; repeat < repeats; repeat++) {
    const probe = crossValidateRidge(data, dim, labels, classes, folds, seed + repeat)
    accuracySum += accuracyOf(probe.predictions, labels)
    foldAccuracies.push(...probe.foldAccuracies)
    lambdas.push(...probe.lambdas)
    confusionMatrix(probe.predictions, labels, classes).forEach((row, truth) =>
      row.forEach((count, predicted) => {
        const target = confusion[truth] as number[]
        target[predicted] = (target[predicted] as number) + count
      }),
    )
  }
  const everyRow = Array.from({ length: labels.length }, (_, i) => i)
  const standardised = standardiseRows(data, dim, everyRow, fitStandardiser(data, dim, everyRow))
  const neighbours = leaveOneOutNeighbours(standardised, dim, labels, classes, [1, 5])
  const oneNNPredictions = neighbours.get(1) ?? new Int32Array(labels.length)
  return {
    linearAccuracy: accuracySum / repeats,
    foldAccuracies,
    oneNN: accuracyOf(oneNNPredictions, labels),
    fiveNN: accuracyOf(neighbours.get(5) ?? new Int32Array(labels.length), labels),
    confusion,
    oneNNPredictions,
    lambdas,
  }
}

/** Share of class k's row of the confusion matrix on its diagonal (recall). */
function diagonalShare(confusion: number[][], k: number): number {
  const row = confusion[k] ?? []
  const total = row.reduce((a, b) => a + b, 0)
  return total === 0 ? 0 : (row[k] ?? 0) / total
}

function recall(predictions: Int32Array, labels: Int32Array, label: number): number {
  let members = 0
  let correct = 0
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== label) continue
    members++
    if (predictions[i] === label) correct++
  }
  return members === 0 ? 0 : correct / members
}

/** The ablation groups that fit a space: the built-in feature groups for the built-in space, none otherwise. */
export function defaultAblationFor(space: string, dim: number): DimensionGroup[] {
  return space === EXTRACTOR.space && dim === EXTRACTOR.dims ? builtInFeatureGroups() : []
}
