// An Engine on a temp database with fixture music folders scanned and analysed: the set-up of the
// engine tests that need the taste model on real audio.
import { join } from 'node:path'
import { Engine } from '../../src/main/engine'
import type { Track } from '../../src/shared/domain'
import { FIXTURES, tempDir } from './temp'

export interface AnalysedEngine {
  engine: Engine
  dbPath: string
  dir: string
  songs: Track[]
  close(): Promise<void>
}

/** `folders` are names under the fixtures' music/ folder; throws if any song fails analysis. */
export async function openAnalysedEngine(folders: readonly string[]): Promise<AnalysedEngine> {
  const temp = tempDir()
  const dbPath = join(temp.dir, 'library.db')
  const engine = new Engine({ dbPath })
  for (const folder of folders) {
    await engine.handlers.addRoot({ path: join(FIXTURES, 'music', folder) })
  }
  await engine.scan()
  const analysis = await engine.analyse()
  if (analysis.failed.length > 0) {
    throw new Error(`Analysis failed: ${JSON.stringify(analysis.failed)}`)
  }
  return {
    engine,
    dbPath,
    dir: temp.dir,
    songs: engine.tracks.listTracks({ limit: 100 }),
    async close() {
      await engine.close()
      temp.cleanup()
    },
  }
}
