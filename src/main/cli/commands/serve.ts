import { existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { CliError, writeJson } from '../output'
import type { Context } from '../context'
import { parse, wholeNumber } from '../args'

export async function run(ctx: Context, args: string[]): Promise<number> {
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
  const [{ Engine, BUILD_DIR }, { startHost }] = await Promise.all([
    import('../../engine'),
    import('../../http/server'),
  ])
  const staticDir = resolve(
    typeof values['static-dir'] === 'string'
      ? values['static-dir']
      : join(BUILD_DIR, '../renderer'),
  )
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new CliError(`The app is not built (no ${staticDir}/index.html). Run: npm run build`)
  }
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
