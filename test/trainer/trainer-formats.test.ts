// What the app reads back from the trainer: checkpoints in the trainer layout (SSL layout + a
// top-level head, labels and task in cfg), the .npy window embeddings of its embed job, and the
// window count rule both engines share.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeNpy } from '../../src-main/analysis/npy'
import { loadCheckpoint } from '../../src-main/model/checkpoint/load-checkpoint'
import { WindowPooler } from '../../src-main/model/embed/window-pooler'
import { windowCountFor } from '../../src-main/trainer/gpu-embed-job'
import { readNpyMatrix } from '../../src-main/trainer/npy-reader'
import { tempDir } from '../helpers/main-services'
import { TINY_ARCH } from '../model/checkpoint/beats-checkpoint-writer'
import { writeTrainerCheckpoint } from './trainer-checkpoint-writer'

const tmp = tempDir('obs-trainer-formats-')
afterAll(() => tmp.cleanup())

describe('trainer checkpoints in the app', () => {
  it('reads the head, its labels and its task from a trainer checkpoint', async () => {
    const path = join(tmp.path, 'multi-label.pt')
    const written = writeTrainerCheckpoint(path, { task: 'multi-label' })
    const loaded = await loadCheckpoint({ checkpointPath: path })
    expect(loaded.family).toBe('openbeats-ssl')
    expect(loaded.architecture).toEqual(TINY_ARCH)
    expect(loaded.warnings).toEqual([])
    expect(loaded.head?.labels).toEqual(['low', 'high', 'mid'])
    expect(loaded.head?.activation).toBe('sigmoid')
    expect(loaded.head?.weight.shape).toEqual([3, TINY_ARCH.dim])
    expect(loaded.head?.weight.data).toEqual(written.weight)
    expect(loaded.head?.bias.data).toEqual(written.bias)
  })

  it('gives a multi-class trainer head softmax', async () => {
    const path = join(tmp.path, 'multi-class.pt')
    writeTrainerCheckpoint(path, { task: 'multi-class', labels: ['a', 'b'] })
    const loaded = await loadCheckpoint({ checkpointPath: path })
    expect(loaded.head).toMatchObject({ labels: ['a', 'b'], activation: 'softmax' })
  })

  it('reads an encoder-only trainer checkpoint (pre-training) without a head', async () => {
    const path = join(tmp.path, 'encoder.pt')
    writeTrainerCheckpoint(path, { head: false })
    const loaded = await loadCheckpoint({ checkpointPath: path })
    expect(loaded.head).toBeUndefined()
    expect(loaded.warnings).toEqual([])
  })

  it('refuses a trainer head whose task is neither multi-label nor multi-class', async () => {
    const path = join(tmp.path, 'odd.pt')
    writeTrainerCheckpoint(path, { task: 'regression' })
    await expect(loadCheckpoint({ checkpointPath: path })).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID', message: `${path}: cfg classification_type must be multi-label or multi-class, got regression` })
  })
})

describe('the trainer\'s .npy window embeddings', () => {
  it('reads a float32 matrix written in numpy\'s format', () => {
    const path = join(tmp.path, 'w.npy')
    const values = Float32Array.from({ length: 12 }, (_, i) => i * 0.5 - 1)
    writeNpy(path, values, [4, 3])
    expect(readNpyMatrix(path)).toEqual({ rows: 4, columns: 3, data: values })
  })

  it('refuses other dtypes and truncated data, naming the file', () => {
    const f64 = join(tmp.path, 'f64.npy')
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }"
    const len = Buffer.alloc(2)
    len.writeUInt16LE(header.length + 1)
    writeFileSync(f64, Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY\x01\x00', 'latin1'), len, Buffer.from(header + '\n', 'latin1'), Buffer.alloc(8)]))
    expect(() => readNpyMatrix(f64)).toThrow(`${f64} is not a float32 matrix .npy file: dtype is not little-endian float32`)
    const cut = join(tmp.path, 'cut.npy')
    writeNpy(cut, new Float32Array(6), [2, 3])
    writeFileSync(cut, readFileSync(cut).subarray(0, 128 + 20))
    expect(() => readNpyMatrix(cut)).toThrow('20 data bytes for a 2×3 array')
  })
})

describe('window count shared with the trainer', () => {
  it('equals the windows the app\'s pooler emits, for every grid and length', () => {
    const grids = [
      { windowS: 1, hopS: 0.5 },
      { windowS: 0.2, hopS: 0.05 },
      { windowS: 3, hopS: 1 },
      { windowS: 2, hopS: 0.75 },
      { windowS: 0.5, hopS: 2 },
      { windowS: 5, hopS: 0.37 },
    ]
    for (const grid of grids) {
      for (const T of [1, 2, 5, 31, 62, 63, 143, 400]) {
        let emitted = 0
        const pooler = new WindowPooler(grid.windowS, grid.hopS, 1, () => emitted++)
        for (let t = 0; t < T; t++) pooler.push(t, new Float32Array(1))
        pooler.finish()
        expect(windowCountFor(T, grid), `${JSON.stringify(grid)} T=${T}`).toBe(emitted)
      }
    }
  })
})
