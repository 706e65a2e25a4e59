import { parseArgs, type ParseArgsConfig } from 'node:util'
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { openDatabase, type Database } from '../db/database'
import { coversDirFor, defaultDbPath, defaultMusicDir } from '../paths'
import { CliError, formatDuration, formatTable, ProgressReporter, processIo, writeJson, type Io } from './output'
import { scanLibrary, TrackStore } from '../library'
import { exportEvents, importEvents } from '../events'
import { Engine } from '../engine'
import { startHost } from '../http/server'
import { fileURLToPath } from 'node:url'

const HELP = `attune: a music player that learns your taste (command line)

Usage: attune <command> [options]

Commands:
  scan [DIR…]         add folders to the library (default: the library's folders, or ~/Music) and scan them
  roots [add|remove DIR]  list, add or remove library folders
  tracks [--search TEXT] [--limit N] [--missing]   list tracks with their tags
  stats               counts of tracks, formats, errors and labels
  export [FILE]       write the whole listening log as JSONL (to stdout without FILE)
  import FILE         read a listening log written by export (idempotent)
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

type Command = (ctx: Context, args: string[]) => Promise<number>

const commands: Record<string, Command> = {
  scan: scanCommand,
  roots: rootsCommand,
  tracks: tracksCommand,
  stats: statsCommand,
  export: exportCommand,
  import: importCommand,
  serve: serveCommand,
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
      open: () => (db ??= openDatabase(dbPath)),
    }
    return await command(ctx, rest)
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`attune ${name}: ${error.message}\n`)
      return error.exitCode
    }
    const message = error instanceof Error ? error.message : String(error)
    io.stderr.write(`attune ${name}: ${message}\n`)
    return 1
  } finally {
    ;(db as Database | null)?.close()
  }
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
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true })
  } catch (error) {
    throw new CliError(`${(error as Error).message}. Run 'attune --help' for usage.`, 2)
  }
}

async function scanCommand(ctx: Context, args: string[]): Promise<number> {
  const { positionals } = parse(args, {})
  const db = ctx.open()
  const store = new TrackStore(db)
  const requested: string[] = []
  for (const dir of positionals) {
    const path = resolve(dir)
    if (!existsSync(path) || !statSync(path).isDirectory()) {
      throw new CliError(`'${dir}' is not a folder. Give the folder that holds your music.`)
    }
    requested.push(store.addRoot(path).path)
  }
  if (store.listRoots().length === 0) {
    const music = defaultMusicDir()
    if (!music) throw new CliError('No library folder yet. Run: attune scan /path/to/your/music')
    store.addRoot(music)
  }
  const roots = requested.length > 0 ? requested : store.listRoots().map((r) => r.path)
  const progress = new ProgressReporter(ctx.io, 'Scanning')
  const summary = await scanLibrary(db, {
    roots,
    coversDir: coversDirFor(ctx.dbPath),
    onProgress: (p) =>
      progress.update(p.done, p.phase === 'walking' ? null : p.seen, p.currentPath ?? '', p.etaSeconds),
  })
  progress.finish()
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

async function rootsCommand(ctx: Context, args: string[]): Promise<number> {
  const { positionals } = parse(args, {})
  const [action, dir] = positionals
  const store = new TrackStore(ctx.open())
  if (action === 'add' || action === 'remove') {
    if (!dir) throw new CliError(`Say which folder: attune roots ${action} DIR`, 2)
    if (action === 'add') store.addRoot(resolve(dir))
    else store.removeRoot(resolve(dir))
  } else if (action !== undefined) {
    throw new CliError(`Unknown action '${action}': use add or remove.`, 2)
  }
  const roots = store.listRoots()
  if (ctx.json) writeJson(ctx.io, roots)
  else ctx.io.stdout.write(roots.length ? roots.map((r) => r.path).join('\n') + '\n' : 'No library folders yet.\n')
  return 0
}

async function tracksCommand(ctx: Context, args: string[]): Promise<number> {
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
    ctx.io.stdout.write(values.search ? 'No track matches that search.\n' : 'The library is empty. Run: attune scan DIR\n')
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

async function statsCommand(ctx: Context, args: string[]): Promise<number> {
  parse(args, {})
  const db = ctx.open()
  const stats = new TrackStore(db).stats()
  const events = db.prepare(`SELECT kind, COUNT(*) AS n FROM events GROUP BY kind ORDER BY kind`).all() as {
    kind: string
    n: number
  }[]
  const result = { database: ctx.dbPath, ...stats, events: Object.fromEntries(events.map((e) => [e.kind, e.n])) }
  if (ctx.json) writeJson(ctx.io, result)
  else {
    const lines = Object.entries(result).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    ctx.io.stdout.write(lines.join('\n') + '\n')
  }
  return 0
}

async function exportCommand(ctx: Context, args: string[]): Promise<number> {
  const { positionals } = parse(args, {})
  const db = ctx.open()
  const file = positionals[0]
  const out = file ? createWriteStream(resolve(file)) : ctx.io.stdout
  const count = await exportEvents(db, out)
  if (file) {
    await new Promise<void>((res, rej) => (out as ReturnType<typeof createWriteStream>).end((e?: Error | null) => (e ? rej(e) : res())))
    if (ctx.json) writeJson(ctx.io, { file: resolve(file), events: count })
    else ctx.io.stdout.write(`Wrote ${count} events to ${resolve(file)}.\n`)
  }
  return 0
}

async function importCommand(ctx: Context, args: string[]): Promise<number> {
  const { positionals } = parse(args, {})
  const file = positionals[0]
  if (!file) throw new CliError('Say which file to import: attune import FILE.jsonl', 2)
  if (!existsSync(file)) throw new CliError(`There is no file '${file}'.`)
  const result = await importEvents(ctx.open(), createReadStream(resolve(file)))
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
  })
  const port = values.port === undefined ? 0 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('--port takes a port number.', 2)
  const staticDir = resolve(
    typeof values['static-dir'] === 'string'
      ? values['static-dir']
      : fileURLToPath(new URL('../../../out/renderer', import.meta.url)),
  )
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new CliError(`The app is not built (no ${staticDir}/index.html). Run: npm run build`)
  }
  const engine = new Engine({ dbPath: ctx.dbPath, watch: true })
  const libraries = (values.library ?? []).map((d) => resolve(d))
  for (const dir of libraries) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      await engine.close()
      throw new CliError(`'${dir}' is not a folder. Give the folder that holds your music.`)
    }
    engine.handlers.addRoot({ path: dir })
  }
  const host = await startHost({
    engine,
    staticDir,
    port,
    ...(typeof values.host === 'string' ? { host: values.host } : {}),
    log: (line) => ctx.io.stderr.write(line + '\n'),
  })
  if (ctx.json) writeJson(ctx.io, { url: host.url, token: host.token, database: ctx.dbPath })
  else ctx.io.stdout.write(`Attune is ready. Open this link in your browser:\n\n  ${host.url}\n\nPress Ctrl+C to stop.\n`)
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
