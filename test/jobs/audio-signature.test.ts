import { describe, expect, it } from 'vitest'
import { detectAudioFormat, hasAudioExtension, id3TagLength } from '../../src-main/jobs/scan/audio-signature'
import { HEADERS } from '../helpers/audio-tree'

const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))))

describe('audio signatures', () => {
  it.each([
    ['RIFF/WAVE', HEADERS.wav, 'wav'],
    ['RF64/WAVE', bytes('RF64', [0, 0, 0, 0], 'WAVE'), 'wav'],
    ['Sony Wave64', bytes([0x72, 0x69, 0x66, 0x66, 0x2e, 0x91, 0xcf, 0x11, 0xa5, 0xd6, 0x28, 0xdb, 0x04, 0xc1, 0x00, 0x00]), 'w64'],
    ['FLAC', HEADERS.flac, 'flac'],
    ['MPEG-1 layer III frame', HEADERS.mp3, 'mp3'],
    ['Ogg Vorbis', HEADERS.ogg, 'ogg'],
    ['Ogg Opus', bytes('OggS', new Array(24).fill(0), 'OpusHead'), 'opus'],
    ['AIFF', bytes('FORM', [0, 0, 0, 0], 'AIFF'), 'aiff'],
    ['M4A', bytes([0, 0, 0, 0x20], 'ftypM4A '), 'm4a'],
  ])('recognises %s', (_name, head, format) => {
    expect(detectAudioFormat(head)).toBe(format)
  })

  it.each([
    ['RIFF/AVI (a video, not audio)', bytes('RIFF', [0, 0, 0, 0], 'AVI ')],
    ['AppleDouble resource fork (._x.wav)', bytes([0x00, 0x05, 0x16, 0x07, 0, 2, 0, 0])],
    ['PNG', bytes([0x89], 'PNG\r\n')],
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0])],
    ['ADTS AAC frame (layer bits 00)', bytes([0xff, 0xf1, 0x50, 0x80])],
    ['empty', Buffer.alloc(0)],
    ['text', bytes('battery ok')],
  ])('does not mistake %s for audio', (_name, head) => {
    expect(detectAudioFormat(head)).toBeNull()
  })

  it('reads past an ID3 tag to tell MP3 from FLAC', () => {
    const tag = bytes('ID3', [4, 0, 0, 0, 0, 1, 0]) // syncsafe size 128
    expect(id3TagLength(tag)).toBe(10 + 128)
    expect(detectAudioFormat(tag, HEADERS.flac)).toBe('flac')
    expect(detectAudioFormat(tag, HEADERS.mp3)).toBe('mp3')
  })

  it('knows audio extensions regardless of case', () => {
    expect(hasAudioExtension('A.WAV')).toBe(true)
    expect(hasAudioExtension('x.flac')).toBe(true)
    expect(hasAudioExtension('notes.txt')).toBe(false)
    expect(hasAudioExtension('.wav')).toBe(false)
    expect(hasAudioExtension('wav')).toBe(false)
  })
})
