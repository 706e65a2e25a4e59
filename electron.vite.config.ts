import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      // The app and each worker thread as its own file in out/main (src/main/workers/entries.ts).
      lib: {
        entry: {
          index: resolve('src/main/electron/main.ts'),
          cli: resolve('src/main/cli/main.ts'),
          'analysis-worker': resolve('src/main/workers/analysis.worker.ts'),
          'eval-worker': resolve('src/main/workers/eval.worker.ts'),
          'read-worker': resolve('src/main/library/read-worker.ts'),
          'taste-worker': resolve('src/main/workers/taste.worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot load ES modules or other files: one self-contained CommonJS file.
      externalizeDeps: false,
      lib: { entry: resolve('src/preload/index.ts') },
      rolldownOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: { rolldownOptions: { input: resolve('src/renderer/index.html') } },
    plugins: [react()],
  },
})
