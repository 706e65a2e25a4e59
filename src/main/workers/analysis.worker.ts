// Analysis worker: a thin dispatcher around embedFile (decode + attune-dsp-v1 features).
import { serveWorker } from './rpc'
import { embedFile } from '../analysis/embed'
import type { AnalysisProtocol } from '../analysis/pool'

serveWorker<AnalysisProtocol>({
  embed: ({ path }) => embedFile(path),
})
