// The command line. Each command loads the modules it needs when it runs: zod (the contract),
// ml-matrix, music-metadata and the audio decoders cost more to load than better-sqlite3 itself, and
// `attune stats` should start in about the time Node takes to load better-sqlite3 (bench/startup.ts).
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { existsSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { openDatabase, type Database } from '../db/database'
import { coversDirFor, defaultDbPath, defaultMusicDir } from '../paths'
import {
  CLI_NEXT_STEP,
  CliError,
  cliErrorText,
  formatDuration,
  formatTable,
  ProgressReporter,
  processIo,
  writeJson,
  type Io,
} from './output'
import { TrackStore } from '../library/track-store'
import { UserError } from '../../shared/errors'
import { BUILD_DIR } from '../workers/entries'
import type { TasteService } from '../taste/service'
import type { Explanation, Recommendation } from '../../shared/taste'
import type { MarkOrNone, Track } from '../../shared/domain'
import type { PcaSize } from '../insights/offline-eval'

const HELP = `attune: a music player that learns your taste (command line)

Usage: attune <command> [options]

Commands:
  scan [DIR…]         add folders to the library (default: the library's folders, or ~/Music) and scan them
  roots [add|remove DIR] [--confirm]
                      list, add or remove library folders (--confirm allows your whole home folder)
  tracks [--search TEXT] [--limit N] [--missing]   list tracks with their tags
  stats               counts of tracks, formats, errors and labels
  export [FILE]       write the whole listening log as JSONL (to stdout without FILE)
  import FILE         read a listening log written by export (idempotent)
  analyze [--workers N]   compute the built-in audio embedding (attune-dsp-v1) of every track that needs it
  import-embeddings FILE --space NAME [--paths FILE] [--format csv|jsonl|npy]
                      use vectors you computed elsewhere, keyed by absolute or library-relative path
  eval-embedding [--space NAME] [--labels FILE] [--folds N] [--seed N]
                      how well a space separates the library by folder (or your labels)
  import-labels FILE --as like|love|near-miss|not [--others-not] [--dry-run]
                      label every track of an M3U/M3U8 playlist or a CSV (path,label)
  recommend [--n 10]  the songs the taste model would pick next, with their score and why
  feedback TRACK like|love|near-miss|not|none|skip@SECONDS|played
                      tell the model about a song (TRACK is its id or path): a mark, a skip
                      at SECONDS, or a play to the end
  explain TRACK       why the taste model scores a song as it does
  eval [--space NAME] [--pca 8,16,32,full] [--folds N] [--seeds N] [--alphas 0.1,0.5,1,3] [--horizon N] [--no-store]
                      test the taste model offline on your labelled songs and auto-queue history
  serve               run the browser host (see README)

Options for every command:
  --db FILE           the database (default: ${defaultDbPath()})
  --json              machine-readable output on stdout
  -h, --help          this help
`

const COMMON = {
  db: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options']

type CommonValues = { db?: string; json: boolean; help: boolean }

interface Context {
  io: Io
  json: boolean
  dbPath: string
  open(): Database
}

type Command = (ctx: Context, args: string[]) => Promise<number> | number

const commands: Record<string, Command> = {
  scan: scanCommand,
  roots: rootsCommand,
  tracks: tracksCommand,
  stats: statsCommand,
  export: exportCommand,
  import: importCommand,
  serve: serveCommand,
  analyze: analyzeCommand,
  'import-embeddings': importEmbeddingsCommand,
  'eval-embedding': evalEmbeddingCommand,
  'import-labels': importLabelsCommand,
  recommend: recommendCommand,
  feedback: feedbackCommand,
  explain: explainCommand,
  eval: evalCommand,
}

/** Runs the CLI; returns the exit code. Never throws for a user error. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(HELP)
    return name ? 0 : 2
  }
  const command = commands[name]
  if (!command) {
    io.stderr.write(`attune: unknown command '${name}'. Run 'attune --help' for the list.\n`)
    return 2
  }
  let db: Database | null = null
  try {
    const common = parseCommon(rest)
    const dbPath = resolve(common.db ?? defaultDbPath())
    const ctx: Context = {
      io,
      json: common.json,
      dbPath,
      open: () => {
        if (db) return db
        const notes: string[] = []
        db = openCliDatabase(name, dbPath, common.db === undefined, notes)
        for (const note of notes) io.stderr.write(`Note: ${note}\n`)
        return db
      },
    }
    return await command(ctx, rest)
  } catch (error) {
    io.stderr.write(`attune ${name}: ${cliErrorText(error)}\n`)
    return error instanceof CliError ? error.exitCode : 1
  } finally {
    ;(db as Database | null)?.close()
  }
}

/** Commands that may start a new database; the others need one that exists. */
const CREATING_COMMANDS = new Set(['scan', 'roots', 'import', 'serve'])

/**
 * Opens the database for a command. Only the default location's folder is created: a mistyped
 * --db path gets words instead of new folders, and a command that only reads needs a database that
 * exists.
 */
function openCliDatabase(
  command: string,
  dbPath: string,
  isDefault: boolean,
  notes: string[],
): Database {
  if (!existsSync(dbPath)) {
    if (!CREATING_COMMANDS.has(command)) {
      throw new CliError(
        `There is no database at ${dbPath}. Check the --db path, or start one with: attune scan DIR${isDefault ? '' : ` --db ${dbPath}`}`,
      )
    }
    if (!isDefault && !existsSync(dirname(dbPath))) {
      throw new CliError(
        `The folder ${dirname(dbPath)} does not exist. Give a --db path in a folder that exists.`,
      )
    }
  }
  return openDatabase(dbPath, { createFolder: isDefault, onReadOnly: (note) => notes.push(note) })
}

function parseCommon(args: string[]): CommonValues {
  const { values } = parseArgs({ args, options: COMMON, strict: false, allowPositionals: true })
  return {
    db: typeof values.db === 'string' ? values.db : undefined,
    json: values.json === true,
    help: values.help === true,
  }
}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({
      args,
      options: { ...COMMON, ...options },
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    throw new CliError(`${(error as Error).message}. Run 'attune --help' for usage.`, 2)
  }
}

async function scanCommand(ctx: Context, args: string[]): Promise<number> {
  const { positionals, values } = parse(args, { confirm: { type: 'boolean', default: false } })
  const db = ctx.open()
  const store = new TrackStore(db)
  const requested: string[] = []
  for (const dir of positionals) {
    const path = resolve(dir)
    if (!existsSync(path) || !statSync(path).isDirectory()) {
      throw new CliError(`'${dir}' is not a folder. Give the folder that holds your music.`)
    }
    requested.push(store.addRoot(path, { confirmHome: values.confirm === true }).path)
  }
  if (store.listRoots().length === 0) {
    const music = defaultMusicDir()
    if (!music) throw new CliError('No library folder yet. Run: attune scan /path/to/your/music')
    store.addRoot(music)
  }
  const roots = requested.length > 0 ? requested : store.listRoots().map((r) => r.path)
  // Another writer (the app, attune serve) holding the database would make every write of the scan
  // fail after waiting: say so at once, with what to do.
  try {
    db.prepare('BEGIN IMMEDIATE').run()
    db.prepare('ROLLBACK').run()
  } catch (error) {
    throw new CliError(cliErrorText(error))
  }
  const { scanLibrary } = await import('../library/scanner')
  const progress = new ProgressReporter(ctx.io, 'Scanning')
  const summary = await scanLibrary(db, {
    roots,
    coversDir: coversDirFor(ctx.dbPath),
    onProgress: (p) =>
      progress.update(
        p.done,
        p.phase === 'walking' ? null : p.seen,
        p.currentPath ?? '',
        p.etaSeconds,
      ),
  })
  progress.finish()
  // Files that failed because another writer held the database were not read at all: the scan did
  // not do its job, so it says what to do and exits non-zero instead of calling them unreadable.
  const busy = summary.failed.filter((f) => /database is (locked|busy)/i.test(f.error)).length
  if (busy > 0) {
    throw new CliError(`${busy} of ${summary.seen} files could not be saved. ${CLI_NEXT_STEP.busy}`)
  }
  const tracks = store.countTracks({})
  if (ctx.json) {
    writeJson(ctx.io, { ...summary, tracks })
  } else {
    const out = ctx.io.stdout
    out.write(
      `Scanned ${summary.seen} files in ${(summary.elapsedMs / 1000).toFixed(1)} s: ` +
        `${summary.added} new, ${summary.updated} changed, ${summary.unchanged} unchanged, ` +
        `${summary.moved} moved, ${summary.missing} missing, ${summary.failed.length} unreadable.\n`,
    )
    out.write(`The library now holds ${tracks} tracks.\n`)
    if (summary.failed.length > 0) {
      out.write('\nFiles that could not be read (they are skipped):\n')
      for (const f of summary.failed) out.write(`  ${f.path}\n    ${f.error}\n`)
    }
  }
  return 0
}

function rootsCommand(ctx: Context, args: string[]): number {
  const { positionals, values } = parse(args, { confirm: { type: 'boolean', default: false } })
  const [action, dir] = positionals
  const store = new TrackStore(ctx.open())
  if (action === 'add' || action === 'remove') {
    if (!dir) throw new CliError(`Say which folder: attune roots ${action} DIR`, 2)
    if (action === 'add') store.addRoot(resolve(dir), { confirmHome: values.confirm === true })
    else if (!store.removeRoot(resolve(dir))) {
      throw new CliError(
        `${resolve(dir)} is not one of the library's folders. List them with: attune roots`,
      )
    }
  } else if (action !== undefined) {
    throw new CliError(`Unknown action '${action}': use add or remove.`, 2)
  }
  const roots = store.listRoots()
  if (ctx.json) writeJson(ctx.io, roots)
  else
    ctx.io.stdout.write(
      roots.length ? roots.map((r) => r.path).join('\n') + '\n' : 'No library folders yet.\n',
    )
  return 0
}

function tracksCommand(ctx: Context, args: string[]): number {
  const { values } = parse(args, {
    search: { type: 'string' },
    limit: { type: 'string' },
    missing: { type: 'boolean', default: false },
  })
  const limit = values.limit === undefined ? undefined : Number(values.limit)
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new CliError('--limit takes a whole number.', 2)
  }
  const store = new TrackStore(ctx.open())
  const tracks = store.listTracks({
    ...(typeof values.search === 'string' ? { search: values.search } : {}),
    includeMissing: values.missing === true,
    ...(limit !== undefined ? { limit } : {}),
  })
  if (ctx.json) {
    writeJson(ctx.io, tracks)
    return 0
  }
  if (tracks.length === 0) {
    ctx.io.stdout.write(
      values.search
        ? 'No track matches that search.\n'
        : 'The library is empty. Run: attune scan DIR\n',
    )
    return 0
  }
  ctx.io.stdout.write(
    formatTable(
      ['id', 'title', 'artist', 'album', 'length', 'format', 'note'],
      tracks.map((t) => [
        t.id,
        t.title ?? fileName(t.path),
        t.artist,
        t.album,
        t.duration === null ? null : formatDuration(t.duration),
        t.format,
        t.error ?? (t.missingSince ? 'missing' : null),
      ]),
    ) + '\n',
  )
  return 0
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path
}

function statsCommand(ctx: Context, args: string[]): number {
  parse(args, {})
  const db = ctx.open()
  const stats = new TrackStore(db).stats()
  const events = db
    .prepare(`SELECT kind, COUNT(*) AS n FROM events GROUP BY kind ORDER BY kind`)
    .all() as {
    kind: string
    n: number
  }[]
  const result = {
    database: ctx.dbPath,
    ...stats,
    events: Object.fromEntries(events.map((e) => [e.kind, e.n])),
  }
  if (ctx.json) writeJson(ctx.io, result)
  else {
    const lines = Object.entries(result).map(
      ([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
    )
    ctx.io.stdout.write(lines.join('\n') + '\n')
  }
  return 0
}

async function exportCommand(ctx: Context, args: string[]): Promise<number> {
  const { positionals } = parse(args, {})
  const db = ctx.open()
  const file = positionals[0]
  if (!file) {
    const { exportEvents } = await import('../events/jsonl')
    await exportEvents(db, ctx.io.stdout)
    return 0
  }
  const { exportEventsToFile } = await import('../events/backup-file')
  const { events } = await exportEventsToFile(db, resolve(file))
  if (ctx.json) writeJson(ctx.io, { file: resolve(file), events })
  else ctx.io.stdout.write(`Wrote ${events} events to ${resolve(file)}.\n`)
  return 0
}

async function importCommand(ctx: Context, args: string[]): Promise<number> {
  const { positionals } = parse(args, {})
  const file = positionals[0]
  if (!file) throw new CliError('Say which file to import: attune import FILE.jsonl', 2)
  const { importEventsFromFile } = await import('../events/backup-file')
  const result = await importEventsFromFile(ctx.open(), resolve(file))
  if (ctx.json) writeJson(ctx.io, result)
  else
    ctx.io.stdout.write(
      `Imported ${result.imported} events (${result.duplicates} were already there; ` +
        `${result.createdTracks} tracks not yet scanned were remembered by path).\n`,
    )
  return 0
}

async function serveCommand(ctx: Context, args: string[]): Promise<number> {
  const { values } = parse(args, {
    library: { type: 'string', multiple: true },
    port: { type: 'string' },
    host: { type: 'string' },
    'static-dir': { type: 'string' },
    seed: { type: 'string' },
  })
  // The auto-queue's draws from a fixed seed repeat from run to run (tests, demos).
  const seed = wholeNumber(values.seed, '--seed', 0)
  const port = values.port === undefined ? 0 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError('--port takes a port number.', 2)
  const staticDir = resolve(
    typeof values['static-dir'] === 'string'
      ? values['static-dir']
      : join(BUILD_DIR, '../renderer'),
  )
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new CliError(`The app is not built (no ${staticDir}/index.html). Run: npm run build`)
  }
  const [{ Engine }, { startHost }] = await Promise.all([
    import('../engine'),
    import('../http/server'),
  ])
  const engine = new Engine({
    dbPath: ctx.dbPath,
    watch: true,
    backgroundAnalysis: true,
    ...(seed === undefined ? {} : { autoQueueSeed: seed }),
    log: (level, message) => {
      if (level !== 'info') ctx.io.stderr.write(`${message}\n`)
    },
  })
  const libraries = (values.library ?? []).map((d) => resolve(d))
  for (const dir of libraries) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      // An unplugged drive must not keep the app from starting: its songs show as offline.
      ctx.io.stderr.write(
        `The folder ${dir} is not there now (an unplugged drive?). Attune starts without it; its songs are shown as missing until it is back.\n`,
      )
      continue
    }
    try {
      await engine.handlers.addRoot({ path: dir })
    } catch (error) {
      await engine.close()
      throw new CliError((error as Error).message)
    }
  }
  const host = await startHost({
    engine,
    staticDir,
    port,
    ...(typeof values.host === 'string' ? { host: values.host } : {}),
    log: (line) => ctx.io.stderr.write(line + '\n'),
  })
  if (ctx.json) writeJson(ctx.io, { url: host.url, token: host.token, database: ctx.dbPath })
  else
    ctx.io.stdout.write(
      `Attune is ready. Open this link in your browser:\n\n  ${host.url}\n\nPress Ctrl+C to stop.\n`,
    )
  if (libraries.length > 0) engine.scan().catch(() => undefined)
  await new Promise<void>((done) => {
    const stop = () => done()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await host.close()
  await engine.close()
  return 0
}

function wholeNumber(value: unknown, flag: string, min = 1): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`${flag} takes a whole number of at least ${min}.`, 2)
  return n
}

