// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import { builtinModules } from 'node:module'

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]

const sqlMessage =
  'Only the data layer (src/main/db/) imports better-sqlite3 or runs SQL: add a typed method to a repository there.'

// Calls that run SQL on a better-sqlite3 Database. `exec` is also RegExp#exec, so it counts only when
// it is not called on a regex literal and its receiver is named like a database or it is handed SQL
// text (a string or template literal).
const sqlSyntax = [
  {
    selector: 'CallExpression[callee.property.name=/^(prepare|pragma|transaction)$/]',
    message: sqlMessage,
  },
  {
    selector:
      "CallExpression[callee.property.name='exec']:not([callee.object.regex]):matches([arguments.0.type='TemplateLiteral'], [arguments.0.type='Literal'], [callee.object.name=/^(db|database)$|Db$/i], [callee.object.property.name=/^(db|database)$|Db$/i])",
    message: sqlMessage,
  },
  {
    selector: 'ImportExpression[source.value=/^better-sqlite3/]',
    message: sqlMessage,
  },
  {
    selector: "CallExpression[callee.name='require'][arguments.0.value=/^better-sqlite3/]",
    message: sqlMessage,
  },
]

// The engine's interior in layers, VS Code style (CONTRIBUTING.md, "Layers"). Each part may import
// src/shared, itself and the parts it lists; an import of any other part of the engine is an error,
// so nothing runs upward. `base` is the plumbing every layer may use: files.ts, paths.ts and the
// worker start-up (workers/rpc.ts, workers/entries.ts).
const engineParts = {
  db: { files: ['src/main/db/**'], may: [] },
  'media-formats': { files: ['src/main/media-formats/**'], may: [] },
  base: {
    files: [
      'src/main/files.ts',
      'src/main/paths.ts',
      'src/main/workers/rpc.ts',
      'src/main/workers/entries.ts',
    ],
    may: [],
  },
  events: { files: ['src/main/events/**'], may: ['db', 'base'] },
  library: { files: ['src/main/library/**'], may: ['db', 'media-formats', 'base'] },
  analysis: { files: ['src/main/analysis/**'], may: ['db', 'media-formats', 'base'] },
  media: { files: ['src/main/media/**'], may: ['db', 'media-formats', 'analysis', 'base'] },
  taste: {
    files: ['src/main/taste/**'],
    may: ['db', 'media-formats', 'events', 'library', 'analysis', 'base'],
  },
  insights: {
    files: ['src/main/insights/**'],
    may: ['db', 'media-formats', 'events', 'library', 'analysis', 'taste', 'base'],
  },
  // Sending listens to ListenBrainz and Last.fm: its own repository, its own HTTP clients.
  scrobble: { files: ['src/main/scrobble/**'], may: ['db', 'base'] },
  // Saved playlists, M3U8 import and export: songs from the library, list files read like label lists.
  playlists: {
    files: ['src/main/playlists/**'],
    may: ['db', 'library', 'taste', 'base'],
  },
  queue: {
    files: ['src/main/queue/**'],
    may: ['db', 'media-formats', 'events', 'library', 'analysis', 'taste', 'insights', 'base'],
  },
  // A worker thread's entry is the top of its own small stack: it serves one domain's classes.
  'worker entries': {
    files: ['src/main/workers/*.worker.ts'],
    may: ['db', 'media-formats', 'events', 'library', 'analysis', 'taste', 'insights', 'base'],
  },
  // The one composition root.
  engine: {
    files: ['src/main/engine.ts', 'src/main/engine-defaults.ts'],
    may: [
      'db',
      'media-formats',
      'events',
      'library',
      'analysis',
      'media',
      'taste',
      'insights',
      'queue',
      'scrobble',
      'playlists',
      'worker entries',
      'base',
    ],
  },
  // Front ends. The browser host and the Electron shell drive the engine through its contract
  // calls; `media/` is the one media route both hosts serve, and `base` the plumbing.
  'browser host': { files: ['src/main/http/**'], may: ['engine', 'media', 'base'] },
  'electron shell': { files: ['src/main/electron/**'], may: ['engine', 'media', 'base'] },
  // The command line imports only the engine's entry (engine.ts: the Engine and what a front end
  // needs besides; engine-defaults.ts: the default paths, without SQLite) and src/shared;
  // `attune serve` starts the browser host.
  'command line': { files: ['src/main/cli/**'], may: ['engine', 'browser host'] },
}

