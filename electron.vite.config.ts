import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

// Every process entry point the app ships. Workers are separate bundles so the job host can
// fork them (child_process under plain Node, utilityProcess under Electron).
const mainEntries: Record<string, string> = {
  index: 'src-main/app/main.ts',
  serve: 'src-main/host/serve.ts',
  cli: 'src-main/cli/main.ts',
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: Object.fromEntries(Object.entries(mainEntries).map(([k, v]) => [k, resolve(__dirname, v)])),
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/app/preload.ts') },
        output: { format: 'cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: resolve(__dirname, 'src-renderer/index.html') },
    },
    plugins: [vue()],
  },
})
