import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// Three projects: everything that can run side by side under Node, the renderer's component and
// store tests under a simulated DOM (happy-dom), and the browser end-to-end suite, which starts
// servers and Chromium and is kept to one file at a time.
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        plugins: [vue()],
        test: {
          name: 'unit',
          root: '.',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/renderer/**', 'node_modules/**'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'renderer',
          root: '.',
          include: ['test/renderer/**/*.test.ts'],
          environment: 'happy-dom',
          pool: 'forks',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          root: '.',
          include: ['test/e2e/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
})
