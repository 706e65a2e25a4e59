// One bridge to the engine, whichever transport carries it: the Electron preload, or HTTP to the
// browser host. Components depend on the Bridge interface only, so tests can hand them a fake.
import { CALL_NAMES, type Api, type CallName, type EngineEvent } from '../../../shared/contract'

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

declare global {
  interface Window {
    attune?: Bridge
  }
}

const KEEPALIVE_LIMIT = 60_000

export class BridgeError extends Error {
  override name = 'BridgeError'
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
        const answer = text ? (JSON.parse(text) as { result?: unknown; error?: string }) : {}
        if (!response.ok)
          throw new BridgeError(answer.error ?? `The engine answered ${response.status}.`)
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
  return window.attune ?? createWebBridge()
}
