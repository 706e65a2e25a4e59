// The preload: one named function per contract call, exposed with contextBridge (never a raw
// invoke/send), plus an event subscription. Runs sandboxed with context isolation.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import {
  CALL_NAMES,
  channelOf,
  EVENT_CHANNEL,
  type EngineEvent,
  type PreloadApi,
} from '../shared/contract'
import type { CallAnswer } from '../shared/errors'

/** One function per call; each answers a CallAnswer (the renderer's bridge unwraps it). */
const api = Object.fromEntries(
  CALL_NAMES.map((name) => [
    name,
    (args?: unknown) => ipcRenderer.invoke(channelOf(name), args ?? {}) as Promise<CallAnswer>,
  ]),
) as PreloadApi

const bridge = {
  kind: 'electron' as const,
  api,
  onEvent(listener: (event: EngineEvent) => void): () => void {
    const wrapped = (_e: IpcRendererEvent, event: EngineEvent) => listener(event)
    ipcRenderer.on(EVENT_CHANNEL, wrapped)
    return () => ipcRenderer.off(EVENT_CHANNEL, wrapped)
  },
  mediaUrl: (trackId: number) => `attune://app/media/${trackId}`,
  coverUrl: (coverId: string) => `attune://app/covers/${encodeURIComponent(coverId)}`,
  /** The path of a dropped folder (the first-run screen's drag and drop); browsers never reveal it. */
  pathForFile: (file: File): string | null => webUtils.getPathForFile(file) || null,
}

export type ElectronBridge = typeof bridge

contextBridge.exposeInMainWorld('attune', bridge)
