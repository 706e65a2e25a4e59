import type { Root } from '../../../shared/domain'
import type { Api } from '../../../shared/contract'
import { errorText } from './format'

/**
 * Adds a library folder. The engine refuses the whole home folder unless confirmed (watching all
 * of it costs memory and time for files that are not music): then the listener is asked, in the
 * engine's words, and the folder is added only if they say yes.
 */
export async function addLibraryFolder(
  api: Pick<Api, 'addRoot'>,
  path: string,
  ask: (question: string) => boolean = (question) => window.confirm(question),
): Promise<Root | null> {
  try {
    return await api.addRoot({ path })
  } catch (error) {
    const message = errorText(error)
    if (!/whole home folder/.test(message)) throw error
    if (!ask(`${message}\n\nAdd the whole folder anyway?`)) return null
    return await api.addRoot({ path, confirm: true })
  }
}
