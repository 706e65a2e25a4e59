// Worker thread entry: reads audio files for the scanner, so tag parsing uses every core.
import { parentPort } from 'node:worker_threads'
import { BlockingIoGuard, FileGoneError, readAudioFile } from './file-reader'
import type { ReadRequest, ReadResponse } from './read-pool'

const port = parentPort
/** Blocking reads while they are fast; the promise API where the disk is slow (see BlockingIoGuard). */
const ioGuard = new BlockingIoGuard()
if (port) {
  port.on('message', (request: ReadRequest) => {
    // Blocking reads cost a fraction of the CPU; while the disk is slow, async reads overlap the waits.
    readAudioFile(request.path, {
      wantCover: request.wantCover,
      size: request.size,
      fastPath: request.fastPath,
      syncIo: ioGuard.allowed,
      ioGuard,
    }).then(
      (result) => {
        const response: ReadResponse = { seq: request.seq, result }
        // Hand the picture's bytes over instead of copying them.
        const transfer = result.ok && result.picture ? [copyToOwnBuffer(result.picture)] : []
        port.postMessage(response, transfer)
      },
      (error: unknown) => {
        const response: ReadResponse =
          error instanceof FileGoneError
            ? { seq: request.seq, gone: true }
            : { seq: request.seq, error: error instanceof Error ? error.message : String(error) }
        port.postMessage(response)
      },
    )
  })
}

/** The picture may be a view into a larger buffer; give it a buffer of its own that can be transferred. */
function copyToOwnBuffer(picture: { data: Uint8Array }): ArrayBuffer {
  const own = new Uint8Array(picture.data.length)
  own.set(picture.data)
  picture.data = own
  return own.buffer
}
