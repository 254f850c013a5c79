import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { buildEncoderGraph } from '../../../src-main/model/onnx/encoder-graph'
import type { ModelManifestDraft } from '../../../src-main/model/package/manifest'
import { readModelPackage } from '../../../src-main/model/package/read-package'
import { writeModelPackage } from '../../../src-main/model/package/write-package'
import { TINY, tinyWeights } from '../onnx/tiny-model'

const draft: ModelManifestDraft = {
  name: 'tiny test model',
  family: 'random',
  architecture: TINY,
  normalization: { mean: 15.41663, std: 6.55582 },
  quantization: 'none',
  attention: 'fused',
  source: { kind: 'generated', generator: 'test', seed: 7 },
  pretrained: false,
  note: 'test',
  warnings: [],
}

describe('model packages', () => {
  let root: string
  let graph: Uint8Array
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ob-pkg-'))
    graph = buildEncoderGraph(TINY, tinyWeights()).bytes
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('writes model.onnx and a manifest carrying its sha256, size and converter version', async () => {
    const dest = join(root, 'm1')
    const manifest = await writeModelPackage(dest, { graph, manifest: draft })
    expect(readdirSync(dest).sort()).toEqual(['manifest.json', 'model.onnx'])
    expect(manifest.onnxSha256).toBe(createHash('sha256').update(readFileSync(join(dest, 'model.onnx'))).digest('hex'))
    expect(manifest.onnxBytes).toBe(graph.byteLength)
    expect(manifest.converterVersion).toMatch(/^\d+\.\d+\.\d+$/)
    const back = await readModelPackage(dest)
    expect(back.manifest).toEqual(manifest)
    expect(back.modelPath).toBe(join(dest, 'model.onnx'))
    expect(readdirSync(root)).toEqual(['m1']) // no temp folder left beside it
  })

  it('refuses to overwrite an existing package unless asked to replace it', async () => {
    const dest = join(root, 'm')
    await writeModelPackage(dest, { graph, manifest: draft })
    await expect(writeModelPackage(dest, { graph, manifest: { ...draft, name: 'second' } })).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    await writeModelPackage(dest, { graph, manifest: { ...draft, name: 'second' } }, { replace: true })
    expect((await readModelPackage(dest)).manifest.name).toBe('second')
    expect(readdirSync(root)).toEqual(['m'])
  })

  it('leaves nothing behind when cancelled mid-write', async () => {
    const ac = new AbortController()
    const writing = writeModelPackage(join(root, 'm'), { graph, manifest: draft }, { signal: ac.signal })
    ac.abort()
    await expect(writing).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(readdirSync(root)).toEqual([])
  })

  it('rejects a manifest draft that does not fit the schema before writing anything', async () => {
    await expect(writeModelPackage(join(root, 'm'), { graph, manifest: { ...draft, normalization: { mean: 1, std: -1 } } })).rejects.toThrow()
    expect(readdirSync(root)).toEqual([])
  })

  it('refuses a package whose model.onnx was changed after writing (MODEL_INVALID)', async () => {
    const dest = join(root, 'm')
    await writeModelPackage(dest, { graph, manifest: draft })
    const bytes = readFileSync(join(dest, 'model.onnx'))
    bytes[bytes.length - 10] ^= 0xff
    writeFileSync(join(dest, 'model.onnx'), bytes)
    await expect(readModelPackage(dest)).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringContaining('does not match its manifest') })
    writeFileSync(join(dest, 'model.onnx'), bytes.subarray(0, 100))
    await expect(readModelPackage(dest, { verify: false })).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringContaining('bytes') })
  })

  it('hashes model.onnx once, then trusts its stamp until the file is touched in any way', async () => {
    const dest = join(root, 'm')
    await writeModelPackage(dest, { graph, manifest: draft })
    expect((await readModelPackage(dest)).verifiedBy).toBe('hash')
    expect(readdirSync(dest).sort()).toEqual(['.verified.json', 'manifest.json', 'model.onnx'])
    expect((await readModelPackage(dest)).verifiedBy).toBe('stamp')
    expect((await readModelPackage(dest, { verify: false })).verifiedBy).toBe('none')

    // the same bytes rewritten in place: a new change time, so hashed again (and found good)
    const path = join(dest, 'model.onnx')
    const { mtime } = statSync(path)
    writeFileSync(path, readFileSync(path))
    expect((await readModelPackage(dest)).verifiedBy).toBe('hash')
    expect((await readModelPackage(dest)).verifiedBy).toBe('stamp')

    // one byte flipped in place, size and modification time put back: still caught
    const bytes = readFileSync(path)
    bytes[bytes.length - 10] ^= 0xff
    writeFileSync(path, bytes)
    utimesSync(path, mtime, mtime)
    await expect(readModelPackage(dest)).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringContaining('does not match its manifest') })

    // a stamp copied from elsewhere (or edited) does not match this file and is ignored
    bytes[bytes.length - 10] ^= 0xff
    writeFileSync(path, bytes)
    expect((await readModelPackage(dest)).verifiedBy).toBe('hash')
    expect((await readModelPackage(dest)).verifiedBy).toBe('stamp')
    const stamp = JSON.parse(readFileSync(join(dest, '.verified.json'), 'utf8')) as { ino: number }
    writeFileSync(join(dest, '.verified.json'), JSON.stringify({ ...stamp, ino: stamp.ino + 1 }))
    expect((await readModelPackage(dest)).verifiedBy).toBe('hash')
  })

  it('names the bad field of an invalid manifest, and reports a folder without one as not found', async () => {
    const dest = join(root, 'm')
    await writeModelPackage(dest, { graph, manifest: draft })
    const manifest = JSON.parse(readFileSync(join(dest, 'manifest.json'), 'utf8'))
    writeFileSync(join(dest, 'manifest.json'), JSON.stringify({ ...manifest, quantization: 'int4' }))
    await expect(readModelPackage(dest)).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringContaining('quantization') })
    writeFileSync(join(dest, 'manifest.json'), '{ not json')
    await expect(readModelPackage(dest)).rejects.toMatchObject({ code: 'MODEL_INVALID' })
    await expect(readModelPackage(join(root, 'nothing'))).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' })
    expect(existsSync(join(root, 'nothing'))).toBe(false)
  })
})