// How an import names each part, from any depth (`../db/x`, `../../db/x`, `./db/x`).
const partImports = {
  db: 'db(/|$)',
  'media-formats': 'media-formats(/|$)',
  base: '(files|paths|workers/rpc|workers/entries)$',
  events: 'events(/|$)',
  library: 'library(/|$)',
  analysis: 'analysis(/|$)',
  media: 'media(/|$)',
  taste: 'taste(/|$)',
  insights: 'insights(/|$)',
  queue: 'queue(/|$)',
  scrobble: 'scrobble(/|$)',
  playlists: 'playlists(/|$)',
  'worker entries': 'workers/[\\w-]+\\.worker$',
  engine: 'engine(-defaults)?$',
  'browser host': 'http(/|$)',
  'electron shell': 'electron(/|$)',
  'command line': 'cli(/|$)',
}

const electronPath = {
  name: 'electron',
  message: "Only src/main/electron/ (and the preload) may import 'electron'.",
}

function layerRule(part, files) {
  const { may } = engineParts[part]
  // A file directly in src/main/ names a part as `./db/x`; one in a folder as `../db/x` (a `./x`
  // there is its own folder's file, even when it is called `insights.ts`).
  const atRoot = files.every((f) => /^src\/main\/[^/]+$/.test(f))
  const refused = Object.keys(partImports).filter((other) => other !== part && !may.includes(other))
  const allowed = ['src/shared', ...may].join(', ')
  const prefix = atRoot ? '\\./' : '(\\.\\./)+'
  // `import()` escapes no-restricted-imports, so the same refusals are syntax rules too (with the
  // SQL ones, which this object would otherwise replace; esquery's regex may hold no slash).
  const dynamicImports = refused.map((other) => ({
    selector: `ImportExpression[source.value=/${`^${prefix}${partImports[other]}`.replaceAll('/', '\\x2F')}/]`,
    message: `The engine's layers (CONTRIBUTING.md): ${part} may import only ${allowed}, not ${other}.`,
  }))
  return {
    files,
    rules: {
      'no-restricted-syntax': ['error', ...(part === 'db' ? [] : sqlSyntax), ...dynamicImports],
      'no-restricted-imports': [
        'error',
        {
          paths: files.some((f) => f.startsWith('src/main/electron')) ? [] : [electronPath],
          patterns: refused.map((other) => ({
            regex: `^${prefix}${partImports[other]}`,
            message: `The engine's layers (CONTRIBUTING.md): ${part} may import only ${allowed}, not ${other}.`,
          })),
        },
      ],
    },
  }
}

const layerConfigs = Object.entries(engineParts).flatMap(([part, { files }]) => {
  // Separate objects for the Electron shell (it may import electron) and for files directly in
  // src/main/ (they name parts as ./x).
  const groups = [
    files.filter((f) => f.startsWith('src/main/electron')),
    files.filter((f) => /^src\/main\/[^/]+$/.test(f)),
    files.filter((f) => !f.startsWith('src/main/electron') && !/^src\/main\/[^/]+$/.test(f)),
  ].filter((group) => group.length > 0)
  return groups.map((group) => layerRule(part, group))
})

// Files outside src/main/db/ that still hold SQL or import better-sqlite3 today. This list only
// shrinks: a file leaves it when its SQL moves into a db/ repository, and it must end empty. Never
// add a file to it.
export const sqlAllowList = []

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'test-results/**',
      '.cache/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', 'bin/*.js', 'scripts/*.mjs', 'test/helpers/*.mjs'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: globals.node },
  },
  // The data layer: only src/main/db/ imports better-sqlite3 or runs SQL (issue 11 item 1). This is
  // its own rule name (@typescript-eslint/no-restricted-imports), so it adds to the layering below
  // instead of replacing it: two config objects that both set `no-restricted-imports` for one file
  // do not merge, the later wins.
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/main/db/**', ...sqlAllowList],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'better-sqlite3', message: sqlMessage }],
          patterns: [{ group: ['better-sqlite3/*'], message: sqlMessage }],
        },
      ],
      'no-restricted-syntax': ['error', ...sqlSyntax],
    },
  },
  // Layering: only the Electron adapter may import electron.
  {
    files: ['src/**/*.{ts,tsx}', 'test/**/*.{ts,tsx}', 'bench/**/*.ts'],
    ignores: ['src/main/electron/**', 'src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: "Only src/main/electron/ (and the preload) may import 'electron'.",
            },
          ],
        },
      ],
    },
  },
  // The engine's layers (after the electron rule: each repeats it, since the later config object
  // replaces `no-restricted-imports` for the files it matches).
  ...layerConfigs,
  // src/shared runs everywhere: no Node built-ins, no electron.
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'src/shared must run in every process: no electron.' },
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'src/shared must run in every process: no Node built-ins.',
            })),
          ],
        },
      ],
    },
  },
  // The renderer is web code: no Node built-ins, no electron, nothing from the engine.
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'The renderer talks to the engine through the bridge only.',
            },
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'The renderer is web code: no Node built-ins.',
            })),
          ],
          patterns: [
            {
              group: ['**/main/**', '**/preload/**'],
              message: 'The renderer may import src/shared only.',
            },
          ],
        },
      ],
    },
  },
)
