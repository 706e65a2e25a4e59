// What every command gets: the output, the --json flag and the database, opened on first use with
// the command line's rules (only the default location is created; commands that only read need one).
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { openDatabase, type Database } from '../db/database'
import { defaultDbPath } from '../paths'
import { CliError, type Io } from './output'

export const COMMON = {
  db: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options']

export type CommonValues = { db?: string; json: boolean; help: boolean }

export interface Context {
  io: Io
  json: boolean
  dbPath: string
  open(): Database
}

export type Command = (ctx: Context, args: string[]) => Promise<number> | number

/** Commands that may start a new database; the others need one that exists. */
export const CREATING_COMMANDS = new Set(['scan', 'roots', 'import', 'serve'])

/**
 * Opens the database for a command. Only the default location's folder is created: a mistyped
 * --db path gets words instead of new folders, and a command that only reads needs a database that
 * exists.
 */
export function openCliDatabase(
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

export function parseCommon(args: string[]): CommonValues {
  const { values } = parseArgs({ args, options: COMMON, strict: false, allowPositionals: true })
  return {
    db: typeof values.db === 'string' ? values.db : undefined,
    json: values.json === true,
    help: values.help === true,
  }
}

/** The command's context, and the closing of its database once the command is done. */
export function createContext(
  name: string,
  args: string[],
  io: Io,
): { ctx: Context; close(): void } {
  let db: Database | null = null
  const common = parseCommon(args)
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
  return { ctx, close: () => db?.close() }
}
