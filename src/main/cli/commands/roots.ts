import { resolve } from 'node:path'
import { TrackStore } from '../../library/track-store'
import { CliError, writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'

export function run(ctx: Context, args: string[]): number {
  const { positionals, values } = parse(args, { confirm: { type: 'boolean', default: false } })
  const [action, dir] = positionals
  const store = new TrackStore(ctx.open())
  if (action === 'add' || action === 'remove') {
    if (!dir) throw new CliError(`Say which folder: attune roots ${action} DIR`, 2)
    if (action === 'add') store.addRoot(resolve(dir), { confirmHome: values.confirm === true })
    else if (!store.removeRoot(resolve(dir))) {
      throw new CliError(
        `${resolve(dir)} is not one of the library's folders. List them with: attune roots`,
      )
    }
  } else if (action !== undefined) {
    throw new CliError(`Unknown action '${action}': use add or remove.`, 2)
  }
  const roots = store.listRoots()
  if (ctx.json) writeJson(ctx.io, roots)
  else
    ctx.io.stdout.write(
      roots.length ? roots.map((r) => r.path).join('\n') + '\n' : 'No library folders yet.\n',
    )
  return 0
}
