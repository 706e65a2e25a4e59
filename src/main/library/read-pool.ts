import { startWorker } from '../workers/rpc'
import { workerEntry } from '../workers/entries'
import type { Worker } from 'node:worker_threads'
import { FileGoneError, readAudioFile, type ReadOptions, type ReadResult } from './file-reader'

export interface ReadRequest {
  seq: number
  path: string
  wantCover: boolean
  size?: number
  fastPath?: boolean
}

export type ReadResponse =
  { seq: number; result: ReadResult } | { seq: number; gone: true } | { seq: number; error: string }

/** Reads one file; throws FileGoneError when it vanished. */
export type FileReader = (path: string, options: ReadOptions) => Promise<ReadResult>

interface Pending {
  path: string
  options: ReadOptions
  resolve: (result: ReadResult) => void
  reject: (error: Error) => void
}

interface PoolWorker {
  worker: Worker
  pending: Map<number, Pending>
}

/** Starts a read worker: the bundled .js in the app, the TypeScript source elsewhere. */
function startReadWorker(): Worker {
  return startWorker(workerEntry('read'))
}

/**
 * Worker threads that read audio files, so tag parsing (CPU-bound, ~1 ms a file) runs on every core while
 * the main thread walks folders and writes rows. When workers cannot start (say, a bundle without the
 * worker entry), reads fall back to the calling thread.
 */
export class ReadPool {
  private readonly workers: PoolWorker[] = []
  private seq = 0
  private failed = false

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      try {
        const worker = startReadWorker()
        worker.unref()
        const poolWorker: PoolWorker = { worker, pending: new Map() }
        worker.on('message', (response: ReadResponse) => this.settle(poolWorker, response))
        worker.on('error', (error) => this.abandon(poolWorker, error))
        worker.on('exit', () => this.abandon(poolWorker, new Error('the read worker stopped')))
        this.workers.push(poolWorker)
      } catch {
        this.failed = true
      }
    }
  }

  read: FileReader = (path, options) => {
    const target = this.failed ? undefined : this.leastBusy()
    if (!target) return readAudioFile(path, options)
    const seq = ++this.seq
    return new Promise<ReadResult>((resolve, reject) => {
      target.pending.set(seq, { path, options, resolve, reject })
      const request: ReadRequest = {
        seq,
        path,
        wantCover: options.wantCover,
        size: options.size,
        fastPath: options.fastPath,
      }
      target.worker.postMessage(request)
    })
  }

  private leastBusy(): PoolWorker | undefined {
    let best: PoolWorker | undefined
    for (const w of this.workers) if (!best || w.pending.size < best.pending.size) best = w
    return best
  }

  private settle(from: PoolWorker, response: ReadResponse): void {
    const pending = from.pending.get(response.seq)
    if (!pending) return
    from.pending.delete(response.seq)
    if ('result' in response) pending.resolve(response.result)
    else if ('gone' in response) pending.reject(new FileGoneError(pending.path))
    else pending.reject(new Error(response.error))
  }

  /** A worker died or never started: its reads are redone here, and no more go to workers. */
  private abandon(worker: PoolWorker, _error: Error): void {
    this.failed = true
    const index = this.workers.indexOf(worker)
    if (index >= 0) this.workers.splice(index, 1)
    for (const pending of worker.pending.values()) {
      readAudioFile(pending.path, pending.options).then(pending.resolve, pending.reject)
    }
    worker.pending.clear()
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0)
    await Promise.all(workers.map((w) => w.worker.terminate()))
  }
}
