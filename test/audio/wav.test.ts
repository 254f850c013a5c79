import { afterAll, describe, expect, it } from 'vitest'
import { decodeAudio, listRiffChunks, probeAudio, readRiffChunk, streamAudio } from '../../src-main/audio'
import { AppError } from '../../src-main/errors'
import { chunk, collect, encodeFrames, fmtChunk, riff, seededRandom, simpleWav, tempDir, type FmtSpec } from './wav-builder'

const tmp = tempDir()
afterAll(() => tmp.cleanup())

async function expectAudioError(promise: Promise<unknown>, code: string, path: string, reason: RegExp): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(AppError)
  expect((err as AppError).code).toBe(code)
  expect((err as AppError).message).toContain(path)
  expect((err as AppError).message).toMatch(reason)
}

/** Frames of integers spanning the full range of a `bits`-bit signed sample, both extremes included. */
function intFrames(bits: number, channels: number, n: number, seed: number): number[][] {
  const rnd = seededRandom(seed)
  const full = 2 ** (bits - 1)
  const frames: number[][] = []
  for (let i = 0; i < n; i++) {
    const frame: number[] = []
    for (let c = 0; c < channels; c++) {
      const v = i === 0 ? -full : i === 1 ? full - 1 : Math.floor(rnd() * 2 * full) - full
      frame.push(v)
    }
    frames.push(frame)
  }
  return frames
}

