import { ipcMain, type WebContents } from 'electron'
import {
  CALL_NAMES,
  channelOf,
  EVENT_CHANNEL,
  parseArgs,
  type EngineEvent,
  type Handlers,
} from '../../shared/contract'

/**
 * Binds every contract call to ipcMain.handle: check the sender, validate, then delegate. No
 * per-call glue. `trusted` says which page URLs may call (see security.ts); a call from any
 * other frame is refused before its arguments are read.
 */
export function bindIpc(
  handlers: Handlers,
  trusted: (url: string | undefined) => boolean,
): () => void {
  for (const name of CALL_NAMES) {
    ipcMain.handle(channelOf(name), async (event, raw: unknown) => {
      const frame = event.senderFrame
      if (!frame || frame !== event.sender.mainFrame || !trusted(frame.url)) {
        throw new Error('Refused: this call did not come from the Attune window.')
      }
      const handler = handlers[name] as (args: unknown) => unknown
      return await handler(parseArgs(name, raw))
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
