// Builds WAV files byte by byte for tests, including the broken layouts recorders produce.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface FmtSpec {
  codec: 'pcm' | 'float'
  bits: number
  channels: number
  rate: number
  /** Write WAVE_FORMAT_EXTENSIBLE with this validBits (defaults to bits). */
  extensible?: { validBits?: number; subFormatTag?: number; badGuid?: boolean }
  /** Override the format tag (e.g. 0x0011 IMA ADPCM). */
  tag?: number
  blockAlign?: number
  byteRate?: number
}

/** A chunk: 8-byte header, payload, and the pad byte for odd sizes unless `pad` is false. */
export function chunk(id: string, payload: Buffer, opts: { pad?: boolean; size?: number } = {}): Buffer {
  const header = Buffer.alloc(8)
  header.write(id, 0, 'latin1')
  header.writeUInt32LE(opts.size ?? payload.length, 4)
  const pad = payload.length % 2 === 1 && opts.pad !== false ? Buffer.alloc(1) : Buffer.alloc(0)
  return Buffer.concat([header, payload, pad])
}

export function fmtChunk(spec: FmtSpec): Buffer {
  const bytes = Math.ceil(spec.bits / 8)
  const blockAlign = spec.blockAlign ?? spec.channels * bytes
  const tag = spec.tag ?? (spec.extensible ? 0xfffe : spec.codec === 'float' ? 3 : 1)
  const body = Buffer.alloc(spec.extensible ? 40 : spec.codec === 'float' ? 18 : 16)
  body.writeUInt16LE(tag, 0)
  body.writeUInt16LE(spec.channels, 2)
  body.writeUInt32LE(spec.rate, 4)
  body.writeUInt32LE(spec.byteRate ?? spec.rate * blockAlign, 8)
  body.writeUInt16LE(blockAlign, 12)
  body.writeUInt16LE(spec.bits, 14)
  if (spec.extensible) {
    body.writeUInt16LE(22, 16)
    body.writeUInt16LE(spec.extensible.validBits ?? spec.bits, 18)
    body.writeUInt32LE(spec.channels === 1 ? 0x4 : 0x3, 20)
    body.writeUInt16LE(spec.extensible.subFormatTag ?? (spec.codec === 'float' ? 3 : 1), 24)
    Buffer.from(spec.extensible.badGuid ? '000000001000800000aa00389b72' : '000000001000800000aa00389b71', 'hex').copy(body, 26)
  }
  return chunk('fmt ', body)
}

/** Interleaves per-frame sample values (integers for PCM, floats for float) into data bytes. */
export function encodeFrames(spec: Pick<FmtSpec, 'codec' | 'bits'>, frames: number[][]): Buffer {
  const bytes = Math.ceil(spec.bits / 8)
  const channels = frames[0]?.length ?? 0
  const out = Buffer.alloc(frames.length * channels * bytes)
  let at = 0
  for (const frame of frames) {
    for (const v of frame) {
      if (spec.codec === 'float') {
        if (bytes === 4) out.writeFloatLE(v, at)
        else out.writeDoubleLE(v, at)
      } else if (bytes === 1) {
        out.writeUInt8(v, at)
      } else {
        out.writeIntLE(v, at, bytes)
      }
      at += bytes
    }
  }
  return out
}

/** RIFF header + chunks; riffSize defaults to the true size. */
export function riff(chunks: Buffer[], opts: { riffSize?: number; magic?: string; form?: string; trailing?: Buffer } = {}): Buffer {
  const body = Buffer.concat(chunks)
  const head = Buffer.alloc(12)
  head.write(opts.magic ?? 'RIFF', 0, 'latin1')
  head.writeUInt32LE(opts.riffSize ?? body.length + 4, 4)
  head.write(opts.form ?? 'WAVE', 8, 'latin1')
  return Buffer.concat([head, body, opts.trailing ?? Buffer.alloc(0)])
}

/** The common case: fmt + data (+ extra chunks before/after data). */
export function simpleWav(spec: FmtSpec, frames: number[][], extra: { before?: Buffer[]; after?: Buffer[]; dataSize?: number } = {}): Buffer {
  const data = encodeFrames(spec, frames)
  return riff([fmtChunk(spec), ...(extra.before ?? []), chunk('data', data, { size: extra.dataSize }), ...(extra.after ?? [])])
}

/** A temp folder removed by the returned cleanup. */
export function tempDir(prefix = 'obs-audio-'): { dir: string; file: (name: string, bytes: Buffer | string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return {
    dir,
    file: (name, bytes) => {
      const p = join(dir, name)
      writeFileSync(p, bytes)
      return p
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** A deterministic pseudo-random sequence (xorshift32) for test signals. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s / 0x100000000
  }
}

export async function collect(gen: AsyncGenerator<Float32Array, unknown, undefined>): Promise<{ samples: Float32Array; blocks: number[]; result: unknown }> {
  const parts: Float32Array[] = []
  let step = await gen.next()
  while (!step.done) {
    parts.push(step.value)
    step = await gen.next()
  }
  const total = parts.reduce((n, p) => n + p.length, 0)
  const samples = new Float32Array(total)
  let at = 0
  for (const p of parts) {
    samples.set(p, at)
    at += p.length
  }
  return { samples, blocks: parts.map((p) => p.length), result: step.value }
}
