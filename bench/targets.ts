// The benchmarks `npm run bench` runs and the targets `npm run bench -- --check` holds them to
// (DESIGN.md's performance table, or stricter). To add a benchmark: one entry below, and
// `report(name, value)` (bench/report.ts) in the script for each value a target names.

export interface Target {
  /** The value the script reports (bench/report.ts). */
  result: string
  /** What is checked, in a few words (printed by the checker). */
  label: string
  /** Passes when the value is at most this… */
  atMost?: number
  /** …or at least this. */
  atLeast?: number
}

export interface Benchmark {
  /** bench/<name>.ts; `npm run bench -- <name>` runs it alone. */
  name: string
  /** Arguments of the full run (`npm run bench`). */
  args: string[]
  /** Arguments of the checker's run (all of them together fit in ~10 minutes on 2 cores). */
  checkArgs: string[] | null
  /**
   * Why `--check` leaves this benchmark out unless it is named (`npm run bench -- --check NAME`):
   * the default check holds the speed targets of DESIGN's table (issue 14), not quality targets.
   */
  checkOnlyWhenNamed?: string
  targets: Target[]
}

/** Stated in bench/README.md: the peak resident memory of the 1,000,000 × 32 stall run. */
export const STALL_1M_MEMORY_MB = 2048

export const BENCHMARKS: Benchmark[] = [
  {
    name: 'scan',
    args: ['10000'],
    checkArgs: ['5000', '--quick'],
    targets: [
      { result: 'scan.firstFilesPerSecond', label: 'first scan, files/s', atLeast: 1000 },
      { result: 'scan.rescanOverFirst', label: 'rescan ÷ first scan', atMost: 0.1 },
    ],
  },
  {
    name: 'analysis',
    args: ['--rounds', '2'],
    checkArgs: ['--rounds', '1', '--no-library'],
    targets: [
      {
        result: 'analysis.music.e2eTrackSpeed',
        label: 'analysis music/, × real time per s of track length',
        atLeast: 150,
      },
      {
        result: 'analysis.long.e2eTrackSpeed',
        label: 'analysis long files, × real time per s of track length',
        atLeast: 150,
      },
      {
        result: 'analysis.music.e2eOverDecode',
        label: 'analysis music/, end to end ÷ decode-only speed',
        atLeast: 0.5,
      },
    ],
  },
  {
    name: 'linucb',
    args: [],
    checkArgs: ['--sizes', '100000', '--dims', '128'],
    targets: [
      {
        result: 'linucb.100kx128.recomputeOverIncremental',
        label: 'reward 100k×128: recompute ÷ incremental',
        atLeast: 50,
      },
      {
        result: 'linucb.100kx128.incrementalOverPass',
        label: 'reward 100k×128: incremental ÷ one pass',
        atMost: 1.5,
      },
    ],
  },
  {
    // The wide case at 100k × 128; the long one at 1M × 32 in the full run, 250k × 32 here (the
    // 1M setup alone took ~9 minutes at load 15). The 1M memory is checked by the full run's table.
    name: 'taste-worker',
    args: [],
    checkArgs: ['--check', '--stall-rewards', '1200'],
    targets: [
      {
        result: 'taste-worker.stall.wide.p99OverPass',
        label: 'worker reward→pick 100k×128: p99 ÷ one pass',
        atMost: 2,
      },
      {
        result: 'taste-worker.stall.wide.maxOverPass',
        label: 'worker reward→pick 100k×128: max ÷ one pass',
        atMost: 5,
      },
      {
        result: 'taste-worker.stall.wide.refreshes',
        label: 'exact refreshes done during the 100k×128 run',
        atLeast: 1,
      },
      {
        result: 'taste-worker.stall.long.p99OverPass',
        label: 'worker reward→pick 250k×32: p99 ÷ one pass',
        atMost: 2,
      },
      {
        result: 'taste-worker.stall.long.maxOverPass',
        label: 'worker reward→pick 250k×32: max ÷ one pass',
        atMost: 5,
      },
      {
        result: 'taste-worker.stall.long.refreshes',
        label: 'exact refreshes done during the 250k×32 run',
        atLeast: 1,
      },
    ],
  },
  { name: 'linucb-drift', args: [], checkArgs: null, targets: [] },
  {
    name: 'pca',
    args: [],
    checkArgs: ['--rows', '20000'],
    targets: [{ result: 'pca.oursOverMlPcaSvd', label: 'PCA fit ÷ ml-pca (SVD)', atMost: 0.2 }],
  },
  {
    name: 'library',
    args: [],
    checkArgs: ['--rounds', '2'],
    targets: [
      { result: 'library.searchMedianMs', label: 'search at 100k tracks, median ms', atMost: 50 },
    ],
  },
  {
    name: 'startup',
    args: [],
    checkArgs: ['--rounds', '7'],
    targets: [
      {
        result: 'startup.statsOverNode',
        label: 'attune stats ÷ node + better-sqlite3',
        atMost: 2.5,
      },
    ],
  },
  {
    // Not in DESIGN's table: the engine's own next pick, so the SQL and the wording around the
    // worker's round trip cannot grow unseen (it was 93 ms at 100k songs, ~7× the round trip).
    name: 'engine-calls',
    args: [],
    checkArgs: ['--check'],
    targets: [
      {
        result: 'engineCalls.nextPickOverRoundTrip',
        label: 'reward → next auto-pick through the engine 100k×128 ÷ one reward round trip',
        atMost: 1.25,
      },
    ],
  },
  {
    name: 'live-queue',
    args: [],
    checkArgs: ['--sizes', '100000', '--trials', '10'],
    targets: [
      {
        result: 'liveQueue.rerankOverRoundTrip',
        label:
          'mark → waiting picks re-ranked 100k×128 ÷ one reward round trip (a song not in the queue)',
        atMost: 1,
      },
    ],
  },
  { name: 'pages', args: ['--rounds', '5'], checkArgs: null, targets: [] },
  {
    // docs/playback.md: the silence between two songs at the output, in Chromium.
    name: 'gapless',
    args: ['--rounds', '5'],
    checkArgs: ['--rounds', '3'],
    targets: [
      {
        result: 'gapless.decoded.gapMsMax',
        label: 'silence between two songs, decoded and scheduled, ms (worst change)',
        atMost: 5,
      },
    ],
  },
  {
    // Issue 10's targets for the styles corpus (bench/README.md, docs/learning.md): not met yet.
    name: 'learning',
    args: [],
    checkArgs: ['--library', 'corpus', '--seeds', '1', '--medians'],
    checkOnlyWhenNamed: "issue 10's learning targets, not a speed target",
    targets: [
      {
        result: 'learning.corpus.hitRate',
        label: 'liked among picks 11–30, median taste',
        atLeast: 0.85,
      },
      {
        result: 'learning.corpus.tastesBelowTwiceBase',
        label: 'tastes below 2× their base rate',
        atMost: 0,
      },
    ],
  },
]
