// Real compressed files and the 16 kHz path: known values, ffmpeg cross-checks where ffmpeg is
// installed, streaming = one-shot, and the time-expansion trap.
import { spawnSync } from 'node:child_process'
import { expect, it } from 'vitest'
import { decodeAudio, resample, stream16k, streamAudio } from '../../src-main/audio'
import { describeShared, realPath } from '../helpers/shared-data'
import { EXPECTED } from './real-expected'
import { collect } from './wav-builder'

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0

/** Interleaved float32 from ffmpeg (FLAC and PCM arrive as int / 2^(bits−1), the same scale as ours). */
function ffmpegFloat(path: string): Float32Array {
  const out = spawnSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'f32le', '-'], { maxBuffer: 1 << 28 })
  const buf = Buffer.from(out.stdout)
  return new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4)
}

describeShared('real files through the decoders and the 16 kHz path', () => {
  it('compressed files decode to known sample values (checked once against ffmpeg)', async () => {
    const flac = realPath('recordings/LluviasDeMayo.flac')
    const left = (await decodeAudio(flac, { channel: 0 })).samples
    const right = (await decodeAudio(flac, { channel: 1 })).samples
    const mean = (await decodeAudio(flac)).samples
    expect([left[0], left[1], left[2], left[1000]].map((v) => v * 32768)).toEqual([221, 162, -275, -129])
    expect([right[0], right[1], right[2], right[1000]].map((v) => v * 32768)).toEqual([310, 600, 166, 1758])
    for (const i of [0, 1, 2, 1000, 685_901]) expect(mean[i]).toBe((left[i] + right[i]) / 2)
    const mp3 = (await decodeAudio(realPath('edge_cases/recording.mp3'))).samples
    expect(mp3[0]).toBeCloseTo(-0.006020207, 8)
    expect(mp3[1000]).toBeCloseTo(-0.004849157, 8)
    const ogg = (await decodeAudio(realPath('recordings/456440__inspectorj__bird-whistling-robin-single-13.hq.ogg'), { channel: 1 })).samples
    expect(ogg[1000]).toBeCloseTo(0.000207318, 8)
  })

  it.runIf(hasFfmpeg)('compressed, float and 24-bit files match ffmpeg (lossless exactly, lossy within 2e-6)', async () => {
    // 16-bit WAVs are checked against the raw bytes in real-files.test.ts.
    for (const [rel, expected] of Object.entries(EXPECTED)) {
      if ('error' in expected || (expected.codec === 'pcm' && expected.bitsPerSample === 16 && rel !== 'recordings/spinetail.wav')) continue
      const path = realPath(rel)
      const ref = ffmpegFloat(path)
      const lossy = expected.codec === 'vorbis' || expected.codec === 'mp3'
      for (let c = 0; c < expected.channels; c++) {
        const ours = (await decodeAudio(path, { channel: c })).samples
        const n = Math.min(ours.length, ref.length / expected.channels)
        expect(n).toBeGreaterThanOrEqual(ours.length - 1)
        let worst = 0
        for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(ours[i] - ref[i * expected.channels + c]))
        expect(worst, `${rel} channel ${c}`).toBeLessThanOrEqual(lossy ? 2e-6 : 0)
      }
    }
  })

  it('streaming in small blocks and excerpts equals the one-shot decode for FLAC, Ogg and MP3', async () => {
    for (const rel of ['recordings/LluviasDeMayo.flac', 'recordings/456440__inspectorj__bird-whistling-robin-single-13.hq.ogg', 'edge_cases/recording.mp3']) {
      const path = realPath(rel)
      const whole = (await decodeAudio(path, { endFrame: 100_000 })).samples
      const streamed = await collect(streamAudio(path, { blockFrames: 777, endFrame: 100_000 }))
      expect(streamed.blocks.slice(0, -1).every((b) => b === 777)).toBe(true)
      expect(streamed.samples).toEqual(whole)
      const excerpt = await collect(streamAudio(path, { startFrame: 1234, endFrame: 5678, blockFrames: 1000 }))
      expect(excerpt.samples).toEqual(whole.slice(1234, 5678))
    }
  })

  it('stream16k equals resample(decodeAudio) on real files', async () => {
    for (const [rel, endFrame] of [
      ['recordings/0166_20240531_223911.wav', 312_500],
      ['recordings/LluviasDeMayo.flac', 88_200],
      ['edge_cases/AudiomothNoBatCalls.WAV', undefined],
    ] as const) {
      const path = realPath(rel)
      const { info, samples } = await decodeAudio(path, { endFrame })
      const { samples: streamed } = await collect(stream16k(path, { blockFrames: 10_000, endFrame }))
      expect(streamed).toEqual(resample(samples, info.sampleRate, 16_000))
    }
  })

  it('time-expanded ×10 bat recording: 38.4 kHz header, 384 kHz effective rate', async () => {
    const path = realPath('edge_cases/S4U00331_0_20160427_185458_000.wav')
    const asWritten = await collect(stream16k(path, { endFrame: 38_400 }))
    expect(asWritten.samples.length).toBe(16_000)
    const expanded = await collect(stream16k(path, { timeExpansion: 10, endFrame: 384_000 }))
    expect(expanded.samples.length).toBe(16_000)
    const { samples } = await decodeAudio(path, { endFrame: 384_000 })
    expect(expanded.samples).toEqual(resample(samples, 384_000, 16_000))
  })
})
