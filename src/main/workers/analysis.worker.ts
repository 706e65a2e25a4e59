// Analysis worker: a thin dispatcher around embedFile (decode + attune-dsp-v1 features).
import { serveWorker } from './rpc'
import { embedFile } from '../analysis/embed'

export type AnalysisProtocol = {
  embed: {
    payload: { path: string }
    result: { vector: Float32Array; duration: number; analysedSeconds: number }
  }
}

serveWorker<AnalysisProtocol>({
  embed: ({ path }) => embedFile(path),
})
