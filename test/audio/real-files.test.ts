// Every file in ../shared/testdata/real/{recordings,edge_cases}: header, length, warnings or error,
// and sample values read independently from the raw bytes.
import { readdirSync, readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { decodeAudio, listRiffChunks, probeAudio, readRiffChunk, streamAudio } from '../../src-main/audio'
import { describeShared, realPath } from '../helpers/shared-data'
import { EXPECTED } from './real-expected'
import { collect } from './wav-builder'

/** Our own reading of 16/24-bit mono samples straight from the bytes after the first 'data' tag. */
function rawSample(bytes: Buffer, bits: number, index: number): number {
  const data = bytes.indexOf('data', 12, 'latin1') + 8
  const width = bits / 8
  return bytes.readIntLE(data + index * width, width) / 2 ** (bits - 1)
}

describeShared('real recordings and edge cases', () => {
  it('covers every file in the shared folders', () => {
    const present = ['recordings', 'edge_cases'].flatMap((d) => readdirSync(realPath(d)).map((f) => `${d}/${f}`))
    expect(present.sort()).toEqual(Object.keys(EXPECTED).sort())
  })

  for (const [rel, expected] of Object.entries(EXPECTED)) {
    if ('error' in expected) {
      it(`${rel}: ${expected.error}`, async () => {
        const path = realPath(rel)
        // One at a time: a promise created before the previous one is awaited can reject with no
        // handler attached yet, which vitest reports as an unhandled rejection.
        for (const attempt of [() => probeAudio(path), () => decodeAudio(path), () => collect(streamAudio(path))]) {
          const err = await attempt().then(() => undefined, (e: { code?: string; message?: string }) => e)
          expect(err).toMatchObject({ code: expected.error })
          expect(err?.message).toContain(path)
          expect(err?.message).toMatch(expected.reason)
        }
      })
      continue
    }
    it(`${rel}: probe and decode`, async () => {
      const path = realPath(rel)
      const info = await probeAudio(path)
      expect(info).toEqual({ ...expected, path, durationSeconds: expected.frames / expected.sampleRate })
      const decoded = await decodeAudio(path)
      expect(decoded.samples.length).toBe(expected.frames)
      expect(decoded.info.warnings).toEqual(expected.warnings)
      for (const v of decoded.samples) if (!Number.isFinite(v) || Math.abs(v) > 1) throw new Error(`sample out of range: ${v}`)
    })
  }

  it('16/24-bit WAV samples equal an independent reading of the raw bytes', async () => {
    for (const [rel, bits] of [
      ['recordings/spinetail.wav', 16],
      ['recordings/0166_20240531_223911.wav', 16],
      ['edge_cases/AudiomothNoBatCalls.WAV', 16],
      ['edge_cases/Car300711-2014-Pass2-C1-16701_0_20141004_210909_000.wav', 16],
      ['recordings/Kuhls-pipistrelle-Pipistrellus_kuhlii_Ski0145_S2_From1152515ms_To1170806ms.wav', 24],
    ] as const) {
      const bytes = readFileSync(realPath(rel))
      const { samples } = await decodeAudio(realPath(rel))
      const n = samples.length
      for (const i of [0, 1, 2, 3, Math.floor(n / 3), Math.floor(n / 2), n - 2, n - 1]) expect(samples[i]).toBe(rawSample(bytes, bits, i))
    }
  })

  it('Kaleidoscope file: the last sample before the misplaced wamd is the last one kept', async () => {
    const rel = 'edge_cases/Car300711-2014-Pass2-C1-16701_0_20141004_210909_000.wav'
    const { samples } = await decodeAudio(realPath(rel))
    // Bytes 3840042–3840043 hold 0x0030 (48); the next two are the "wa" of "wamd".
    expect(samples[samples.length - 1]).toBe(48 / 32768)
  })

  it('stereo float file: mean of channels and each channel', async () => {
    const path = realPath('edge_cases/stereo.wav')
    expect(Array.from((await decodeAudio(path)).samples)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5])
    expect(Array.from((await decodeAudio(path, { channel: 0 })).samples)).toEqual([0, 0, 0, 0, 0])
    expect(Array.from((await decodeAudio(path, { channel: 1 })).samples)).toEqual([1, 1, 1, 1, 1])
  })

  it('lists RIFF chunks for metadata readers, including the recovered wamd and the unpadded guan', async () => {
    const ids = async (rel: string): Promise<string[]> => (await listRiffChunks(realPath(rel))).chunks.map((c) => `${c.id}:${c.size}`)
    expect(await ids('recordings/0166_20240531_223911.wav')).toEqual(['fmt :16', 'data:2521088', 'guan:218'])
    expect(await ids('recordings/1min.wav')).toEqual(['fmt :16', 'data:3840000', 'LIST:128', 'id3 :140'])
    expect(await ids('edge_cases/AudiomothNoBatCalls.WAV')).toEqual(['fmt :16', 'LIST:436', 'data:52544', 'guan:255'])
    expect(await ids('edge_cases/Car300711-2014-Pass2-C1-16701_0_20141004_210909_000.wav')).toEqual(['fmt :18', 'data:3839998', 'wamd:69'])
    expect(await ids('edge_cases/S4U00331_0_20160427_185458_000.wav')).toEqual(['fmt :16', 'data:3840000', 'wamd:776'])
    expect(await ids('recordings/soundscape.wav')).toEqual(['fmt :40', 'fact:4', 'data:320000'])
    expect(await ids('edge_cases/o_o_Col_de_Roncevaux_ferme_abandonnee10250_20140725_081655_173.wav')).toEqual(['fmt :16', 'LIST:26', 'data:1076'])

    const path = realPath('edge_cases/AudiomothNoBatCalls.WAV')
    const { chunks } = await listRiffChunks(path)
    const guano = (await readRiffChunk(path, chunks[3])).toString('utf8')
    expect(guano.startsWith('GUANO|Version:1.0\nMake:Open Acoustic Devices')).toBe(true)
    expect(guano.endsWith('Temperature Int:18.7')).toBe(true)
    const car = realPath('edge_cases/Car300711-2014-Pass2-C1-16701_0_20141004_210909_000.wav')
    const wamd = await readRiffChunk(car, (await listRiffChunks(car)).chunks[2])
    expect(wamd.toString('latin1')).toContain('Kaleidoscope 2.0.4')
  })
})
