// Tests that need ../shared (fixtures, real recordings — some non-commercial, so never copied
// into this repo) use these helpers and skip with a message when ../shared is absent.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe } from 'vitest'

export const REPO_ROOT = resolve(__dirname, '..', '..')
export const SHARED_DIR = process.env.OPENBEATS_SHARED_DIR ?? resolve(REPO_ROOT, '..', 'shared')
export const FIXTURES_DIR = join(SHARED_DIR, 'fixtures', 'openbeats-tiny')
export const REAL_DIR = join(SHARED_DIR, 'testdata', 'real')
export const hasShared = existsSync(join(FIXTURES_DIR, 'manifest.json'))

/** `describe` when ../shared exists, otherwise a skipped suite that says why. */
export function describeShared(name: string, fn: () => void): void {
  if (hasShared) {
    describe(name, fn)
  } else {
    describe.skip(`${name} (skipped: ${SHARED_DIR} not found — the shared fixtures live beside the repo)`, fn)
  }
}

export function fixturePath(rel: string): string {
  return join(FIXTURES_DIR, rel)
}

export function realPath(rel: string): string {
  return join(REAL_DIR, rel)
}

export function readF32(path: string): Float32Array {
  const buf = readFileSync(path)
  const out = new Float32Array(buf.byteLength / 4)
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4)
  return out
}

export function readI32(path: string): Int32Array {
  const buf = readFileSync(path)
  const out = new Int32Array(buf.byteLength / 4)
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt32LE(i * 4)
  return out
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the manifest is test data read as loose JSON
export function fixtureManifest(): any {
  return JSON.parse(readFileSync(fixturePath('manifest.json'), 'utf8'))
}
