// The command line. Each command loads the modules it needs when it runs: zod (the contract),
// ml-matrix, music-metadata and the audio decoders cost more to load than better-sqlite3 itself, and
// `attune stats` should start in about the time Node takes to load better-sqlite3 (bench/startup.ts).
// This file only dispatches: each command is its own module in commands/, loaded when it runs, and
// drives the Engine (the one composition root) through its contract calls.
import { defaultDbPath } from '../engine-defaults'
import { CliError, cliErrorText, processIo, type Io } from './output'
import { createContext, type Command } from './context'

const help = (
  defaultDb: string,
): string => `attune: a music player that learns your taste (command line)

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
  path A B [--steps 8]
                      songs that lead from A to B through the taste model's space (A and B:
                      ids or paths)
  playlists           the playlists (the live "Top 50 for me now" first) with their sizes
  playlist show NAME  the songs of a playlist, missing ones marked
  playlist export NAME FILE
                      write a playlist as M3U8 (paths relative to FILE)
  playlist import FILE [--name NAME]
                      read an M3U/M3U8 playlist; songs not in the library are kept as missing
  radio SEED [--closeness 0-1] [--n 10] | radio --stop
                      start a radio from a song (id or path), artist:NAME, album:NAME or
                      folder:PATH: the auto-queue favours songs close to it; --stop ends it
  eval [--space NAME] [--pca 8,16,32,full] [--folds N] [--seeds N] [--alphas 0.1,0.5,1,3] [--horizon N] [--no-store]
                      test the taste model offline on your labelled songs and auto-queue history
  serve               run the browser host (see README)

Options for every command:
  --db FILE           the database (default: ${defaultDb})
  --json              machine-readable output on stdout
  -h, --help          this help
`

const commands: Record<string, () => Promise<{ run: Command }>> = {
  scan: () => import('./commands/scan'),
  roots: () => import('./commands/roots'),
  tracks: () => import('./commands/tracks'),
  stats: () => import('./commands/stats'),
  export: () => import('./commands/export'),
  import: () => import('./commands/import'),
  serve: () => import('./commands/serve'),
  analyze: () => import('./commands/analyze'),
  'import-embeddings': () => import('./commands/import-embeddings'),
  'eval-embedding': () => import('./commands/eval-embedding'),
  'import-labels': () => import('./commands/import-labels'),
  recommend: () => import('./commands/recommend'),
  feedback: () => import('./commands/feedback'),
  explain: () => import('./commands/explain'),
  path: () => import('./commands/path'),
  playlists: () => import('./commands/playlists'),
  playlist: () => import('./commands/playlist'),
  radio: () => import('./commands/radio'),
  eval: () => import('./commands/eval'),
}

/** Runs the CLI; returns the exit code. Never throws for a user error. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help(defaultDbPath()))
    return name ? 0 : 2
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined
  if (!load) {
    io.stderr.write(`attune: unknown command '${name}'. Run 'attune --help' for the list.\n`)
    return 2
  }
  let close = (): Promise<void> => Promise.resolve()
  try {
    const context = createContext(name, rest, io)
    close = () => context.close()
    const { run } = await load()
    const code = await run(context.ctx, rest)
    await close()
    return code
  } catch (error) {
    await close().catch(() => undefined)
    io.stderr.write(`attune ${name}: ${cliErrorText(error)}\n`)
    return error instanceof CliError ? error.exitCode : 1
  }
}