async function analyzeCommand(ctx: Context, args: string[]): Promise<number> {
  const { values } = parse(args, { workers: { type: 'string' }, space: { type: 'string' } })
  const [{ EXTRACTOR }, { analyseLibrary, defaultWorkerCount }] = await Promise.all([
    import('../analysis/feature-names'),
    import('../analysis/pool'),
  ])
  if (typeof values.space === 'string' && values.space !== EXTRACTOR.space) {
    throw new CliError(
      `Attune computes only its built-in space ${EXTRACTOR.space}. Bring other vectors with: attune import-embeddings FILE --space NAME`,
      2,
    )
  }
  const workers = wholeNumber(values.workers, '--workers') ?? defaultWorkerCount()
  const progress = new ProgressReporter(ctx.io, 'Analysing')
  const summary = await analyseLibrary(ctx.open(), {
    workers,
    onProgress: (p) => progress.update(p.done, p.total, p.currentPath ?? '', p.etaSeconds),
    log: (level, message) => {
      if (level === 'error') ctx.io.stderr.write(message + '\n')
    },
  })
  progress.finish()
  if (ctx.json) writeJson(ctx.io, { ...summary, workers })
  else {
    ctx.io.stdout.write(
      summary.total === 0
        ? 'Every track is already analysed.\n'
        : `Analysed ${summary.analysed} of ${summary.total} tracks with ${workers} worker(s) in ${(summary.elapsedMs / 1000).toFixed(1)} s` +
            ` (${(summary.audioSeconds / Math.max(0.001, summary.elapsedMs / 1000)).toFixed(0)}× real time).\n`,
    )
    for (const f of summary.failed)
      ctx.io.stdout.write(`  could not analyse ${f.path}\n    ${f.error}\n`)
  }
  return 0
}

