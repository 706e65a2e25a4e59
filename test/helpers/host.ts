import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Engine } from '../../src/main/engine'
import { startHost, type RunningHost } from '../../src/main/http/server'
import { tempDir } from './temp'

export interface TestHost {
  engine: Engine
  host: RunningHost
  /** The host's origin, e.g. http://127.0.0.1:41234 */
  base: string
  dir: string
  close(): Promise<void>
}

/**
 * A real engine on a fresh database with `library` scanned, behind the real browser host serving a
 * one-line index.html (the built renderer is not needed to test the host itself).
 */
export async function startTestHost(
  library: string | ((dir: string) => string),
): Promise<TestHost> {
  const { dir, cleanup } = tempDir('attune-host-')
  const staticDir = join(dir, 'renderer')
  mkdirSync(staticDir)
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Attune</title><p>app</p>')
  const root = typeof library === 'string' ? library : library(dir)
  const engine = new Engine({ dbPath: join(dir, 'library.db') })
  await engine.handlers.addRoot({ path: root })
  await engine.scan()
  const host = await startHost({ engine, staticDir })
  return {
    engine,
    host,
    base: new URL(host.url).origin,
    dir,
    async close() {
      await host.close()
      await engine.close()
      cleanup()
    },
  }
}
