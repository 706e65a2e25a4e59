// The Electron shell: window, preload bridge, media protocol and IPC binding. Everything else is
// the engine, which runs the same in Node (CLI, browser host, tests).
import { app, BrowserWindow, protocol, session, shell, webContents } from 'electron'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Engine } from '../engine'
import { bindIpc, forwardEvents } from './ipc'
import { electronSqliteBinding } from './native'
import { loadWindowState, trackWindowState } from './window-state'
import { allowedExternalUrl, trustedSender } from './security'
import { createAppFilesHandler, isMediaPath } from '../media/app-files'

const SCHEME = 'attune'
const APP_ORIGIN = `${SCHEME}://app`
const RENDERER_DIR = join(import.meta.dirname, '../renderer')

// The app lives at attune://app/: its built files (index.html, scripts, styles, fonts) and, through
// the engine's media route, audio at attune://app/media/<id> (streaming and Range) and covers. A
// standard, secure scheme gives the renderer a real origin instead of file:// (Electron's
// security checklist, item 18). Registered before the app is ready, as Electron requires.
protocol.registerSchemesAsPrivileged([
  {
    scheme: SCHEME,
    privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true },
  },
])

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  void start()
}

async function start(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(1),
    options: { db: { type: 'string' } },
    strict: false,
  })
  const dbPath =
    typeof values.db === 'string' ? values.db : join(app.getPath('userData'), 'library.db')
  await app.whenReady()

  const nativeBinding = electronSqliteBinding(app.getAppPath())
  const engine = new Engine({
    dbPath,
    watch: true,
    backgroundAnalysis: true,
    log: (level, message) => console[level](message),
    ...(nativeBinding ? { nativeBinding } : {}),
  })
  const appFiles = createAppFilesHandler(RENDERER_DIR)
  protocol.handle(SCHEME, (request) =>
    isMediaPath(new URL(request.url).pathname) ? engine.media(request) : appFiles(request),
  )
  // The app asks for no permission (camera, microphone, notifications, geolocation…): refuse all.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  )
  session.defaultSession.setPermissionCheckHandler(() => false)
  const devUrl = !app.isPackaged ? (process.env['ELECTRON_RENDERER_URL'] ?? null) : null
  const unbind = bindIpc(engine.handlers, trustedSender(APP_ORIGIN, devUrl))
  const stopEvents = forwardEvents(
    (l) => engine.subscribe(l),
    () => webContents.getAllWebContents(),
  )

  let window = createWindow()
  app.on('second-instance', () => {
    if (window.isDestroyed()) window = createWindow()
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = createWindow()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  // Clean shutdown: stop pushing events, unbind IPC, close workers and the database once.
  let closing = false
  app.on('will-quit', (event) => {
    if (closing) return
    closing = true
    event.preventDefault()
    stopEvents()
    unbind()
    void engine.close().finally(() => app.quit())
  })
}

function createWindow(): BrowserWindow {
  const stateFile = join(app.getPath('userData'), 'window-state.json')
  const state = loadWindowState(stateFile)
  const window = new BrowserWindow({
    ...state.bounds,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Attune',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  if (state.maximized) window.maximize()
  trackWindowState(window, stateFile)
  window.once('ready-to-show', () => window.show())
  // No remote content: links open in the system browser, navigation away is refused.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (allowedExternalUrl(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  const devUrl = process.env['ELECTRON_RENDERER_URL']
  if (!app.isPackaged && devUrl) void window.loadURL(devUrl)
  else void window.loadURL(`${APP_ORIGIN}/index.html`)
  return window
}