async function importEmbeddingsCommand(ctx: Context, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    space: { type: 'string' },
    paths: { type: 'string' },
    format: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  })
  const file = positionals[0]
  if (!file) throw new CliError('Say which file: attune import-embeddings FILE --space NAME', 2)
  if (typeof values.space !== 'string')
    throw new CliError('Name the space: --space NAME (e.g. --space clap)', 2)
  const format = values.format
  if (format !== undefined && format !== 'csv' && format !== 'jsonl' && format !== 'npy') {
    throw new CliError('--format is csv, jsonl or npy.', 2)
  }
  const { importEmbeddings, EmbeddingImportError } = await import('../analysis/import-embeddings')
  try {
    const report = await importEmbeddings(ctx.open(), {
      file: resolve(file),
      space: values.space,
      ...(typeof values.paths === 'string' ? { pathsFile: resolve(values.paths) } : {}),
      ...(format ? { format } : {}),
      dryRun: values['dry-run'] === true,
    })
    if (ctx.json) writeJson(ctx.io, report)
    else {
      ctx.io.stdout.write(
        `Imported ${report.imported} vectors of ${report.dim} numbers into ${report.space}` +
          (report.unmatchedCount
            ? `; ${report.unmatchedCount} rows named no track in the library`
            : '') +
          '.\n',
      )
      for (const u of report.unmatched.slice(0, 20))
        ctx.io.stdout.write(`  line ${u.line}: ${u.key}\n`)
    }
    return 0
  } catch (error) {
    if (error instanceof EmbeddingImportError)
      throw new CliError(`${error.message} Nothing was imported.`)
    throw error
  }
}

