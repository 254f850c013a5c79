import { chmodSync, existsSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

// Every main-process entry point the app ships. Each file in src-main/workers/ is its own bundle
// (out/main/workers/<name>.js) so the job host can start it as a child process
// (child_process.fork under plain Node, utilityProcess under Electron).
const workersDir = resolve(__dirname, 'src-main/workers')
const workerEntries = existsSync(workersDir)
  ? Object.fromEntries(
      readdirSync(workersDir)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
        .map((f) => [`workers/${f.slice(0, -3)}`, resolve(workersDir, f)]),
    )
  : {}

const mainEntries: Record<string, string> = {
  index: resolve(__dirname, 'src-main/app/main.ts'),
  serve: resolve(__dirname, 'src-main/host/serve.ts'),
  cli: resolve(__dirname, 'src-main/cli/main.ts'),
  ...workerEntries,
}

// `bin` points at out/main/cli.js; npx and npm link need it executable.
const cliExecutable = {
  name: 'openbeats-cli-executable',
  writeBundle(options: { dir?: string }) {
    const cli = resolve(options.dir ?? 'out/main', 'cli.js')
    if (existsSync(cli)) chmodSync(cli, 0o755)
  },
}

export default defineConfig({
  main: {
    plugins: [cliExecutable],
    build: {
      outDir: 'out/main',
      rollupOptions: { input: mainEntries },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require packages: bundle everything it uses (zod for the
      // contract's method list) and keep only electron external.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/app/preload.ts') },
        external: ['electron'],
        output: { format: 'cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // electron-vite leaves bundles unminified; the renderer is also served over HTTP by the host.
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'src-renderer/index.html') },
    },
    plugins: [vue()],
  },
})
