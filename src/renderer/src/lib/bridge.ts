// One bridge to the engine, whichever transport carries it: the Electron preload, or HTTP to the
// browser host. Components depend on the Bridge interface only, so tests can hand them a fake.
import {
  CALL_NAMES,
  type Api,
  type CallName,
  type EngineEvent,
  type PreloadApi,
} from '../../../shared/contract'
import { isErrorCode, unwrapAnswer, type CallAnswer, type ErrorCode } from '../../../shared/errors'

export interface Bridge {
  kind: 'electron' | 'web'
  api: Api
  onEvent(listener: (event: EngineEvent) => void): () => void
  mediaUrl(trackId: number): string
  coverUrl(coverId: string): string
  /**
   * The folder path behind a dropped file or folder. Only Electron can tell (webUtils in the
   * preload); browsers hide paths, so the web bridge leaves it out.
   */
  pathForFile?(file: File): string | null
}

/** What the Electron preload exposes: the bridge, with each call answering a CallAnswer. */
export interface PreloadBridge extends Omit<Bridge, 'api'> {
  api: PreloadApi
}

declare global {
  interface Window {
    attune?: PreloadBridge
  }
}

/**
 * The Electron transport: the preload's functions, each answer unwrapped so a failure is thrown
 * again here with its code (the context bridge would keep only an Error's message).
 */
export function fromPreload(preload: PreloadBridge): Bridge {
  const api = Object.fromEntries(
    CALL_NAMES.map((name: CallName) => [
      name,
      async (args?: unknown) => {
        const call = preload.api[name] as (args?: unknown) => Promise<CallAnswer>
        return unwrapAnswer(await call(args))
      },
    ]),
  ) as Api
  const bridge: Bridge = {
    kind: preload.kind,
    api,
    onEvent: (listener) => preload.onEvent(listener),
    mediaUrl: (trackId) => preload.mediaUrl(trackId),
    coverUrl: (coverId) => preload.coverUrl(coverId),
  }
  const pathForFile = preload.pathForFile
  if (pathForFile) bridge.pathForFile = (file) => pathForFile(file)
  return bridge
}

const KEEPALIVE_LIMIT = 60_000

/** A call the engine refused or failed, with the engine's code (see src/shared/errors.ts). */
export class BridgeError extends Error {
  override name = 'BridgeError'
  constructor(
    message: string,
    readonly code: ErrorCode,
  ) {
    super(message)
  }
}

/** The browser host's transport: POST /api/<call> and server-sent events on /api/events. */
export function createWebBridge(base = ''): Bridge {
  const api = Object.fromEntries(
    CALL_NAMES.map((name: CallName) => [
      name,
      async (args?: unknown) => {
        const body = JSON.stringify(args ?? {})
        const response = await fetch(`${base}/api/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          credentials: 'same-origin',
          // keepalive lets the last calls (the play end with reason 'quit', the queue) finish
          // while the page unloads; browsers cap keepalive bodies at 64 KiB.
          keepalive: body.length < KEEPALIVE_LIMIT,
        })
        const text = await response.text()
        const answer = text
          ? (JSON.parse(text) as { result?: unknown; error?: string; code?: unknown })
          : {}
        if (!response.ok) {
          const message = answer.error ?? `The engine answered ${response.status}.`
          throw new BridgeError(message, isErrorCode(answer.code) ? answer.code : 'internal')
        }
        return answer.result
      },
    ]),
  ) as Api
  return {
    kind: 'web',
    api,
    onEvent(listener) {
      const source = new EventSource(`${base}/api/events`)
      source.onmessage = (message: MessageEvent<string>) =>
        listener(JSON.parse(message.data) as EngineEvent)
      return () => source.close()
    },
    mediaUrl: (trackId) => `${base}/media/${trackId}`,
    coverUrl: (coverId) => `${base}/covers/${encodeURIComponent(coverId)}`,
  }
}

export function defaultBridge(): Bridge {
  return window.attune ? fromPreload(window.attune) : createWebBridge()
}
