import { Writable } from 'node:stream'
import type { Io } from '../../src/main/cli/output'

/** The CLI's stdout and stderr caught in memory, for tests that run `main` in-process. */
export function memoryIo(): { io: Io; out: () => string; err: () => string } {
  let out = ''
  let err = ''
  const sink = (append: (text: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString())
        done()
      },
    })
  return {
    io: { stdout: sink((t) => (out += t)), stderr: sink((t) => (err += t)) },
    out: () => out,
    err: () => err,
  }
}