describe('WAV sample formats', () => {
  for (const bits of [16, 24, 32]) {
    it(`decodes ${bits}-bit PCM exactly as integer / 2^${bits - 1}`, async () => {
      const frames = intFrames(bits, 1, 1000, bits)
      const path = tmp.file(`pcm${bits}.wav`, simpleWav({ codec: 'pcm', bits, channels: 1, rate: 48000 }, frames))
      const { info, samples } = await decodeAudio(path)
      expect(info).toMatchObject({ container: 'wav', codec: 'pcm', sampleRate: 48000, channels: 1, frames: 1000, bitsPerSample: bits, warnings: [] })
      expect(samples[0]).toBe(-1)
      expect(samples[1]).toBe(Math.fround((2 ** (bits - 1) - 1) / 2 ** (bits - 1)))
      for (let i = 0; i < frames.length; i++) expect(samples[i]).toBe(Math.fround(frames[i][0] / 2 ** (bits - 1)))
    })
  }

  it('decodes unsigned 8-bit PCM as (byte − 128) / 128', async () => {
    const frames = [[0], [128], [255], [1], [200]]
    const path = tmp.file('pcm8.wav', simpleWav({ codec: 'pcm', bits: 8, channels: 1, rate: 8000 }, frames))
    const { info, samples } = await decodeAudio(path)
    expect(info.frames).toBe(5)
    expect(Array.from(samples)).toEqual([-1, 0, 127 / 128, -127 / 128, 72 / 128])
  })

  it('decodes an odd number of 8-bit frames followed by the pad byte and another chunk', async () => {
    const spec: FmtSpec = { codec: 'pcm', bits: 8, channels: 1, rate: 8000 }
    const path = tmp.file('pcm8-odd.wav', riff([fmtChunk(spec), chunk('data', encodeFrames(spec, [[0], [64], [192]])), chunk('LIST', Buffer.from('INFOabcd'))]))
    const { info, samples } = await decodeAudio(path)
    expect(info.warnings).toEqual([])
    expect(Array.from(samples)).toEqual([-1, -0.5, 0.5])
  })

  for (const bits of [32, 64]) {
    it(`decodes ${bits}-bit IEEE float as stored`, async () => {
      const values = [0, 0.5, -0.25, 1, -1, 1.5, 1e-9]
      const path = tmp.file(`float${bits}.wav`, simpleWav({ codec: 'float', bits, channels: 1, rate: 96000 }, values.map((v) => [v])))
      const { info, samples } = await decodeAudio(path)
      expect(info).toMatchObject({ codec: 'float', bitsPerSample: bits, frames: values.length, warnings: [] })
      expect(Array.from(samples)).toEqual(values.map((v) => Math.fround(v)))
    })
  }

  it('replaces NaN with 0 and ±Inf with ±1 in float files and warns with the count', async () => {
    const values = [0.25, NaN, Infinity, -Infinity, NaN, -0.5]
    const path = tmp.file('nan.wav', simpleWav({ codec: 'float', bits: 32, channels: 1, rate: 16000 }, values.map((v) => [v])))
    const warned: string[] = []
    const { samples, result } = await collect(streamAudio(path, { onWarning: (m) => warned.push(m) }))
    expect(Array.from(samples)).toEqual([0.25, 0, 1, -1, 0, -0.5])
    expect(warned).toEqual(['4 NaN/Inf sample(s) replaced (NaN → 0, ±Inf → ±1)'])
    expect(result).toEqual({ frames: 6, warnings: warned })
    const decoded = await decodeAudio(path)
    expect(decoded.info.warnings).toEqual(warned)
  })

  it('reads WAVE_FORMAT_EXTENSIBLE PCM with 24 valid bits in 32-bit containers', async () => {
    const spec: FmtSpec = { codec: 'pcm', bits: 32, channels: 2, rate: 192000, extensible: { validBits: 24 } }
    const ints = intFrames(24, 2, 50, 7)
    const shifted = ints.map((f) => f.map((v) => v * 256))
    const path = tmp.file('ext24in32.wav', simpleWav(spec, shifted))
    const { info, samples } = await decodeAudio(path, { channel: 1 })
    expect(info).toMatchObject({ codec: 'pcm', bitsPerSample: 24, channels: 2, frames: 50, warnings: [] })
    for (let i = 0; i < 50; i++) expect(samples[i]).toBe(Math.fround(ints[i][1] / 2 ** 23))
  })

  it('reads WAVE_FORMAT_EXTENSIBLE float and packed 24-bit', async () => {
    const f = tmp.file('extf.wav', simpleWav({ codec: 'float', bits: 32, channels: 1, rate: 44100, extensible: {} }, [[0.125], [-0.75]]))
    expect(Array.from((await decodeAudio(f)).samples)).toEqual([0.125, -0.75])
    const p = tmp.file('ext24.wav', simpleWav({ codec: 'pcm', bits: 24, channels: 1, rate: 44100, extensible: {} }, [[-8388608], [4194304]]))
    expect(Array.from((await decodeAudio(p)).samples)).toEqual([-1, 0.5])
  })

  it('averages channels by default and picks one channel on request', async () => {
    const frames = [
      [1000, -2000, 30000],
      [-32768, 32767, 1],
    ]
    const path = tmp.file('three.wav', simpleWav({ codec: 'pcm', bits: 16, channels: 3, rate: 16000 }, frames))
    const mean = (await decodeAudio(path)).samples
    expect(mean[0]).toBe(Math.fround(29000 / 32768 / 3))
    expect(mean[1]).toBe(Math.fround(0 / 3))
    for (let c = 0; c < 3; c++) {
      const one = (await decodeAudio(path, { channel: c })).samples
      expect(Array.from(one)).toEqual(frames.map((f) => f[c] / 32768))
    }
    await expectAudioError(decodeAudio(path, { channel: 3 }), 'INVALID_REQUEST', path, /channel 3 requested but the file has 3/)
  })

  it('averages and picks channels of 24-bit files too (their own decoding loop)', async () => {
    const frames = [
      [1000, -2000, 8_388_607],
      [-8_388_608, 8_388_607, 1],
      [-1, 0, 5],
    ]
    const path = tmp.file('three24.wav', simpleWav({ codec: 'pcm', bits: 24, channels: 3, rate: 384000 }, frames))
    const mean = (await decodeAudio(path)).samples
    expect(Array.from(mean)).toEqual(frames.map((f) => Math.fround(((f[0] + f[1] + f[2]) / 2 ** 23) / 3)))
    for (let c = 0; c < 3; c++) {
      const one = (await decodeAudio(path, { channel: c })).samples
      expect(Array.from(one)).toEqual(frames.map((f) => f[c] / 2 ** 23))
    }
  })

  it('reads sample rates above 500 kHz', async () => {
    const path = tmp.file('fast.wav', simpleWav({ codec: 'pcm', bits: 16, channels: 1, rate: 768000 }, intFrames(16, 1, 768, 3)))
    const info = await probeAudio(path)
    expect(info.sampleRate).toBe(768000)
    expect(info.durationSeconds).toBe(0.001)
  })

  it('refuses ADPCM, µ-law and unknown extensible sub-formats as AUDIO_UNSUPPORTED naming the codec', async () => {
    const adpcm = tmp.file('adpcm.wav', simpleWav({ codec: 'pcm', bits: 4, channels: 1, rate: 8000, tag: 0x11, blockAlign: 256 }, [[0]]))
    await expectAudioError(probeAudio(adpcm), 'AUDIO_UNSUPPORTED', adpcm, /IMA ADPCM \(format tag 0x0011\)/)
    const ulaw = tmp.file('ulaw.wav', simpleWav({ codec: 'pcm', bits: 8, channels: 1, rate: 8000, tag: 7 }, [[0]]))
    await expectAudioError(probeAudio(ulaw), 'AUDIO_UNSUPPORTED', ulaw, /µ-law/)
    const guid = tmp.file('guid.wav', simpleWav({ codec: 'pcm', bits: 16, channels: 1, rate: 8000, extensible: { badGuid: true } }, [[0]]))
    await expectAudioError(probeAudio(guid), 'AUDIO_UNSUPPORTED', guid, /unknown sub-format GUID/)
    const f16 = tmp.file('f16.wav', simpleWav({ codec: 'pcm', bits: 16, channels: 1, rate: 8000, tag: 3 }, [[0]]))
    await expectAudioError(probeAudio(f16), 'AUDIO_UNSUPPORTED', f16, /16-bit IEEE float/)
  })

  it('uses channels × sample size when the header blockAlign is wrong, and warns', async () => {
    const path = tmp.file('align.wav', simpleWav({ codec: 'pcm', bits: 16, channels: 2, rate: 8000, blockAlign: 2, byteRate: 16000 }, [[100, 300], [-100, -300]]))
    const { info, samples } = await decodeAudio(path)
    expect(info.frames).toBe(2)
    expect(Array.from(samples)).toEqual([200 / 32768, -200 / 32768])
    expect(info.warnings).toEqual([
      'header blockAlign is 2 but 2 channel(s) of 16-bit samples need 4; using 4',
      'header byteRate is 16000 but should be 32000; ignored',
    ])
  })
})

