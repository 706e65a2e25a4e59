// Pure checks for the Electron shell (no 'electron' import, so tests run them in Node): which
// pages may call the engine over IPC, and which links may open in the system browser.
import { pathToFileURL } from 'node:url'

/**
 * The page URLs that may call the engine: the built renderer's index.html (file://) and, in
 * development only, the dev server's origin. Anything else (a navigated or injected frame, a
 * remote page) is refused, as Electron's security checklist asks (validate the sender).
 */
export function trustedSender(rendererIndex: string, devUrl: string | null) {
  const ownFile = pathToFileURL(rendererIndex).href
  const devOrigin = devUrl ? new URL(devUrl).origin : null
  return (url: string | undefined): boolean => {
    if (!url) return false
    if (url === ownFile || url.startsWith(`${ownFile}#`) || url.startsWith(`${ownFile}?`))
      return true
    if (devOrigin === null) return false
    try {
      return new URL(url).origin === devOrigin
    } catch {
      return false
    }
  }
}

/** Sites whose links may open in the system browser; the app links nowhere else. */
export const EXTERNAL_HOSTS: ReadonlySet<string> = new Set(['github.com'])

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
