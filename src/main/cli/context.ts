// What every command gets: the output, the --json flag, and the Engine over its database, built on
// first use with the command line's rules (only the default location is created; commands that only
// read need a database that exists). Commands drive the engine through its contract calls
// (`engine.handlers`), the same calls the app makes.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Engine } from '../engine'
import { defaultDbPath } from '../engine-defaults'
import { CliError, type Io } from './output'

export const COMMON = {
  db: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options']

export type CommonValues = { db?: string; json: boolean; help: boolean }

export interface EngineUse {
  /** Print the engine's warnings on stderr (default true; errors are always printed). */
  warnings?: boolean
}

export interface Context {
  io: Io
  json: boolean
  dbPath: string
  /**
   * The Engine over this command's database, built on first use (it starts no worker until a call
   * needs one) and closed, saving the model, when the command ends.
   */
  engine(use?: EngineUse): Promise<Engine>
}

export type Command = (ctx: Context, args: string[]) => Promise<number> | number

/** Commands that may start a new database; the others need one that exists. */
export const CREATING_COMMANDS = new Set(['scan', 'roots', 'import', 'serve'])

/**
 * The command line's rules for the database, before the engine opens it. Only the default
 * location's folder is created: a mistyped --db path gets words instead of new folders, and a
 * command that only reads needs a database that exists.
 */
export function checkCliDatabase(command: string, dbPath: string, isDefault: boolean): void {
  if (existsSync(dbPath)) return
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

export function parseCommon(args: string[]): CommonValues {
  const { values } = parseArgs({ args, options: COMMON, strict: false, allowPositionals: true })
  return {
    db: typeof values.db === 'string' ? values.db : undefined,
    json: values.json === true,
    help: values.help === true,
  }
}

/** The command's context, and the closing of its engine once the command is done. */
export function createContext(
  name: string,
  args: string[],
  io: Io,
): { ctx: Context; close(): Promise<void> } {
  const common = parseCommon(args)
  const isDefault = common.db === undefined
  const dbPath = resolve(common.db ?? defaultDbPath())
  let engine: Promise<Engine> | null = null
  const ctx: Context = {
    io,
    json: common.json,
    dbPath,
    engine: ({ warnings = true } = {}) => {
      engine ??= (async () => {
        checkCliDatabase(name, dbPath, isDefault)
        const { Engine } = await import('../engine')
        return new Engine({
          dbPath,
          createFolder: isDefault,
          learnAsEventsArrive: false,
          onReadOnly: (note) => io.stderr.write(`Note: ${note}\n`),
          log: (level, message) => {
            if (level === 'error' || (level === 'warn' && warnings)) io.stderr.write(message + '\n')
          },
        })
      })()
      return engine
    },
  }
  return {
    ctx,
    close: async () => {
      const opened = await engine?.catch(() => null)
      await opened?.close()
    },
  }
}