describe('WAV chunk layouts', () => {
  const spec: FmtSpec = { codec: 'pcm', bits: 16, channels: 1, rate: 22050 }
  const frames = intFrames(16, 1, 301, 11)
  const expected = frames.map((f) => f[0] / 32768)
  const data = encodeFrames(spec, frames)
  const list = chunk('LIST', Buffer.from('INFOICMT\x05\x00\x00\x00hello\x00', 'latin1'))
  const guan = chunk('guan', Buffer.from('GUANO|Version:1.0\nMake:Test', 'latin1'))
  const wamd = chunk('wamd', Buffer.alloc(21, 1))
  const bext = chunk('bext', Buffer.alloc(602))
  const id3 = chunk('id3 ', Buffer.from('ID3\x03\x00\x00\x00\x00\x00\x00', 'latin1'))

  const layouts: [string, Buffer[]][] = [
    ['metadata before data', [fmtChunk(spec), list, bext, guan, wamd, id3, chunk('data', data)]],
    ['metadata after data', [fmtChunk(spec), chunk('data', data), list, guan, wamd, bext, id3]],
    ['data before fmt', [chunk('data', data), list, fmtChunk(spec), guan]],
    ['a fact chunk and JUNK', [chunk('JUNK', Buffer.alloc(28)), fmtChunk(spec), chunk('fact', Buffer.from([45, 1, 0, 0])), chunk('data', data)]],
  ]
  for (const [name, chunks] of layouts) {
    it(`reads ${name}`, async () => {
      const path = tmp.file(`layout-${name.replace(/\W+/g, '-')}.wav`, riff(chunks))
      const { info, samples } = await decodeAudio(path)
      expect(info.warnings).toEqual([])
      expect(info.frames).toBe(301)
      expect(Array.from(samples)).toEqual(expected)
    })
  }

  it('follows an odd-sized chunk that has no pad byte before data, and warns', async () => {
    const path = tmp.file('nopad.wav', riff([fmtChunk(spec), chunk('guan', Buffer.from('GUANO|x'), { pad: false }), chunk('data', data)]))
    const { info, samples } = await decodeAudio(path)
    expect(info.warnings).toEqual(["chunk 'guan' has odd size 7 and no pad byte; the next chunk follows directly"])
    expect(Array.from(samples)).toEqual(expected)
  })

  it('reads odd-sized 8-bit data without its pad byte followed by a chunk', async () => {
    const s8: FmtSpec = { codec: 'pcm', bits: 8, channels: 1, rate: 8000 }
    const path = tmp.file('nopad8.wav', riff([fmtChunk(s8), chunk('data', Buffer.from([0, 128, 255]), { pad: false }), chunk('LIST', Buffer.from('INFO'))]))
    const { info, samples } = await decodeAudio(path)
    expect(info.warnings).toEqual(["chunk 'data' has odd size 3 and no pad byte; the next chunk follows directly"])
    expect(Array.from(samples)).toEqual([-1, 0, 127 / 128])
  })

  it('clamps a RIFF size that is too large or too small, with a warning', async () => {
    const body = [fmtChunk(spec), chunk('data', data)]
    const big = tmp.file('riffbig.wav', riff(body, { riffSize: 10_000_000 }))
    const small = tmp.file('riffsmall.wav', riff(body, { riffSize: 100 }))
    const total = riff(body).length
    expect((await decodeAudio(big)).info.warnings).toEqual([`RIFF size says 10000008 bytes but the file has ${total}; read to the end of the file`])
    const s = await decodeAudio(small)
    expect(s.info.warnings).toEqual([`RIFF size says 108 bytes but the file has ${total}; the extra ${total - 108} bytes were walked too`])
    expect(Array.from(s.samples)).toEqual(expected)
  })

  it('clamps a data size larger than the file (truncated recording) and keeps the whole frames', async () => {
    const path = tmp.file('cut.wav', riff([fmtChunk(spec), chunk('data', data.subarray(0, 201), { size: 602, pad: false })]))
    const { info, samples } = await decodeAudio(path)
    expect(info.frames).toBe(100)
    expect(Array.from(samples)).toEqual(expected.slice(0, 100))
    expect(info.warnings).toEqual([
      "chunk 'data' at offset 36 claims 602 bytes but only 201 remain; clamped",
      "chunk 'data' has odd size 201 and no pad byte at the end of the file",
      "'data' ends with 1 bytes of a partial frame; ignored",
    ])
  })

  it('reads to the end of the file when data size is 0xFFFFFFFF or 0 (still recording)', async () => {
    for (const size of [0xffffffff, 0]) {
      const path = tmp.file(`open-${size}.wav`, riff([fmtChunk(spec), chunk('data', data, { size })], { riffSize: 0 }))
      const { info, samples } = await decodeAudio(path)
      expect(info.frames).toBe(301)
      expect(Array.from(samples)).toEqual(expected)
      expect(info.warnings[1]).toBe(`'data' chunk size is ${size === 0 ? 0 : '0xFFFFFFFF'} (file not finalised, e.g. still recording); using the 602 bytes to the end of the file`)
    }
  })

  it('treats a data size of 0 followed by a real chunk as an empty recording', async () => {
    const path = tmp.file('empty-data.wav', riff([fmtChunk(spec), chunk('data', Buffer.alloc(0)), list]))
    await expectAudioError(probeAudio(path), 'AUDIO_EMPTY', path, /no samples \('data' chunk is 0 bytes\)/)
  })

  it('stops at garbage after data with a warning and keeps the audio', async () => {
    const garbage = Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    const path = tmp.file('garbage.wav', riff([fmtChunk(spec), chunk('data', data), guan], { trailing: garbage }))
    const { info, samples } = await decodeAudio(path)
    expect(Array.from(samples)).toEqual(expected)
    expect(info.warnings).toHaveLength(2)
    expect(info.warnings[1]).toMatch(/^unreadable bytes at offset \d+ after chunk 'guan' \(18 bytes to the end of the file\); stopped reading chunks there$/)
  })

  it('recovers a metadata chunk written 2 bytes before the end of data (Kaleidoscope) and shortens data', async () => {
    const meta = chunk('wamd', Buffer.alloc(69, 7), { pad: false })
    const bytes = riff([fmtChunk(spec), chunk('data', data)])
    // Overwrite the last 2 bytes of data with the start of the wamd chunk, as Kaleidoscope 2.0.4 did.
    const broken = Buffer.concat([bytes.subarray(0, bytes.length - 2), meta])
    const path = tmp.file('kaleidoscope.wav', broken)
    const { info, samples } = await decodeAudio(path)
    expect(info.frames).toBe(300)
    expect(Array.from(samples)).toEqual(expected.slice(0, 300))
    expect(info.warnings).toContain(`chunk at offset ${bytes.length - 2} starts 2 byte(s) before the end of chunk 'data'; 'data' shortened to 600 bytes`)
  })

  it('reads RF64 with the sizes in ds64', async () => {
    const ds64 = Buffer.alloc(28)
    ds64.writeBigUInt64LE(BigInt(4 + 36 + 8 + 16 + 8 + data.length), 0)
    ds64.writeBigUInt64LE(BigInt(data.length), 8)
    ds64.writeBigUInt64LE(301n, 16)
    const path = tmp.file('rf64.wav', riff([chunk('ds64', ds64), fmtChunk(spec), chunk('data', data, { size: 0xffffffff })], { magic: 'RF64', riffSize: 0xffffffff }))
    const { info, samples } = await decodeAudio(path)
    expect(info).toMatchObject({ container: 'rf64', frames: 301, warnings: [] })
    expect(Array.from(samples)).toEqual(expected)
  })
})

