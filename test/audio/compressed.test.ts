// FLAC, Ogg and MP3: format detection, bad input, and (where ffmpeg is installed) files encoded
// from synthetic WAVs, checked against the WAV they came from.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeAudio, probeAudio, streamAudio } from '../../src-main/audio'
import { collect, seededRandom, simpleWav, tempDir } from './wav-builder'

const tmp = tempDir('obs-compressed-')
afterAll(() => tmp.cleanup())
const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0

async function errorOf(promise: Promise<unknown>): Promise<{ code?: string; message?: string } | undefined> {
  return promise.then(
    () => undefined,
    (e: { code?: string; message?: string }) => e,
  )
}

/** One Ogg page holding one packet (CRC left 0: our reader and the probe do not check it). */
function oggPage(packet: Buffer, granule = 0n): Buffer {
  const header = Buffer.alloc(28)
  header.write('OggS', 0, 'latin1')
  header[5] = 0x02
  header.writeBigInt64LE(granule, 6)
  header.writeUInt32LE(1234, 14)
  header[26] = 1
  header[27] = packet.length
  return Buffer.concat([header, packet])
}

/** A FLAC STREAMINFO body: block sizes 4096, then rate(20) channels−1(3) bits−1(5) total(36) bits. */
function streamInfo(rate: number, channels: number, bits: number, total: number): Buffer {
  const body = Buffer.alloc(34)
  body.writeUInt16BE(4096, 0)
  body.writeUInt16BE(4096, 2)
  const packed = (BigInt(rate) << 44n) | (BigInt(channels - 1) << 41n) | (BigInt(bits - 1) << 36n) | BigInt(total)
  body.writeBigUInt64BE(packed, 10)
  return body
}

describe('format detection and bad compressed input', () => {
  it('refuses Ogg Opus and unknown Ogg codecs as AUDIO_UNSUPPORTED', async () => {
    const opus = tmp.file('x.ogg', oggPage(Buffer.concat([Buffer.from('OpusHead', 'latin1'), Buffer.from([1, 2, 0x38, 1, 0x80, 0xbb, 0, 0, 0, 0, 0])])))
    expect(await errorOf(probeAudio(opus))).toMatchObject({ code: 'AUDIO_UNSUPPORTED', message: `${opus}: Ogg stream with Opus is not supported (Vorbis and FLAC are)` })
    const other = tmp.file('y.ogg', oggPage(Buffer.from('\x01somethingelse', 'latin1')))
    expect(await errorOf(probeAudio(other))).toMatchObject({ code: 'AUDIO_UNSUPPORTED', message: `${other}: Ogg stream with an unknown codec is not supported (Vorbis and FLAC are)` })
  })

  it('AUDIO_TRUNCATED for FLAC and Ogg files cut inside their headers', async () => {
    const flac = tmp.file('cut.flac', Buffer.concat([Buffer.from('fLaC\x00\x00\x00\x22', 'latin1'), streamInfo(44100, 1, 16, 1000).subarray(0, 12)]))
    expect(await errorOf(probeAudio(flac))).toMatchObject({ code: 'AUDIO_TRUNCATED', message: `${flac}: the file ends inside the FLAC STREAMINFO header` })
    const ogg = tmp.file('cut.ogg', Buffer.from('OggS\x00\x02\x00\x00\x00\x00\x00\x00', 'latin1'))
    expect(await errorOf(probeAudio(ogg))).toMatchObject({ code: 'AUDIO_TRUNCATED' })
    const id3 = tmp.file('cut.mp3', Buffer.concat([Buffer.from('ID3\x03\x00\x00\x00\x00\x02\x00', 'latin1'), Buffer.alloc(20)]))
    expect(await errorOf(probeAudio(id3))).toMatchObject({ code: 'AUDIO_TRUNCATED', message: `${id3}: the file ends inside its ID3 tag` })
  })

  it('AUDIO_CORRUPT for a FLAC whose frames are garbage (the probe still reads STREAMINFO)', async () => {
    const rnd = seededRandom(9)
    const junk = Buffer.from(Array.from({ length: 4000 }, () => Math.floor(rnd() * 256)))
    const path = tmp.file('garbage.flac', Buffer.concat([Buffer.from('fLaC', 'latin1'), Buffer.from([0x80, 0, 0, 34]), streamInfo(44100, 1, 16, 1000), junk]))
    const info = await probeAudio(path)
    expect(info).toMatchObject({ container: 'flac', sampleRate: 44100, channels: 1, bitsPerSample: 16, frames: 1000 })
    const err = await errorOf(collect(streamAudio(path)))
    expect(err?.code).toBe('AUDIO_CORRUPT')
    expect(err?.message).toMatch(/the FLAC decoder produced no audio/)
  })

  it('refuses MPEG-looking bytes without real frames, AAC, and MP4', async () => {
    const fake = tmp.file('fake.mp3', Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x44]), Buffer.alloc(50, 0x11)]))
    expect(await errorOf(probeAudio(fake))).toMatchObject({ code: 'AUDIO_UNSUPPORTED', message: `${fake}: no MPEG audio frames found; not an audio file this app reads` })
    const aac = tmp.file('x.aac', Buffer.from([0xff, 0xf1, 0x50, 0x80, 0, 0x1f, 0xfc, 0, 0, 0, 0, 0, 0]))
    expect(await errorOf(probeAudio(aac))).toMatchObject({ code: 'AUDIO_UNSUPPORTED', message: `${aac}: AAC (ADTS) audio is not supported (convert it to WAV or FLAC)` })
    const m4a = tmp.file('x.m4a', Buffer.from('\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00', 'latin1'))
    expect(await errorOf(probeAudio(m4a))).toMatchObject({ code: 'AUDIO_UNSUPPORTED' })
  })
})

