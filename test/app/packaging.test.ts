// The electron-builder configuration in package.json (no artifact can be built here: that needs
// the network, so the config is validated against electron-builder's own schema instead).
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(__dirname, '..', '..')
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { build: Record<string, unknown>; scripts: Record<string, string>; bin: Record<string, string> }
const requireFromBuilder = createRequire(require.resolve('electron-builder', { paths: [root] }))

describe('packaging config', () => {
  it('passes electron-builder’s schema', async () => {
    const { validateConfiguration } = requireFromBuilder('app-builder-lib/out/util/config/config') as { validateConfiguration(c: unknown, l: unknown): Promise<void> }
    const { DebugLogger } = requireFromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }
    await expect(validateConfiguration(pkg.build, new DebugLogger(false))).resolves.toBeUndefined()
    await expect(validateConfiguration({ ...pkg.build, notAnOption: true }, new DebugLogger(false))).rejects.toThrow('unknown property')
  })

  it('targets AppImage + deb, NSIS and dmg, and unpacks the native modules from asar', () => {
    expect(pkg.build).toMatchObject({
      linux: { target: ['AppImage', 'deb'] },
      win: { target: ['nsis'] },
      mac: { target: ['dmg'] },
    })
    expect(pkg.build.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/better-sqlite3/**', '**/node_modules/onnxruntime-node/**']))
    expect(pkg.scripts.dist).toBe('electron-vite build && electron-builder')
    expect(pkg.bin['openbeats-studio']).toBe('out/main/cli.js')
  })
})