describe('WAV streaming', () => {
  const spec: FmtSpec = { codec: 'pcm', bits: 24, channels: 2, rate: 384000 }
  const frames = intFrames(24, 2, 10_007, 5)
  const path = tmp.file('stream.wav', simpleWav(spec, frames))
  const mean = frames.map((f) => Math.fround((f[0] + f[1]) / 2 ** 23 / 2))

  it('yields blocks of blockFrames (last one shorter) that concatenate to the one-shot decode', async () => {
    const { samples, blocks, result } = await collect(streamAudio(path, { blockFrames: 1000 }))
    expect(blocks).toEqual([...Array(10).fill(1000), 7])
    expect(Array.from(samples)).toEqual(mean)
    expect(result).toEqual({ frames: 10_007, warnings: [] })
  })

  it('seeks to startFrame/endFrame', async () => {
    const { samples } = await collect(streamAudio(path, { startFrame: 4321, endFrame: 8765, blockFrames: 333 }))
    expect(Array.from(samples)).toEqual(mean.slice(4321, 8765))
    const tail = await collect(streamAudio(path, { startFrame: 10_000, endFrame: 99_999 }))
    expect(Array.from(tail.samples)).toEqual(mean.slice(10_000))
  })

  it('reports progress in frames', async () => {
    const seen: [number, number][] = []
    await collect(streamAudio(path, { blockFrames: 4000, onProgress: (d, t) => seen.push([d, t]) }))
    expect(seen).toEqual([
      [4000, 10_007],
      [8000, 10_007],
      [10_007, 10_007],
    ])
  })

  it('stops with CANCELLED when the signal fires', async () => {
    const controller = new AbortController()
    const gen = streamAudio(path, { blockFrames: 100, signal: controller.signal })
    await gen.next()
    controller.abort()
    await expect(gen.next()).rejects.toMatchObject({ code: 'CANCELLED' })
  })

  it('rejects bad options as INVALID_REQUEST', async () => {
    await expect(collect(streamAudio(path, { blockFrames: 0 }))).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    await expect(collect(streamAudio(path, { startFrame: 5, endFrame: 4 }))).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    await expect(collect(streamAudio(path, { startFrame: 1.5 }))).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  })
})

