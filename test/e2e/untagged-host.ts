// The set-up the untagged-library e2e files share: a small library of WAV copies with every tag
// stripped (test/helpers/untagged.ts), the browser host scanning it, and a Chromium page on it.
import { join } from 'node:path'
import { openLibraryPage, type LibrarySession } from './host'
import { writeUntaggedLibrary } from '../helpers/untagged'

export interface UntaggedSession extends LibrarySession {
  /** The library folder (its name: "Music"). */
  library: string
}

/** Writes the library, starts the host, waits for its scan and opens a 1400×900 page (not loaded). */
export async function openUntagged(
  options: { bypassCSP?: boolean } = {},
): Promise<UntaggedSession> {
  let library = ''
  const session = await openLibraryPage(
    (dir) => {
      library = join(dir, 'Music')
      writeUntaggedLibrary(library)
      return library
    },
    { ...options, load: false },
  )
  return { ...session, library }
}
