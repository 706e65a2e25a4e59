import { ipcMain, type WebContents } from 'electron'
import {
  CALL_NAMES,
  channelOf,
  EVENT_CHANNEL,
  parseArgs,
  type EngineEvent,
  type Handlers,
} from '../../shared/contract'

/** Binds every contract call to ipcMain.handle: validate, then delegate. No per-call glue. */
export function bindIpc(handlers: Handlers): () => void {
  for (const name of CALL_NAMES) {
    ipcMain.handle(channelOf(name), async (_event, raw: unknown) => {
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