async function evalEmbeddingCommand(ctx: Context, args: string[]): Promise<number> {
  const { values } = parse(args, {
    space: { type: 'string' },
    labels: { type: 'string' },
    folds: { type: 'string' },
    seed: { type: 'string' },
    repeats: { type: 'string' },
  })
  const [
    { EXTRACTOR },
    { EmbeddingStore },
    { defaultAblationFor, evaluateEmbedding, formatQualityReport },
  ] = await Promise.all([
    import('../analysis/feature-names'),
    import('../db/embeddings'),
    import('../analysis/embedding-quality'),
  ])
  const db = ctx.open()
  const space = typeof values.space === 'string' ? values.space : EXTRACTOR.space
  const known = new EmbeddingStore(db).spaces().find((s) => s.space === space)
  if (!known || known.vectors === 0) {
    throw space === EXTRACTOR.space
      ? new UserError('No song is analysed yet.', 'not-analysed')
      : new UserError(`There are no vectors in space '${space}'.`, 'no-vectors')
  }
  const report = evaluateEmbedding(db, {
    space,
    ...(typeof values.labels === 'string' ? { labelsFile: resolve(values.labels) } : {}),
    folds: wholeNumber(values.folds, '--folds', 2) ?? 5,
    seed: wholeNumber(values.seed, '--seed', 0) ?? 1,
    repeats: wholeNumber(values.repeats, '--repeats') ?? 10,
    ablate: defaultAblationFor(space, known.dim),
  })
  if (ctx.json) writeJson(ctx.io, report)
  else ctx.io.stdout.write(formatQualityReport(report) + '\n')
  return 0
}