describe('bad input', () => {
  const spec: FmtSpec = { codec: 'pcm', bits: 16, channels: 2, rate: 44100 }

  it('AUDIO_NOT_FOUND for a missing file', async () => {
    const path = `${tmp.dir}/nope.wav`
    await expectAudioError(probeAudio(path), 'AUDIO_NOT_FOUND', path, /no such file/)
    await expectAudioError(collect(streamAudio(path)), 'AUDIO_NOT_FOUND', path, /no such file/)
  })

  it('AUDIO_EMPTY for a zero-length file', async () => {
    const path = tmp.file('zero.wav', Buffer.alloc(0))
    await expectAudioError(decodeAudio(path), 'AUDIO_EMPTY', path, /empty \(0 bytes\)/)
  })

  it('AUDIO_TRUNCATED for a header cut short or missing its data chunk', async () => {
    const full = simpleWav(spec, [[1, 2]])
    const cut10 = tmp.file('cut10.wav', full.subarray(0, 10))
    await expectAudioError(probeAudio(cut10), 'AUDIO_TRUNCATED', cut10, /too short/)
    const cut30 = tmp.file('cut30.wav', full.subarray(0, 30))
    await expectAudioError(probeAudio(cut30), 'AUDIO_TRUNCATED', cut30, /ends inside the 'fmt ' chunk/)
    const noData = tmp.file('nodata.wav', riff([fmtChunk(spec)]))
    await expectAudioError(probeAudio(noData), 'AUDIO_TRUNCATED', noData, /no 'data' chunk \(the file ends after 36 bytes\)/)
  })

  it('AUDIO_TRUNCATED when data promises samples but less than one frame is present', async () => {
    const path = tmp.file('onebyte.wav', riff([fmtChunk(spec), chunk('data', Buffer.from([1]), { size: 400, pad: false })]))
    await expectAudioError(probeAudio(path), 'AUDIO_TRUNCATED', path, /'data' promises 400 bytes but the file holds 1, less than one 4-byte frame/)
  })

  it('AUDIO_CORRUPT for impossible headers', async () => {
    const zeroCh = tmp.file('zeroch.wav', simpleWav({ ...spec, channels: 0, blockAlign: 4 }, [[]]))
    await expectAudioError(probeAudio(zeroCh), 'AUDIO_CORRUPT', zeroCh, /0 channels/)
    const zeroRate = tmp.file('zerorate.wav', simpleWav({ ...spec, rate: 0 }, [[1, 2]]))
    await expectAudioError(probeAudio(zeroRate), 'AUDIO_CORRUPT', zeroRate, /sample rate 0 Hz/)
    const noFmt = tmp.file('nofmt.wav', riff([chunk('data', Buffer.alloc(8)), chunk('LIST', Buffer.alloc(4))]))
    await expectAudioError(probeAudio(noFmt), 'AUDIO_CORRUPT', noFmt, /no 'fmt ' chunk/)
  })

  it('AUDIO_UNSUPPORTED for files that are not audio', async () => {
    const text = tmp.file('notes.wav', 'these are field notes, not audio\n')
    await expectAudioError(probeAudio(text), 'AUDIO_UNSUPPORTED', text, /not an audio format this app reads \(starts with bytes 74 68 65 73\)/)
    const avi = tmp.file('movie.wav', riff([chunk('avih', Buffer.alloc(56))], { form: 'AVI ' }))
    await expectAudioError(probeAudio(avi), 'AUDIO_UNSUPPORTED', avi, /RIFF form 'AVI ' is not WAVE audio/)
    const aiff = tmp.file('a.aiff', Buffer.from('FORM\x00\x00\x00\x04AIFF', 'latin1'))
    await expectAudioError(probeAudio(aiff), 'AUDIO_UNSUPPORTED', aiff, /AIFF is not supported/)
    await expectAudioError(probeAudio(tmp.dir), 'AUDIO_UNSUPPORTED', tmp.dir, /is a folder/)
  })

  it('never allocates from an unchecked header size: a 4 GB data claim on a tiny file', async () => {
    const path = tmp.file('liar.wav', riff([fmtChunk(spec), chunk('data', Buffer.alloc(16), { size: 0xfffffff0 })], { riffSize: 0xfffffff0 }))
    const { info, samples } = await decodeAudio(path)
    expect(info.frames).toBe(4)
    expect(samples.length).toBe(4)
  })

  it('stops walking after 4096 chunks instead of stalling on a file made of tiny chunks', async () => {
    const tiny = Array.from({ length: 5000 }, () => chunk('JUNK', Buffer.alloc(0)))
    const path = tmp.file('tiny-chunks.wav', riff([fmtChunk(spec), chunk('data', Buffer.alloc(8)), ...tiny]))
    const { chunks, warnings } = await listRiffChunks(path)
    expect(chunks).toHaveLength(4096)
    expect(warnings).toEqual([`more than 4096 chunks; stopped reading chunks at offset ${12 + 24 + 16 + 4094 * 8}`])
    expect((await decodeAudio(path)).samples.length).toBe(2)
  })

  it('chunk access: AUDIO_UNSUPPORTED for non-RIFF files, INVALID_REQUEST for audio-sized chunks', async () => {
    const text = tmp.file('chunks.txt', 'not a riff file at all')
    await expectAudioError(listRiffChunks(text), 'AUDIO_UNSUPPORTED', text, /not a RIFF file/)
    const path = tmp.file('chunks.wav', simpleWav(spec, [[1, 2]]))
    await expectAudioError(readRiffChunk(path, { id: 'data', offset: 44, size: 100_000_000 }), 'INVALID_REQUEST', path, /too large to read whole/)
    expect(await readRiffChunk(path, { id: 'data', offset: 44, size: 4 })).toEqual(Buffer.from([1, 0, 2, 0]))
  })

  it('refuses absurd channel counts and sample rates before allocating anything', async () => {
    const many = tmp.file('many.wav', simpleWav({ ...spec, channels: 65535, blockAlign: 0 }, [[1, 2]]))
    await expectAudioError(probeAudio(many), 'AUDIO_UNSUPPORTED', many, /65535 channels is more than 1024/)
    const fast = tmp.file('fastrate.wav', simpleWav({ ...spec, rate: 4_000_000_000, byteRate: 0 }, [[1, 2]]))
    await expectAudioError(probeAudio(fast), 'AUDIO_CORRUPT', fast, /sample rate 4000000000 Hz is implausible/)
  })
})
