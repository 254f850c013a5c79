import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { TorchCheckpointFile } from '../../../src-main/model/checkpoint/torch-checkpoint-file'
import { TensorRef } from '../../../src-main/model/checkpoint/torch-pickle'
import { buildTorchZip, f32Bytes, PickleBuilder, type TensorSpec } from './torch-writer'

const dir = mkdtempSync(join(tmpdir(), 'obs-torch-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0

/** Writes a checkpoint whose pickle is {name: tensor, …} and reads every tensor back. */
async function roundTrip(tensors: Record<string, TensorSpec>, storages: Record<string, Uint8Array>, extra: { byteorder?: 'little' | 'big'; deflate?: boolean } = {}): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const path = join(dir, `t${n++}.pt`)
  const p = new PickleBuilder().proto(2).dict(new Map(Object.entries(tensors)), true).stop()
  writeFileSync(path, buildTorchZip({ pickle: p.bytes(), storages, ...extra }))
  const f = await TorchCheckpointFile.open(path)
  try {
    const root = f.root as Map<string, TensorRef>
    const refs = [...root.values()]
    f.plan(refs)
    const out = new Map<string, { shape: number[]; data: Float32Array }>()
    for (const [k, ref] of root) out.set(k, await f.tensor(ref, k))
    return out
  } finally {
    await f.close()
  }
}

function f16(values: number[]): Uint8Array {
  // hand-encoded IEEE half values
  const table: Record<number, number> = { 1: 0x3c00, [-2]: 0xc000, 0.5: 0x3800, 65504: 0x7bff, 0: 0x0000, [2 ** -24]: 0x0001 }
  return new Uint8Array(Uint16Array.from(values.map((v) => table[v])).buffer)
}

describe('TorchCheckpointFile tensors', () => {
  it('reads float32 storages with offsets and shared storages', async () => {
    const s = f32Bytes([0, 1, 2, 3, 4, 5, 6, 7])
    const got = await roundTrip(
      {
        whole: { key: '0', storageNumel: 8, shape: [2, 4] },
        tail: { key: '0', storageNumel: 8, shape: [3], offset: 5 },
      },
      { 0: s },
    )
    expect(got.get('whole')).toEqual({ shape: [2, 4], data: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]) })
    expect(got.get('tail')).toEqual({ shape: [3], data: Float32Array.from([5, 6, 7]) })
  })

  it('materialises non-contiguous views (a transpose, a strided slice) in C order', async () => {
    // storage holds a 2×3 matrix [[0,1,2],[3,4,5]]
    const s = f32Bytes([0, 1, 2, 3, 4, 5])
    const got = await roundTrip(
      {
        transposed: { key: '0', storageNumel: 6, shape: [3, 2], stride: [1, 3] },
        column1: { key: '0', storageNumel: 6, shape: [2], stride: [3], offset: 1 },
        broadcast: { key: '0', storageNumel: 6, shape: [2, 3], stride: [0, 1] },
      },
      { 0: s },
    )
    expect(got.get('transposed')?.data).toEqual(Float32Array.from([0, 3, 1, 4, 2, 5]))
    expect(got.get('column1')?.data).toEqual(Float32Array.from([1, 4]))
    expect(got.get('broadcast')?.data).toEqual(Float32Array.from([0, 1, 2, 0, 1, 2]))
  })

  it('converts Half, BFloat16, Double and Long storages to float32', async () => {
    const bf16 = new Uint8Array(Uint16Array.from([0x3f80, 0xc040, 0x3e20]).buffer) // 1, -3, 0.15625
    const f64 = new Uint8Array(Float64Array.from([0.1, -2.5]).buffer)
    const i64 = new Uint8Array(BigInt64Array.from([-3n, 1n << 40n]).buffer)
    const got = await roundTrip(
      {
        half: { key: 'h', storageNumel: 6, shape: [6], dtype: 'float16' },
        halfT: { key: 'h', storageNumel: 6, shape: [3, 2], stride: [1, 3], dtype: 'float16' },
        bf: { key: 'b', storageNumel: 3, shape: [3], dtype: 'bfloat16' },
        dbl: { key: 'd', storageNumel: 2, shape: [2], dtype: 'float64' },
        long: { key: 'l', storageNumel: 2, shape: [2], dtype: 'int64' },
      },
      { h: f16([1, -2, 0.5, 65504, 0, 2 ** -24]), b: bf16, d: f64, l: i64 },
    )
    expect(got.get('half')?.data).toEqual(Float32Array.from([1, -2, 0.5, 65504, 0, 2 ** -24]))
    expect(got.get('halfT')?.data).toEqual(Float32Array.from([1, 65504, -2, 0, 0.5, 2 ** -24]))
    expect(got.get('bf')?.data).toEqual(Float32Array.from([1, -3, 0.15625]))
    expect(got.get('dbl')?.data).toEqual(Float32Array.from([Math.fround(0.1), -2.5]))
    expect(got.get('long')?.data).toEqual(Float32Array.from([-3, 2 ** 40]))
  })

  it('honours byteorder "big"', async () => {
    const be = Buffer.alloc(12)
    be.writeFloatBE(1.5, 0)
    be.writeFloatBE(-0.25, 4)
    be.writeFloatBE(3, 8)
    const half = Buffer.alloc(4)
    half.writeUInt16BE(0x3c00, 0)
    half.writeUInt16BE(0xc000, 2)
    const got = await roundTrip(
      { a: { key: '0', storageNumel: 3, shape: [3] }, h: { key: '1', storageNumel: 2, shape: [2], dtype: 'float16' } },
      { 0: be, 1: half },
      { byteorder: 'big' },
    )
    expect(got.get('a')?.data).toEqual(Float32Array.from([1.5, -0.25, 3]))
    expect(got.get('h')?.data).toEqual(Float32Array.from([1, -2]))
  })

  it('reads deflated archives', async () => {
    const got = await roundTrip({ a: { key: '0', storageNumel: 3, shape: [3] } }, { 0: f32Bytes([1, 2, 3]) }, { deflate: true })
    expect(got.get('a')?.data).toEqual(Float32Array.from([1, 2, 3]))
  })

  it('accepts a dtype global (torch.float32) as the storage type', async () => {
    const got = await roundTrip({ a: { key: '0', storageNumel: 2, shape: [2], storageGlobal: ['torch', 'float32'] } }, { 0: f32Bytes([4, 5]) })
    expect(got.get('a')?.data).toEqual(Float32Array.from([4, 5]))
  })

  it('rejects a storage that is shorter than the pickle claims (past the end of its data)', async () => {
    await expect(roundTrip({ a: { key: '0', storageNumel: 100, shape: [100] } }, { 0: f32Bytes([1, 2, 3]) })).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining('should hold 400 bytes'),
    })
  })

  it('rejects a view that reaches past its storage', async () => {
    await expect(roundTrip({ a: { key: '0', storageNumel: 4, shape: [2, 2], stride: [3, 1] } }, { 0: f32Bytes([1, 2, 3, 4]) })).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining('reaches past its storage'),
    })
  })

  it('rejects a broadcast view far larger than its storage (absurd size)', async () => {
    await expect(roundTrip({ a: { key: '0', storageNumel: 1, shape: [1 << 14, 1 << 14], stride: [0, 0] } }, { 0: f32Bytes([1]) })).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining('views 268435456 items over a storage of 1'),
    })
  })

  it('rejects a storage key that is missing from the archive', async () => {
    await expect(roundTrip({ a: { key: '9', storageNumel: 1, shape: [1] } }, {})).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID', message: expect.stringContaining('missing') })
  })

  it('rejects a malicious data.pkl inside an otherwise valid torch zip, running nothing', async () => {
    const marker = join(dir, 'pwned-zip')
    const evil = new PickleBuilder().proto(2).emptyDict().mark()
      .str('w').tensor({ key: '0', storageNumel: 1, shape: [1] })
      .str('x').global('os', 'system').str(`touch ${marker}`).tuple1().reduce()
      .setitems().stop()
    const path = join(dir, 'evil.pt')
    writeFileSync(path, buildTorchZip({ pickle: evil.bytes(), storages: { 0: f32Bytes([1]) } }))
    await expect(TorchCheckpointFile.open(path)).rejects.toMatchObject({ code: 'CHECKPOINT_UNSAFE', details: { global: 'os.system' } })
    expect(existsSync(marker)).toBe(false)
  })

  it('rejects persistent ids that are not storages and storage types outside the list', async () => {
    const badPid = new PickleBuilder().proto(2).mark().str('module').str('x').tuple().binpersid().stop()
    const p1 = join(dir, 'pid.pt')
    writeFileSync(p1, buildTorchZip({ pickle: badPid.bytes(), storages: {} }))
    await expect(TorchCheckpointFile.open(p1)).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID' })
    const badType = new PickleBuilder().proto(2).tensor({ key: '0', storageNumel: 1, shape: [1], storageGlobal: ['numpy', 'ndarray'] }).stop()
    const p2 = join(dir, 'type.pt')
    writeFileSync(p2, buildTorchZip({ pickle: badType.bytes(), storages: { 0: f32Bytes([1]) } }))
    await expect(TorchCheckpointFile.open(p2)).rejects.toMatchObject({ code: 'CHECKPOINT_UNSAFE', details: { global: 'numpy.ndarray' } })
  })
})