async function importLabelsCommand(ctx: Context, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    as: { type: 'string' },
    'others-not': { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
  })
  const file = positionals[0]
  if (!file)
    throw new CliError('Say which file: attune import-labels FILE --as like|love|near-miss|not', 2)
  const [{ parseMark }, { importLabels }] = await Promise.all([
    import('../taste/label-files'),
    import('../taste/label-import'),
  ])
  const mark = typeof values.as === 'string' ? parseMark(values.as) : undefined
  if (mark === null) throw new CliError('--as is like, love, near-miss or not.', 2)
  const result = await importLabels(ctx.open(), {
    file,
    ...(mark ? { as: mark } : {}),
    othersInAlbumsNot: values['others-not'] === true,
    dryRun: values['dry-run'] === true,
  })
  if (ctx.json) writeJson(ctx.io, result)
  else {
    const counts = Object.entries(result.byMark).map(([m, n]) => `${n} ${m.replace(/_/g, ' ')}`)
    ctx.io.stdout.write(
      `${values['dry-run'] ? 'Would label' : 'Labelled'} ${result.labelled} tracks (${counts.join(', ') || 'none'}).\n`,
    )
    if (result.ignored > 0)
      ctx.io.stdout.write(`${result.ignored} entries name no song file and were skipped.\n`)
    if (result.unmatchedCount > 0) {
      ctx.io.stdout.write(`${result.unmatchedCount} entries name no track in the library:\n`)
      for (const u of result.unmatched.slice(0, 20))
        ctx.io.stdout.write(`  line ${u.line}: ${u.path}\n`)
    }
  }
  return 0
}

