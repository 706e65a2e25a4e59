/**
 * Learning benchmark: simulated listeners on real audio (see learning-sim.ts). Every style, and
 * pairs of styles, of `../shared/corpus/styles` (labels.tsv) and `../shared/fixtures/music`
 * (folders) as the hidden taste, several seeds each, served by the engine's auto-queue and side by
 * side by random and closest-to-liked (centroid) picks. Analysed libraries are cached (see
 * `cacheDir()`), so a rerun only simulates.
 *
 *   node bin/run-ts.js bench/learning.ts [--seeds N] [--first-seed N] [--library corpus|fixtures] [--variant A,B] [--medians]
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DEFAULT_SETTINGS } from '../src/shared/settings'
import { report } from './report'
import {
  analysedLibrary,
  meanShare,
  median,
  PICKS,
  runBaseline,
  runEngine,
  summariseTaste,
  tastesOf,
  WARMUP,
  type AnalysedLibrary,
  type RunResult,
  type TasteSummary,
  type Variant,
} from './learning-sim'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const SEEDS = Number(arg('seeds') ?? 3)
/** Seeds first…first + SEEDS − 1 (`--first-seed`): another range measures the noise of the draws. */
const FIRST_SEED = Number(arg('first-seed') ?? 1)
const ONLY = arg('library')

/** Levers measured on and off: `--variant NAME` runs the engine with these settings. */
const rewards = DEFAULT_SETTINGS.rewards
export const VARIANTS: Record<string, Variant> = {
  default: { name: 'default' },
  'alpha-0.3': { name: 'alpha-0.3', settings: { exploration: { alpha: 0.3 } } },
  'alpha-1': { name: 'alpha-1', settings: { exploration: { alpha: 1 } } },
  'alpha-0.5': { name: 'alpha-0.5', settings: { exploration: { alpha: 0.5 } } },
  'alpha-2': { name: 'alpha-2', settings: { exploration: { alpha: 2 } } },
  argmax: { name: 'argmax', settings: { exploration: { temperature: 0 } } },
  'pca-16': { name: 'pca-16', settings: { model: { pcaDims: 16 } } },
  'pca-32': { name: 'pca-32', settings: { model: { pcaDims: 32 } } },
  'pca-64': { name: 'pca-64', settings: { model: { pcaDims: 64 } } },
  'lambda-0.3': { name: 'lambda-0.3', settings: { model: { lambda: 0.3 } } },
  'lambda-3': { name: 'lambda-3', settings: { model: { lambda: 3 } } },
  // Tag context (on by default, docs/learning.md).
  tags: { name: 'tags', settings: { model: { useTags: true } } },
  'no-tags': { name: 'no-tags', settings: { model: { useTags: false } } },
  'tags-weight-0.25': {
    name: 'tags-weight-0.25',
    settings: { model: { useTags: true, tagWeight: 0.25 } },
  },
  'tags-weight-1': { name: 'tags-weight-1', settings: { model: { useTags: true, tagWeight: 1 } } },
  'album-sound': { name: 'album-sound', settings: { model: { albumSound: 0.75 } } },
  // The album's sound is on by default (0.75): this is the default without it.
  'no-album-sound': { name: 'no-album-sound', settings: { model: { albumSound: 0 } } },
  'album-sound-no-tags': {
    name: 'album-sound-no-tags',
    settings: { model: { albumSound: 0.75, useTags: false } },
  },
  'no-artist-spacing': { name: 'no-artist-spacing', settings: { autoQueue: { artistSpacing: 0 } } },
  'skips-weight-1': {
    name: 'skips-weight-1',
    settings: {
      rewards: {
        earlySkip: { ...rewards.earlySkip, weight: 1 },
        played: { ...rewards.played, weight: 1 },
      },
    },
  },
  'no-implicit': {
    name: 'no-implicit',
    settings: {
      rewards: {
        earlySkip: { ...rewards.earlySkip, weight: 0 },
        played: { ...rewards.played, weight: 0 },
        lateSkip: { ...rewards.lateSkip, weight: 0 },
      },
    },
  },
}
const variants = (arg('variant') ?? 'default').split(',').map((name) => {
  const variant = VARIANTS[name]
  if (!variant) throw new Error(`no variant ${name}; known: ${Object.keys(VARIANTS).join(', ')}`)
  return variant
})
/** `--medians`: one line of medians per variant instead of the tables. */
const MEDIANS_ONLY = process.argv.includes('--medians')

const shared = realpathSync(resolve(process.cwd(), '../shared'))
const LIBRARIES: { name: string; root: string }[] = [
  { name: 'corpus-styles', root: join(shared, 'corpus', 'styles') },
  { name: 'fixtures-music', root: join(shared, 'fixtures', 'music') },
].filter((l) => !ONLY || l.name.startsWith(ONLY))

const pct = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '–')
const picks = (x: number): string => (x > PICKS ? `>${PICKS}` : String(x))

