import { ipcMain, type WebContents } from 'electron'
import {
  CALL_NAMES,
  channelOf,
  EVENT_CHANNEL,
  parseArgs,
  type EngineEvent,
  type Handlers,
} from '../../shared/contract'
import type { CallAnswer } from '../../shared/errors'
import { errorBody } from '../../shared/errors'

/**
 * Binds every contract call to ipcMain.handle: check the sender, validate, then delegate. No
 * per-call glue. `trusted` says which page URLs may call (see security.ts); a call from any
 * other frame is refused before its arguments are read.
 */
export function bindIpc(
  handlers: Handlers,
  trusted: (url: string | undefined) => boolean,
  log: (line: string) => void = (line) => console.error(line),
): () => void {
  for (const name of CALL_NAMES) {
    ipcMain.handle(channelOf(name), async (event, raw: unknown) => {
      const frame = event.senderFrame
      if (!frame || frame !== event.sender.mainFrame || !trusted(frame.url)) {
        throw new Error('Refused: this call did not come from the Attune window.')
      }
      const handler = handlers[name] as (args: unknown) => unknown
      // A failure is answered as a value with its code (a thrown Error would arrive as its
      // message only); the renderer's bridge throws it again.
      try {
        return { ok: true, result: await handler(parseArgs(name, raw)) } satisfies CallAnswer
      } catch (error) {
        const body = errorBody(error)
        if (body.code === 'internal')
          log(`${name} failed: ${(error as Error).stack ?? String(error)}`)
        return { ok: false, error: body } satisfies CallAnswer
      }
    })
  }
  return () => CALL_NAMES.forEach((name) => ipcMain.removeHandler(channelOf(name)))
}

export function forwardEvents(
  subscribe: (l: (e: EngineEvent) => void) => () => void,
  target: () => WebContents[],
): () => void {
  return subscribe((event) => {
    for (const contents of target())
      if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event)
  })
}
