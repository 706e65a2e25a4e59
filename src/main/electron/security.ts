// Pure checks for the Electron shell (no 'electron' import, so tests run them in Node): which
// pages may call the engine over IPC, and which links may open in the system browser.

/**
 * The page URLs that may call the engine: the built renderer's page on the app's own privileged
 * scheme (`attune://app/index.html`, with its hash routes) and, in development only, the dev
 * server's origin. Anything else (a navigated or injected frame, a file:// page, a remote page, a
 * media URL) is refused, as Electron's security checklist asks (validate the sender).
 */
export function trustedSender(appOrigin: string, devUrl: string | null) {
  const app = new URL(appOrigin)
  const devOrigin = devUrl ? new URL(devUrl).origin : null
  return (url: string | undefined): boolean => {
    if (!url) return false
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return false
    }
    if (
      parsed.protocol === app.protocol &&
      parsed.host === app.host &&
      parsed.username === '' &&
      parsed.password === '' &&
      (parsed.pathname === '/' || parsed.pathname === '/index.html')
    )
      return true
    return devOrigin !== null && parsed.origin === devOrigin
  }
}

/** Sites whose links may open in the system browser; the app links nowhere else. */
export const EXTERNAL_HOSTS: ReadonlySet<string> = new Set([
  'github.com',
  // Connecting scrobbling: the page where the listener allows Attune, and the services' settings.
  'www.last.fm',
  'listenbrainz.org',
])

/** Only https links to the allowed sites, never file:, javascript:, custom schemes or other hosts. */
export function allowedExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url)
    return (
      parsed.protocol === 'https:' &&
      parsed.username === '' &&
      parsed.password === '' &&
      EXTERNAL_HOSTS.has(parsed.hostname)
    )
  } catch {
    return false
  }
}
