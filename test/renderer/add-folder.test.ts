// Adding the whole home folder asks first (issue 15): the engine refuses it unless confirmed.
import { describe, expect, it } from 'vitest'
import { addLibraryFolder } from '../../src/renderer/src/lib/folders'
import type { Root } from '../../src/shared/domain'

const HOME_REFUSAL =
  '/home/me holds your whole home folder: Attune would watch every file in it. Choose your music folder, or confirm that you want all of it.'

/** The engine's rule, as addRoot answers it: the home folder only with confirm. */
function engineLike(calls: unknown[]) {
  return {
    addRoot: (args?: { path: string; confirm?: boolean }): Promise<Root> => {
      if (!args) return Promise.reject(new Error('no path'))
      calls.push(args)
      if (args.path === '/home/me' && !args.confirm) return Promise.reject(new Error(HOME_REFUSAL))
      if (args.path === '/etc') return Promise.reject(new Error('/etc is a system folder.'))
      return Promise.resolve({ id: 1, path: args.path, addedAt: 0 })
    },
  }
}

describe('adding a library folder', () => {
  it('asks in the engine’s words before adding the whole home folder, and adds it on yes', async () => {
    const calls: unknown[] = []
    const questions: string[] = []
    const root = await addLibraryFolder(engineLike(calls), '/home/me', (q) => {
      questions.push(q)
      return true
    })
    expect(root?.path).toBe('/home/me')
    expect(questions[0]).toMatch(/whole home folder.*\n\nAdd the whole folder anyway\?/s)
    expect(calls).toEqual([{ path: '/home/me' }, { path: '/home/me', confirm: true }])
  })

  it('adds nothing on no, and never asks about other refusals', async () => {
    const calls: unknown[] = []
    expect(await addLibraryFolder(engineLike(calls), '/home/me', () => false)).toBeNull()
    await expect(
      addLibraryFolder(engineLike(calls), '/etc', () => {
        throw new Error('should not ask')
      }),
    ).rejects.toThrow(/system folder/)
    expect(calls).toEqual([{ path: '/home/me' }, { path: '/etc' }])
  })
})
