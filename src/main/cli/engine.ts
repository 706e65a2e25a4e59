// The command line drives the same Engine as the app and the browser host, through the same
// contract calls (Engine.handlers): built on the command's database with no watcher and no
// background work, so a command starts only what its calls need (the taste worker on first use).
import type { Engine } from '../engine'
import type { Context } from './context'

/** Runs `use` on an Engine over this command's database, then closes it (saving the model). */
export async function withEngine<T>(
  ctx: Context,
  use: (engine: Engine) => T | Promise<T>,
): Promise<T> {
  ctx.open() // the command line's rules first: a database that exists, or words saying so
  const { Engine } = await import('../engine')
  const engine = new Engine({
    dbPath: ctx.dbPath,
    log: (level, message) => {
      if (level !== 'info') ctx.io.stderr.write(message + '\n')
    },
  })
  try {
    return await use(engine)
  } finally {
    await engine.close()
  }
}
