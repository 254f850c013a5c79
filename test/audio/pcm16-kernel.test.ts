import { describe, expect, it } from 'vitest'
import { decodePcm16Mono } from '../../src-main/audio/pcm16-kernel'

describe('16-bit PCM WebAssembly conversion', () => {
  it('gives v / 32768 exactly, for lengths that are not multiples of 8 and longer than one piece', () => {
    for (const frames of [0, 1, 7, 9, 65_536, 65_536 * 2 + 13]) {
      const ints = new Int16Array(frames)
      for (let i = 0; i < frames; i++) ints[i] = ((i * 7919) % 65536) - 32768
      if (frames > 2) {
        ints[0] = -32768
        ints[1] = 32767
      }
      const out = new Float32Array(frames + 3).fill(9)
      decodePcm16Mono(new Uint8Array(ints.buffer), frames, out, 2)
      expect(out[0]).toBe(9)
      expect(out[1]).toBe(9)
      expect(out[frames + 2]).toBe(9) // nothing written past the frames
      expect(Array.from(out.subarray(2, 2 + frames))).toEqual(Array.from(ints, (v) => v / 32768))
    }
  })

  it('reads the bytes as little-endian int16 from any offset of the buffer', () => {
    const raw = new Uint8Array([0xaa, 0x00, 0x80, 0xff, 0x7f, 0x01, 0x00])
    const out = new Float32Array(3)
    decodePcm16Mono(raw.subarray(1), 3, out, 0)
    expect(Array.from(out)).toEqual([-32768 / 32768, 32767 / 32768, 1 / 32768])
  })
})
