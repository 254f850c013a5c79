// Vorbis comments (FLAC, Ogg) and the ID3 tag at the start of an MP3, read from the first bytes.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readContainerTags } from '../../../src-main/season/import/container-tags'
import { probeRecording } from '../../../src-main/season/import/probe-recording'
import { tempDir } from '../../helpers/main-services'
import { describeShared, realPath } from '../../helpers/shared-data'

const cleanups: Array<() => void> = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))

const COMMENT = 'Recorded at 19:31:30 03/09/2024 (UTC+1) by AudioMoth 24E144055E080032 at medium gain while battery was 4.3V and temperature was 18.7C.'

function vorbisComment(entries: string[]): Buffer {
  const vendor = Buffer.from('reference libFLAC 1.4.3')
  const parts = [u32(vendor.length), vendor, u32(entries.length)]
  for (const e of entries) {
    const b = Buffer.from(e, 'utf8')
    parts.push(u32(b.length), b)
  }
  return Buffer.concat(parts)
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(n)
  return b
}

function blockHeader(type: number, length: number, last: boolean): Buffer {
  const b = Buffer.alloc(4)
  b[0] = (last ? 0x80 : 0) | type
  b.writeUIntBE(length, 1, 3)
  return b
}

/** fLaC + STREAMINFO (48 kHz mono 16-bit, 96 000 frames) + a padding block + VORBIS_COMMENT. */
function flacHeader(entries: string[]): Buffer {
  const info = Buffer.alloc(34)
  info.writeUInt16BE(4096, 0)
  info.writeUInt16BE(4096, 2)
  // sample rate (20 bits) | channels-1 (3) | bits-1 (5) | total samples (36)
  const rate = 48_000
  info[10] = (rate >> 12) & 0xff
  info[11] = (rate >> 4) & 0xff
  info[12] = ((rate & 0x0f) << 4) | (0 << 1) | ((15 >> 4) & 1)
  info[13] = ((15 & 0x0f) << 4) | 0
  info.writeUInt32BE(96_000, 14)
  const comment = vorbisComment(entries)
  return Buffer.concat([Buffer.from('fLaC'), blockHeader(0, 34, false), info, blockHeader(1, 8, false), Buffer.alloc(8), blockHeader(4, comment.length, true), comment])
}

/** Ogg pages without CRCs (the tag reader does not check them): identification, then comment packet. */
function oggHeader(commentPacket: Buffer): Buffer {
  const page = (seq: number, packet: Buffer): Buffer => {
    const laces: number[] = []
    let left = packet.length
    while (left >= 255) {
      laces.push(255)
      left -= 255
    }
    laces.push(left)
    const h = Buffer.alloc(27)
    h.write('OggS', 0, 'latin1')
    h.writeUInt32LE(0x1234, 14)
    h.writeUInt32LE(seq, 18)
    h[26] = laces.length
    return Buffer.concat([h, Buffer.from(laces), packet])
  }
  const ident = Buffer.concat([Buffer.from('\x01vorbis', 'latin1'), Buffer.alloc(23)])
  return Buffer.concat([page(0, ident), page(1, commentPacket)])
}

describe('readContainerTags', () => {
  it('FLAC: COMMENT and ARTIST from the VORBIS_COMMENT block, keys in any case', () => {
    expect(readContainerTags(flacHeader([`comment=${COMMENT}`, 'ARTIST=AudioMoth 24E144055E080032', 'TITLE=x']))).toEqual({ comment: COMMENT, artist: 'AudioMoth 24E144055E080032', warnings: [] })
  })

  it('Ogg Vorbis and Opus: the comment packet, even when it spans 255-byte lacing segments', () => {
    const long = `DESCRIPTION=${COMMENT} ${'x'.repeat(400)}`
    const vorbis = oggHeader(Buffer.concat([Buffer.from('\x03vorbis', 'latin1'), vorbisComment([long, 'ARTIST=me'])]))
    expect(readContainerTags(vorbis)).toEqual({ comment: long.slice('DESCRIPTION='.length), artist: 'me', warnings: [] })
    const opus = oggHeader(Buffer.concat([Buffer.from('OpusTags'), vorbisComment([`COMMENT=${COMMENT}`])]))
    expect(readContainerTags(opus)).toEqual({ comment: COMMENT, warnings: [] })
  })

  it('a comment block cut off by the 64 KiB window is reported, not misread', () => {
    const header = flacHeader([`COMMENT=${COMMENT}`])
    expect(readContainerTags(header.subarray(0, header.length - 10))).toEqual({ warnings: ['FLAC comment block lies beyond the first 64 KiB; not read'] })
  })

  it('MP3: the ID3v2 tag is handed over whole; WAV and junk give nothing', () => {
    const tag = Buffer.concat([Buffer.from('ID3\x03\x00\x00', 'latin1'), Buffer.from([0, 0, 0, 10]), Buffer.alloc(10)])
    const mp3 = Buffer.concat([tag, Buffer.from([0xff, 0xfb, 0x90, 0x64])])
    expect(readContainerTags(mp3).id3).toEqual(tag)
    expect(readContainerTags(Buffer.from('RIFF\0\0\0\0WAVE'))).toEqual({ warnings: [] })
    expect(readContainerTags(Buffer.alloc(0))).toEqual({ warnings: [] })
  })

  it('a FLAC made from an AudioMoth WAV keeps its start time and serial through the import probe', async () => {
    const t = tempDir('obs-tags-')
    cleanups.push(t.cleanup)
    const path = join(t.path, 'converted.flac')
    writeFileSync(path, flacHeader([`COMMENT=${COMMENT}`, 'ARTIST=AudioMoth 24E144055E080032']))
    const probed = await probeRecording(path)
    expect(probed).toMatchObject({ kind: 'recording', timeExpansion: 1, durationS: 2, warnings: [] })
    if (probed.kind !== 'recording') return
    expect(probed.info).toMatchObject({ container: 'flac', sampleRate: 48_000, channels: 1, frames: 96_000 })
    expect(probed.metadata).toMatchObject({ startTime: '2024-09-03T19:31:30+01:00', serial: '24E144055E080032', model: 'AudioMoth' })
  })
})

describeShared('tags of the shared real files', () => {
  it('reads the FLAC COMMENTS and the Ogg Comment written by the tools that made them', () => {
    const flac = readContainerTags(readFileSync(realPath('recordings/LluviasDeMayo.flac')).subarray(0, 65_536))
    expect(flac).toEqual({ comment: 'Downloaded from https://freesound.org/people/felix.blume/sounds/524693/ (in the public domain)', artist: 'Félix Blume', warnings: [] })
    const ogg = readContainerTags(readFileSync(realPath('recordings/456440__inspectorj__bird-whistling-robin-single-13.hq.ogg')).subarray(0, 65_536))
    expect(ogg).toEqual({ comment: 'Processed by SoX', warnings: [] })
  })
})
