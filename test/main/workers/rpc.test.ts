import { afterEach, describe, expect, it } from 'vitest'
import { WorkerClient, WorkerCrashedError } from '../../../src/main/workers/rpc'
import { startTsWorker } from '../../helpers/ts-worker'
import { errorCodeOf, UserError } from '../../../src/shared/errors'
import type { EchoProtocol } from './fixtures/echo.worker'

const entry = new URL('./fixtures/echo.worker.ts', import.meta.url)
let client: WorkerClient<EchoProtocol> | null = null
afterEach(async () => {
  await client?.terminate()
  client = null
})

describe('worker rpc', () => {
  it('answers each request by its sequence number, even out of order', async () => {
    client = new WorkerClient<EchoProtocol>(startTsWorker(entry))
    const slow = client.request('echo', { text: 'slow', delayMs: 150 })
    const fast = client.request('echo', { text: 'fast' })
    expect(await fast).toBe('fast')
    expect(await slow).toBe('slow')
  })

  it("carries a worker's error back as a rejected promise, and the worker keeps serving", async () => {
    client = new WorkerClient<EchoProtocol>(startTsWorker(entry))
    await expect(client.request('fail', { message: 'bad vector' })).rejects.toThrow('bad vector')
    expect(await client.request('echo', { text: 'still here' })).toBe('still here')
  })

  it("keeps an error's code across the boundary, and a plain error has none", async () => {
    client = new WorkerClient<EchoProtocol>(startTsWorker(entry))
    const coded = client.request('fail', {
      message: 'No song is analysed yet.',
      code: 'not-analysed',
    })
    await expect(coded).rejects.toBeInstanceOf(UserError)
    await expect(coded).rejects.toMatchObject({
      code: 'not-analysed',
      message: 'No song is analysed yet.',
    })
    const plain = await client.request('fail', { message: 'bad vector' }).catch((e: unknown) => e)
    expect(errorCodeOf(plain)).toBeNull()
  })

  it("sends the worker's log lines to the main log", async () => {
    const lines: string[] = []
    client = new WorkerClient<EchoProtocol>(startTsWorker(entry), {
      log: (level, m) => lines.push(`${level}:${m}`),
    })
    await client.request('log', { message: 'refit started' })
    expect(lines).toContain('warn:refit started')
  })

  it('rejects pending and later requests when the worker dies', async () => {
    client = new WorkerClient<EchoProtocol>(startTsWorker(entry))
    await expect(client.request('exit', {})).rejects.toBeInstanceOf(WorkerCrashedError)
    await expect(client.request('echo', { text: 'x' })).rejects.toBeInstanceOf(WorkerCrashedError)
  })
})
