import { readFileSync, writeFileSync } from 'node:fs'
import type { BrowserWindow, Rectangle } from 'electron'
import { screen } from 'electron'

interface WindowState {
  bounds: Rectangle
  maximized: boolean
}

const DEFAULT: WindowState = { bounds: { x: 0, y: 0, width: 1200, height: 800 }, maximized: false }

/** Remembers the window's size and position across restarts, ignoring places now off-screen. */
export function loadWindowState(file: string): WindowState {
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as WindowState
    const visible = screen.getAllDisplays().some((d) => {
      const a = d.workArea
      const b = state.bounds
      return (
        b.x < a.x + a.width && b.x + b.width > a.x && b.y < a.y + a.height && b.y + b.height > a.y
      )
    })
    return visible
      ? state
      : { ...DEFAULT, bounds: { ...DEFAULT.bounds, ...sizeOnly(state.bounds) } }
  } catch {
    return DEFAULT
  }
}

function sizeOnly(b: Rectangle): Partial<Rectangle> {
  return { width: b.width, height: b.height }
}

export function trackWindowState(window: BrowserWindow, file: string): void {
  let timer: NodeJS.Timeout | undefined
  const save = () => {
    if (window.isDestroyed()) return
    const state: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() }
    try {
      writeFileSync(file, JSON.stringify(state))
    } catch {
      // Remembering the window is a nicety; never fail because of it.
    }
  }
  const later = () => {
    clearTimeout(timer)
    timer = setTimeout(save, 500)
  }
  window.on('resize', later)
  window.on('move', later)
  window.on('close', save)
}