describe.runIf(hasFfmpeg)('files encoded by ffmpeg from synthetic WAVs', () => {
  const rnd = seededRandom(42)
  const rate = 96000
  const frames: number[][] = []
  for (let i = 0; i < 40_000; i++) {
    const tone = Math.round(3_000_000 * Math.sin((2 * Math.PI * 440 * i) / rate))
    frames.push([tone + Math.floor(rnd() * 20_000), -tone + Math.floor(rnd() * 20_000)])
  }
  const wav24 = tmp.file('src24.wav', simpleWav({ codec: 'pcm', bits: 24, channels: 2, rate }, frames))
  const wav16 = tmp.file('src16.wav', simpleWav({ codec: 'pcm', bits: 16, channels: 2, rate: 22050 }, frames.map((f) => f.map((v) => v >> 8))))

  const encode = (input: string, name: string, args: string[]): string => {
    const out = `${tmp.dir}/${name}`
    const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', input, ...args, out])
    if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`)
    return out
  }

  it('24-bit stereo FLAC decodes exactly to the source WAV (each channel and the mean)', async () => {
    const flac = encode(wav24, 'a.flac', ['-c:a', 'flac'])
    const info = await probeAudio(flac)
    expect(info).toMatchObject({ container: 'flac', codec: 'flac', sampleRate: rate, channels: 2, frames: 40_000, bitsPerSample: 24, warnings: [] })
    for (const channel of [0, 1, 'mean'] as const) {
      expect((await decodeAudio(flac, { channel })).samples).toEqual((await decodeAudio(wav24, { channel })).samples)
    }
  })

  it('FLAC behind an ID3v2 tag is found by its magic, not its name', async () => {
    const flac = readFileSync(encode(wav16, 'b.flac', ['-c:a', 'flac']))
    const tag = Buffer.concat([Buffer.from('ID3\x03\x00\x00\x00\x00\x00\x14', 'latin1'), Buffer.alloc(20)])
    const path = tmp.file('tagged.mp3', Buffer.concat([tag, flac]))
    const { info, samples } = await decodeAudio(path)
    expect(info.container).toBe('flac')
    expect(samples).toEqual((await decodeAudio(wav16)).samples)
  })

  it('a FLAC cut short decodes what is there and warns', async () => {
    const full = readFileSync(encode(wav24, 'c.flac', ['-c:a', 'flac']))
    const path = tmp.file('cut-short.flac', full.subarray(0, Math.floor(full.length * 0.6)))
    const warnings: string[] = []
    const { samples } = await collect(streamAudio(path, { channel: 0, onWarning: (w) => warnings.push(w) }))
    expect(samples.length).toBeGreaterThan(10_000)
    expect(samples.length).toBeLessThan(40_000)
    expect(samples).toEqual((await decodeAudio(wav24, { channel: 0 })).samples.subarray(0, samples.length))
    expect(warnings.at(-1)).toBe(`the header promises 40000 frames but only ${samples.length} could be decoded (file truncated?)`)
  })

  it('FLAC in Ogg decodes exactly', async () => {
    const path = encode(wav16, 'd.oga', ['-c:a', 'flac', '-f', 'ogg'])
    const { info, samples } = await decodeAudio(path)
    expect(info).toMatchObject({ container: 'ogg', codec: 'flac', sampleRate: 22050, channels: 2, frames: 40_000, bitsPerSample: 16 })
    expect(samples).toEqual((await decodeAudio(wav16)).samples)
  })

  it('Ogg Vorbis: probe length from the last granule equals the decoded length', async () => {
    const path = encode(wav16, 'e.ogg', ['-c:a', 'libvorbis', '-ac', '1'])
    const info = await probeAudio(path)
    expect(info).toMatchObject({ container: 'ogg', codec: 'vorbis', sampleRate: 22050, channels: 1, frames: 40_000 })
    expect((await decodeAudio(path)).samples.length).toBe(40_000)
  })

  for (const [name, args, spf] of [
    ['CBR with a Xing/LAME tag', ['-c:a', 'libmp3lame', '-b:a', '128k'], 1152],
    ['without a Xing tag (frames counted)', ['-c:a', 'libmp3lame', '-b:a', '96k', '-write_xing', '0'], 1152],
    ['MPEG-2 at 22.05 kHz', ['-c:a', 'libmp3lame', '-ar', '22050', '-ac', '1'], 576],
  ] as const) {
    it(`MP3 ${name}: probe frames equal the decoded frames`, async () => {
      const path = encode(wav16, `f-${spf}-${args.length}.mp3`, [...args])
      const info = await probeAudio(path)
      const { samples } = await decodeAudio(path)
      expect(info.frames).toBe(samples.length)
      expect(Math.abs(samples.length - 40_000)).toBeLessThan(3 * spf)
    })
  }

  it('Ogg Opus made by ffmpeg is refused as AUDIO_UNSUPPORTED', async () => {
    const path = encode(wav16, 'g.opus', ['-c:a', 'libopus', '-ar', '48000'])
    expect(await errorOf(probeAudio(path))).toMatchObject({ code: 'AUDIO_UNSUPPORTED' })
  })
})