/** The track named by an id or a path (absolute, or relative to the current folder). */
function findTrack(store: TrackStore, text: string | undefined, usage: string): Track {
  if (!text) throw new CliError(`Say which track: ${usage}`, 2)
  const track = /^\d+$/.test(text)
    ? store.getTrack(Number(text))
    : (store.getTrackByPath(resolve(text)) ?? store.getTrackByPath(text))
  if (!track) {
    throw new CliError(
      `There is no track '${text}' in the library. Find its id with: attune tracks --search WORDS`,
    )
  }
  return track
}

function trackName(track: Track): string {
  const title = track.title ?? fileName(track.path)
  return track.artist ? `${title} (${track.artist})` : title
}

/** Starts the taste worker on this database; "nothing analysed" becomes a plain-words CliError. */
async function withTaste<T>(ctx: Context, use: (taste: TasteService) => Promise<T>): Promise<T> {
  const db = ctx.open()
  const { TasteService } = await import('../taste/service')
  let taste: TasteService
  try {
    taste = await TasteService.start({
      db,
      dbPath: ctx.dbPath,
      log: (level, message) => {
        if (level !== 'info') ctx.io.stderr.write(message + '\n')
      },
    })
  } catch (error) {
    throw new CliError(cliErrorText(error))
  }
  try {
    const result = await use(taste)
    await taste.saveSnapshot()
    return result
  } finally {
    await taste.close()
  }
}

const score = (value: number): string => value.toFixed(3)

