// Setup for the unit project: component tests (happy-dom) get a 1400×900 window, the size the
// app is designed for first (happy-dom's default, 1024 px, is a small-window layout). Files that
// run in plain Node have no window and are left alone.
interface HappyDomWindow {
  happyDOM?: { setViewport(viewport: { width: number; height: number }): void }
}

const happyWindow = (globalThis as { window?: HappyDomWindow }).window
happyWindow?.happyDOM?.setViewport({ width: 1400, height: 900 })
