import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { NpyWriter, writeNpy } from '../../src-main/analysis/npy'
import { tempDir } from '../helpers/main-services'
import { readNpy } from './read-npy'

const hasNumpy = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0
const cleanups: Array<() => void> = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

function dir(): string {
  const t = tempDir('obs-npy-')
  cleanups.push(t.cleanup)
  return t.path
}

describe('npy writer', () => {
  it('streams rows and rewrites the header with the final shape (64-byte aligned data)', () => {
    const path = join(dir(), 'rows.npy')
    const w = new NpyWriter(path, 3)
    w.push(Float32Array.of(1, 2, 3))
    w.push(Float32Array.of(4, 5, 6, -7.5, 1e-8, 3.4e38))
    expect(w.close()).toEqual([3, 3])
    const r = readNpy(path)
    expect(r.shape).toEqual([3, 3])
    expect(r.header).toContain("'shape': (3, 3)")
    expect(r.headerBytes % 64).toBe(0)
    expect([...r.data]).toEqual([1, 2, 3, 4, 5, 6, -7.5, Math.fround(1e-8), Math.fround(3.4e38)])
  })

  it('writes a 1-d array with the (n,) shape numpy expects', () => {
    const path = join(dir(), 'vec.npy')
    writeNpy(path, Float32Array.of(0.5, -0.25), [2])
    expect(readNpy(path).shape).toEqual([2])
    expect(readFileSync(path, 'latin1')).toContain("'shape': (2,)")
  })

  it('writes an empty 2-d array as shape (0, k)', () => {
    const path = join(dir(), 'empty.npy')
    const w = new NpyWriter(path, 128)
    expect(w.close()).toEqual([0, 128])
    expect(readNpy(path).shape).toEqual([0, 128])
  })

  it('refuses values that are not whole rows', () => {
    const w = new NpyWriter(join(dir(), 'bad.npy'), 4)
    expect(() => w.push(new Float32Array(6))).toThrow(/not whole rows of 4/)
    w.abandon()
  })

  it.skipIf(!hasNumpy)('is read by numpy.load with the same shape and values', () => {
    const path = join(dir(), 'np.npy')
    const values = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i) * 1000)
    writeNpy(path, values, [4, 3])
    const r = spawnSync('/usr/bin/python3', ['-c', `import numpy as np, json; a = np.load(${JSON.stringify(path)}); print(json.dumps([list(a.shape), str(a.dtype), a.flags['C_CONTIGUOUS'], [float(x) for x in a.ravel()]]))`], { encoding: 'utf8' })
    expect(r.stderr).toBe('')
    const [shape, dtype, cOrder, data] = JSON.parse(r.stdout) as [number[], string, boolean, number[]]
    expect(shape).toEqual([4, 3])
    expect(dtype).toBe('float32')
    expect(cOrder).toBe(true)
    expect(data).toEqual([...values])
  })
})
