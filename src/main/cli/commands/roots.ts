import { resolve } from 'node:path'
import { CliError, writeJson } from '../output'
import type { Context } from '../context'
import { parse } from '../args'
import { errorCodeOf } from '../../../shared/errors'

export async function run(ctx: Context, args: string[]): Promise<number> {
  const { positionals, values } = parse(args, { confirm: { type: 'boolean', default: false } })
  const [action, dir] = positionals
  const engine = (await ctx.engine()).handlers
  if (action === 'add' || action === 'remove') {
    if (!dir) throw new CliError(`Say which folder: attune roots ${action} DIR`, 2)
    if (action === 'add') await engine.addRoot({ path: resolve(dir), confirm: values.confirm })
    else {
      try {
        await engine.removeRoot({ path: resolve(dir) })
      } catch (error) {
        if (errorCodeOf(error) !== 'not-found') throw error
        throw new CliError(`${(error as Error).message} List them with: attune roots`)
      }
    }
  } else if (action !== undefined) {
    throw new CliError(`Unknown action '${action}': use add or remove.`, 2)
  }
  const roots = await engine.listRoots({})
  if (ctx.json) writeJson(ctx.io, roots)
  else
    ctx.io.stdout.write(
      roots.length ? roots.map((r) => r.path).join('\n') + '\n' : 'No library folders yet.\n',
    )
  return 0
}