function table(library: AnalysedLibrary, summaries: TasteSummary[]): string {
  const lines = [
    `| taste (${library.name}) | songs | base rate | hit rate 11–30: attune / random / centroid | of what was left: attune / random / centroid | ≥ 2× base | picks to 5 liked: attune / random / centroid | style back after "not for me": attune / random / centroid |`,
    '| --- | ---: | ---: | --- | --- | :-: | --- | --- |',
  ]
  const row = (name: string, songs: string, base: string, s: TasteSummary['policies']) =>
    `| ${name} | ${songs} | ${base} | **${pct(s.attune.hitRate)}** / ${pct(s.random.hitRate)} / ${pct(s.centroid.hitRate)} | **${pct(s.attune.hitShareOfCeiling)}** / ${pct(s.random.hitShareOfCeiling)} / ${pct(s.centroid.hitShareOfCeiling)} | ${s.attune.twiceBase ? 'yes' : 'no'} | **${picks(s.attune.picksToFive)}** / ${picks(s.random.picksToFive)} / ${picks(s.centroid.picksToFive)} | **${pct(s.attune.cameBack)}** / ${pct(s.random.cameBack)} / ${pct(s.centroid.cameBack)} |`
  for (const s of summaries) lines.push(row(s.taste, String(s.liked), pct(s.baseRate), s.policies))
  const med = (pick: (s: TasteSummary) => number) => median(summaries.map(pick))
  const medians = Object.fromEntries(
    (['attune', 'random', 'centroid'] as const).map((p) => [
      p,
      {
        hitRate: med((s) => s.policies[p].hitRate),
        hitShareOfCeiling: med((s) => s.policies[p].hitShareOfCeiling),
        picksToFive: med((s) => s.policies[p].picksToFive),
        cameBack: med((s) => s.policies[p].cameBack),
        twiceBase: summaries.every((s) => s.policies[p].twiceBase),
      },
    ]),
  ) as TasteSummary['policies']
  lines.push(row('**median over tastes**', '', pct(med((s) => s.baseRate)), medians))
  return lines.join('\n')
}

function medianLine(variant: Variant, summaries: TasteSummary[], runs: RunResult[]): string {
  const med = (pick: (s: TasteSummary) => number) => pct(median(summaries.map(pick)))
  const a = (s: TasteSummary) => s.policies.attune
  return `| ${variant.name} | ${med((s) => a(s).hitRate)} | ${med((s) => a(s).hitShareOfCeiling)} | ${pct(meanShare(runs, 'attune'))} | ${summaries.filter((s) => !a(s).twiceBase).length} | ${med((s) => a(s).picksToFive)} | ${med((s) => a(s).cameBack)} |`
}

const work = mkdtempSync(join(tmpdir(), 'attune-learning-'))
try {
  console.log(
    `${SEEDS} seeds per taste, ${PICKS} picks; hits = liked-style picks among picks ${WARMUP + 1}–${PICKS} not already loved.\n`,
  )
  for (const { name, root } of LIBRARIES) {
    const started = Date.now()
    const library = await analysedLibrary(name, root)
    const ready = Date.now()
    const tastes = tastesOf(library)
    if (MEDIANS_ONLY) {
      console.log(
        `| variant (${name}) | hit rate 11–30 | of what was left | of what was left, mean of all runs | tastes below 2× base | picks to 5 liked | style back after "not for me" |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |`,
      )
    }
    for (const variant of variants) {
      const runs: RunResult[] = []
      for (const taste of tastes) {
        for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
          runs.push(await runEngine(library, taste, seed, variant, work))
          runs.push(runBaseline('random', library, taste, seed))
          runs.push(runBaseline('centroid', library, taste, seed))
        }
      }
      const summaries = tastes.map((t) => summariseTaste(library, t, runs))
      if (variant.name === 'default') {
        const key = name.split('-')[0] ?? name
        report(`learning.${key}.hitRate`, median(summaries.map((s) => s.policies.attune.hitRate)))
        report(
          `learning.${key}.tastesBelowTwiceBase`,
          summaries.filter((s) => !s.policies.attune.twiceBase).length,
        )
      }
      if (MEDIANS_ONLY) {
        console.log(medianLine(variant, summaries, runs))
        continue
      }
      console.log(`Variant \`${variant.name}\`:\n`)
      console.log(table(library, summaries))
      const below = summaries.filter((s) => !s.policies.attune.twiceBase)
      console.log(
        `\n${library.tracks.length} songs, ${tastes.length} tastes × ${SEEDS} seeds; library ready in ${((ready - started) / 1000).toFixed(1)} s, simulated in ${((Date.now() - ready) / 1000).toFixed(1)} s. Tastes below 2× their base rate: ${below.length === 0 ? 'none' : below.map((s) => s.taste).join(', ')}.\n`,
      )
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