async function recommendCommand(ctx: Context, args: string[]): Promise<number> {
  const { values } = parse(args, { n: { type: 'string' } })
  const n = wholeNumber(values.n, '--n') ?? 10
  const picks: Recommendation[] = await withTaste(ctx, (taste) => taste.recommend({ n }))
  const store = new TrackStore(ctx.open())
  const rows = picks.map((pick) => ({ ...pick, track: store.getTrack(pick.trackId) }))
  if (ctx.json) {
    writeJson(
      ctx.io,
      // The listener-words reason under `why` (its numbers under `why.details`).
      rows.map(({ track, meanAtRank: _internal, ...pick }) => ({
        ...pick,
        title: track?.title ?? null,
        artist: track?.artist ?? null,
        album: track?.album ?? null,
        path: track?.path ?? null,
      })),
    )
    return 0
  }
  if (rows.length === 0) {
    ctx.io.stdout.write(
      'Nothing to recommend right now: every analysed song was played lately, is queued or is marked not for me.\n',
    )
    return 0
  }
  ctx.io.stdout.write(
    formatTable(
      ['id', 'title', 'artist', 'score', 'bonus', 'ucb', 'why'],
      rows.map((r) => [
        r.trackId,
        r.track ? (r.track.title ?? fileName(r.track.path)) : null,
        r.track?.artist ?? null,
        score(r.mean),
        score(r.bonus),
        score(r.ucb),
        r.why.line,
      ]),
    ) + '\n',
  )
  return 0
}

const FEEDBACK_USAGE = 'attune feedback TRACK like|love|near-miss|not|none|skip@SECONDS|played'

async function feedbackCommand(ctx: Context, args: string[]): Promise<number> {
  const { positionals } = parse(args, {})
  const [trackText, action] = positionals
  const db = ctx.open()
  const track = findTrack(new TrackStore(db), trackText, FEEDBACK_USAGE)
  if (!action) throw new CliError(`Say what you thought of it: ${FEEDBACK_USAGE}`, 2)
  const [{ EventLog }, { parseMark }] = await Promise.all([
    import('../db/events'),
    import('../taste/label-files'),
  ])
  const events = new EventLog(db)
  const name = trackName(track)
  let logged: number[]
  let playId: string | null = null
  let message: string
  const skip = /^skip@(\d+(?:\.\d+)?)$/.exec(action)
  if (skip) {
    const position = Number(skip[1])
    if (track.duration !== null && position > track.duration) {
      throw new CliError(
        `${name} lasts ${formatDuration(track.duration)}; a skip at ${position} s is past its end.`,
        2,
      )
    }
    // The start and the end land together or not at all: a crash between two autocommits left a
    // play that never ended.
    const end = db.transaction(() =>
      events.playEnd(track.id, events.playStart(track.id, { source: 'cli' }), {
        position,
        duration: track.duration,
        reason: 'next',
      }),
    )()
    logged = [end.id]
    playId = end.playId
    message = `Logged a skip of ${name} at ${formatDuration(position)}.`
  } else if (action === 'played') {
    const end = db.transaction(() =>
      events.playEnd(track.id, events.playStart(track.id, { source: 'cli' }), {
        position: track.duration ?? 0,
        duration: track.duration,
        reason: 'ended',
      }),
    )()
    logged = [end.id]
    playId = end.playId
    message = `Logged a play of ${name} to the end.`
  } else {
    const mark: MarkOrNone | null =
      action === 'none' || action === 'unmark' ? 'none' : parseMark(action)
    if (mark === null) throw new CliError(`Unknown feedback '${action}'. Use: ${FEEDBACK_USAGE}`, 2)
    logged = [events.mark(track.id, mark, 'cli').id]
    message =
      mark === 'none'
        ? `Removed the mark of ${name}.`
        : `Marked ${name} as ${mark.replace(/_/g, ' ')}.`
  }
  if (ctx.json) writeJson(ctx.io, { trackId: track.id, action, playId, eventIds: logged })
  else ctx.io.stdout.write(message + '\n')
  return 0
}

