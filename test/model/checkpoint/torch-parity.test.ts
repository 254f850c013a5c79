// Cross-check against files written by real torch.save (skipped where python3 + torch is absent).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TorchCheckpointFile } from '../../../src-main/model/checkpoint/torch-checkpoint-file'
import type { TensorRef } from '../../../src-main/model/checkpoint/torch-pickle'
import { foldWeightNorm } from '../../../src-main/model/checkpoint/weight-norm'
import type { Tensor } from '../../../src-main/model/types'
import { runPython, torchPython } from './python'

const suite = torchPython ? describe : describe.skip
const dir = mkdtempSync(join(tmpdir(), 'obs-torchpy-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function readAll(file: string): Promise<Map<string, Tensor>> {
  const f = await TorchCheckpointFile.open(join(dir, file))
  try {
    const out = new Map<string, Tensor>()
    for (const [k, ref] of f.root as Map<string, TensorRef>) out.set(k, await f.tensor(ref, k))
    return out
  } finally {
    await f.close()
  }
}

function torchValues(name: string): Float32Array {
  const b = readFileSync(join(dir, `${name}.f32`))
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4)
}

suite(`reading files written by torch.save (${torchPython ?? 'no python with torch'})`, () => {
  beforeAll(() => {
    const r = runPython(torchPython as string, [join(__dirname, 'make_torch_checkpoints.py'), dir])
    if (r.status !== 0) throw new Error(`make_torch_checkpoints.py failed: ${r.stderr}`)
  }, 120_000)

  it('reads Half, BFloat16, Double, Long and strided views of one storage exactly as torch does', async () => {
    const got = await readAll('dtypes.pt')
    for (const name of ['half', 'bf16', 'double', 'transposed', 'strided', 'narrowed', 'long']) {
      expect(got.get(name)?.data, name).toEqual(torchValues(`dtypes.${name}`))
    }
    expect(got.get('strided')?.shape).toEqual([3, 2])
  })

  it('reads pickle protocol 4 (FRAME, MEMOIZE, SHORT_BINUNICODE) checkpoints', async () => {
    const got = await readAll('protocol4.pt')
    expect(got.get('t')?.data).toEqual(torchValues('protocol4.t'))
  })

  it('reads nn.Parameter (_rebuild_parameter)', async () => {
    expect((await readAll('parameter.pt')).get('p')?.data).toEqual(torchValues('parameter.p'))
  })

  it('folds weight norm like torch (float64 fold vs torch float32 within 2 ulp)', async () => {
    const got = await readAll('weightnorm.pt')
    const folded = foldWeightNorm(got.get('weight_g')!, got.get('weight_v')!)
    const ref = torchValues('weightnorm.folded')
    let worst = 0
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(folded.data[i] - ref[i]) / (Math.abs(ref[i]) * 2 ** -23 + 1e-30))
    expect(worst).toBeLessThanOrEqual(2)
  })
})
