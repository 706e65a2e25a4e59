#!/usr/bin/env node
// better-sqlite3 is a native addon, and Electron's ABI differs from Node's. Tests and the CLI run on
// Node and use node_modules/better-sqlite3/build (built by `npm install`). The desktop app needs a
// build for Electron's ABI: this script makes one in a separate cache folder, once per Electron and
// better-sqlite3 version, and the Electron adapter loads it with better-sqlite3's `nativeBinding`
// option. Neither build ever overwrites the other, so `npm start` and `npm test` work in any order.
//
// It follows Electron's documented recipe for native modules (npm_config_runtime=electron,
// npm_config_target, npm_config_disturl): prebuild-install fetches a prebuilt binary for this
// Electron when one exists, otherwise node-gyp compiles against Electron's headers (needs internet
// the first time, and a C++ toolchain).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, copyFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnSync } from 'node:child_process'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

export function electronNativeBindingPath(projectRoot = root) {
  const electronVersion = readJson(join(projectRoot, 'node_modules/electron/package.json')).version
  const sqliteVersion = readJson(
    join(projectRoot, 'node_modules/better-sqlite3/package.json'),
  ).version
  const key = `better-sqlite3-${sqliteVersion}-electron-${electronVersion}-${process.platform}-${process.arch}`
  return {
    electronVersion,
    sqliteVersion,
    file: join(projectRoot, '.cache/electron-native', key, 'better_sqlite3.node'),
  }
}

/** npm's own node-gyp (npm sets npm_config_node_gyp for scripts), else the one beside npm. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    ),
    join(dirname(process.execPath), 'node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ]
  return candidates.find((c) => c && existsSync(c)) ?? null
}

function loadsInThisNode(binary) {
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(binary)})`], {
    stdio: 'ignore',
  })
  return probe.status === 0
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'))
}

function ensure() {
  const { electronVersion, sqliteVersion, file } = electronNativeBindingPath()
  if (existsSync(file)) return file
  console.log(
    `Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (once; about a minute)…`,
  )
  const work = join(root, '.cache/electron-native/work')
  rmSync(work, { recursive: true, force: true })
  const pkg = join(work, 'better-sqlite3')
  mkdirSync(work, { recursive: true })
  cpSync(join(root, 'node_modules/better-sqlite3'), pkg, {
    recursive: true,
    filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`),
  })
  // node-gyp is run directly, not through npm, so no .npmrc applies; a `nodedir` inherited from
  // the environment (some machines point it at the local Node's headers) would build for Node's ABI.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => key.toLowerCase() !== 'npm_config_nodedir'),
  )
  const target = ['--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`]
  const prebuilt = spawnSync(
    process.execPath,
    [join(root, 'node_modules/prebuild-install/bin.js'), ...target, '--verbose'],
    { cwd: pkg, env, stdio: 'inherit' },
  )
  if (prebuilt.status !== 0) {
    const nodeGyp = findNodeGyp()
    if (nodeGyp) {
      spawnSync(
        process.execPath,
        [nodeGyp, 'rebuild', '--release', ...target, '--dist-url=https://electronjs.org/headers'],
        { cwd: pkg, env, stdio: 'inherit' },
      )
    }
  }
  const built = join(pkg, 'build/Release/better_sqlite3.node')
  if (!existsSync(built)) {
    console.error(
      `Could not build better-sqlite3 for Electron ${electronVersion}. The desktop app needs internet the ` +
        'first time (to fetch Electron headers or a prebuilt binary) and a C++ toolchain ' +
        '(python3, make, g++ / Xcode / Visual Studio Build Tools). The browser host works without it: npm run serve.',
    )
    process.exit(1)
  }
  // Electron's ABI is not this Node's: a binary this Node can load was built for the wrong runtime.
  if (loadsInThisNode(built)) {
    console.error(
      `The better-sqlite3 build for Electron ${electronVersion} came out for Node ${process.version} ` +
        'instead (check npm config nodedir). The browser host works without it: npm run serve.',
    )
    process.exit(1)
  }
  mkdirSync(dirname(file), { recursive: true })
  copyFileSync(built, file)
  rmSync(work, { recursive: true, force: true })
  console.log(`Ready: ${file}`)
  return file
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensure()
