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

// Files outside src/main/db/ that still hold SQL or import better-sqlite3 today. This list only
// shrinks: a file leaves it when its SQL moves into a db/ repository, and it must end empty. Never
// add a file to it.
export const sqlAllowList = [
  'src/main/cli/main.ts',
  'src/main/engine.ts',
  'src/main/insights/metrics.ts',
]

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
