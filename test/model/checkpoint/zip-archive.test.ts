import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ZipArchive } from '../../../src-main/model/checkpoint/zip-archive'
import { buildZip } from './torch-writer'

const dir = mkdtempSync(join(tmpdir(), 'obs-zip-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
function file(bytes: Uint8Array): string {
  const p = join(dir, `z${n++}.zip`)
  writeFileSync(p, bytes)
  return p
}

const payload = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) & 0xff)

async function readAll(path: string): Promise<Map<string, Uint8Array>> {
  const z = await ZipArchive.open(path)
  try {
    const out = new Map<string, Uint8Array>()
    for (const e of z.entries.values()) out.set(e.name, await z.read(e))
    return out
  } finally {
    await z.close()
  }
}

describe('ZipArchive', () => {
  it('reads stored entries by offset, with data aligned as torch writes it', async () => {
    const path = file(buildZip([{ name: 'a/data.pkl', data: Buffer.from('pickle') }, { name: 'a/data/0', data: payload }]))
    const z = await ZipArchive.open(path)
    const e = z.entries.get('a/data/0')
    expect(e).toMatchObject({ method: 0, size: 5000 })
    expect((await z.dataOffset(e!)) % 64).toBe(0)
    const into = new Uint8Array(5000)
    const got = await z.read(e!, into)
    expect(got).toBe(into) // read straight into the caller's buffer
    expect(got).toEqual(payload)
    await z.close()
  })

  it('inflates deflated entries', async () => {
    const got = await readAll(file(buildZip([{ name: 'x/data/0', data: payload, deflate: true }])))
    expect(got.get('x/data/0')).toEqual(payload)
  })

  it('reads zip64 central directories and extra fields', async () => {
    const got = await readAll(file(buildZip([{ name: 'x/data.pkl', data: Buffer.from('p') }, { name: 'x/data/0', data: payload }], { zip64: true })))
    expect([...got.keys()]).toEqual(['x/data.pkl', 'x/data/0'])
    expect(got.get('x/data/0')).toEqual(payload)
  })

  it('rejects a truncated zip (end record cut off) with CHECKPOINT_INVALID', async () => {
    const full = buildZip([{ name: 'x/data/0', data: payload }])
    await expect(ZipArchive.open(file(full.subarray(0, full.length - 10)))).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID', message: expect.stringContaining('truncated') })
  })

  it('rejects an entry whose data runs past the end of the file (a storage past EOF)', async () => {
    const full = Buffer.from(buildZip([{ name: 'x/data/0', data: payload }]))
    // claim a 1 MB entry in the central directory: its data would end beyond the file
    const cd = full.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
    full.writeUInt32LE(1_000_000, cd + 20)
    full.writeUInt32LE(1_000_000, cd + 24)
    await expect(readAll(file(full))).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID', message: expect.stringContaining('truncated or forged') })
  })

  it('rejects a central directory that points past the end of the file', async () => {
    const full = buildZip([{ name: 'x/data/0', data: payload }])
    const cut = Buffer.concat([full.subarray(0, 200), full.subarray(full.length - 80)])
    await expect(ZipArchive.open(file(cut))).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID', message: expect.stringContaining('central directory') })
  })

  it('refuses a deflated entry that claims an impossible size, before allocating it', async () => {
    const full = Buffer.from(buildZip([{ name: 'x/data/0', data: payload, deflate: true }]))
    const cd = full.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
    full.writeUInt32LE(0xfffffff0, cd + 24) // 4 GB from a few hundred bytes
    await expect(readAll(file(full))).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID', message: expect.stringContaining('forged') })
  })

  it('detects corrupted data through the CRC', async () => {
    const full = Buffer.from(buildZip([{ name: 'x/data/0', data: payload }]))
    full[200] ^= 0xff
    await expect(readAll(file(full))).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID', message: expect.stringContaining('CRC') })
  })

  it('tells a legacy (non-zip) torch file and a non-zip file apart', async () => {
    await expect(ZipArchive.open(file(Uint8Array.from([0x80, 0x02, 0x8a, 0x0a, ...new Array(40).fill(0)])))).rejects.toMatchObject({ code: 'CHECKPOINT_UNSUPPORTED' })
    await expect(ZipArchive.open(file(Buffer.from('definitely not a zip archive, just text')))).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID' })
    await expect(ZipArchive.open(file(new Uint8Array(3)))).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID' })
    await expect(ZipArchive.open(join(dir, 'missing.pt'))).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