async function explainCommand(ctx: Context, args: string[]): Promise<number> {
  const { positionals } = parse(args, {})
  const track = findTrack(new TrackStore(ctx.open()), positionals[0], 'attune explain TRACK')
  const explanation: Explanation | null = await withTaste(ctx, (taste) => taste.explain(track.id))
  if (!explanation) {
    throw new CliError(
      `${trackName(track)} has no audio vector in the model's space yet. Run: attune analyze`,
    )
  }
  if (ctx.json) {
    writeJson(ctx.io, {
      ...explanation,
      title: track.title,
      artist: track.artist,
      path: track.path,
    })
    return 0
  }
  const out = ctx.io.stdout
  out.write(`${trackName(track)}\n`)
  out.write(`  ${explanation.why.line}\n`)
  out.write(`  details:\n`)
  out.write(
    `  score (mean) ${score(explanation.mean)}, bonus ${score(explanation.bonus)}, ucb ${score(explanation.ucb)}\n`,
  )
  const label = explanation.label
  out.write(
    `  label: ${label ? `${label.mark.replace(/_/g, ' ')} (${label.origin === 'mark' ? 'your mark' : 'imported'})` : 'none'}\n`,
  )
  for (const row of explanation.rows) {
    out.write(
      `  counts as: ${row.kind === 'label' ? 'its label' : 'a listen'}, reward ${row.reward >= 0 ? '+' : ''}${row.reward} at weight ${row.weight}\n`,
    )
  }
  if (explanation.coldStart) {
    out.write('  Nothing learned yet: mark or play a few songs first.\n')
    return 0
  }
  out.write(
    `  baseline ${score(explanation.baseline)} (what the model expects of an average song); what moved it most:\n`,
  )
  for (const feature of explanation.features) {
    out.write(
      `  ${feature.effect === 'raised' ? 'raised by' : 'lowered by'}: ${feature.phrase} (${feature.contribution >= 0 ? '+' : ''}${feature.contribution.toFixed(3)})\n`,
    )
  }
  return 0
}

function numberList(
  value: unknown,
  flag: string,
  valid: (n: number) => boolean,
): number[] | undefined {
  if (typeof value !== 'string') return undefined
  const numbers = value.split(',').map((part) => Number(part.trim()))
  if (numbers.length === 0 || !numbers.every((n) => Number.isFinite(n) && valid(n))) {
    throw new CliError(`${flag} takes numbers separated by commas, e.g. ${flag} 0.1,1,3.`, 2)
  }
  return numbers
}

async function evalCommand(ctx: Context, args: string[]): Promise<number> {
  const { values } = parse(args, {
    space: { type: 'string', multiple: true },
    pca: { type: 'string' },
    folds: { type: 'string' },
    seeds: { type: 'string' },
    alphas: { type: 'string' },
    lambdas: { type: 'string' },
    horizon: { type: 'string' },
    'no-store': { type: 'boolean', default: false },
  })
  let pcaSizes: PcaSize[] | undefined
  if (typeof values.pca === 'string') {
    pcaSizes = values.pca.split(',').map((part) => {
      const text = part.trim()
      const size = Number(text)
      if (text === 'full') return 'full'
      if (!Number.isInteger(size) || size < 1) {
        throw new CliError(
          "--pca takes whole numbers or 'full' separated by commas, e.g. --pca 8,32,full.",
          2,
        )
      }
      return size
    })
  }
  const [{ EmbeddingStore }, { evaluateOffline, formatOfflineEvaluation }] = await Promise.all([
    import('../db/embeddings'),
    import('../insights/offline-eval'),
  ])
  const db = ctx.open()
  const known = new EmbeddingStore(db).spaces().filter((s) => s.vectors > 0)
  const spaces = Array.isArray(values.space) ? values.space : undefined
  for (const space of spaces ?? []) {
    if (!known.some((s) => s.space === space)) {
      throw new CliError(
        `There are no vectors in space '${space}'. Spaces with vectors: ${known.map((s) => s.space).join(', ') || 'none (run: attune analyze)'}.`,
      )
    }
  }
  const summary = evaluateOffline(db, {
    ...(spaces ? { spaces } : {}),
    ...(pcaSizes ? { pcaSizes } : {}),
    folds: wholeNumber(values.folds, '--folds', 2) ?? 5,
    seeds: wholeNumber(values.seeds, '--seeds') ?? 5,
    alphas: numberList(values.alphas, '--alphas', (n) => n >= 0) ?? [0.1, 0.5, 1, 3],
    lambdas: numberList(values.lambdas, '--lambdas', (n) => n > 0) ?? [1],
    store: values['no-store'] !== true,
    ...(values.horizon === undefined ? {} : { horizon: wholeNumber(values.horizon, '--horizon') }),
  })
  if (ctx.json) writeJson(ctx.io, summary)
  else ctx.io.stdout.write(formatOfflineEvaluation(summary, formatTable) + '\n')
  return 0
}
