// The entry point for import: hand over the metadata chunks a probe found (LIST, guan, wamd, id3)
// and what the header says, get one merged record. Chunk reading itself lives in audio/riff.ts.
import { parseAudioMothArtist, parseAudioMothComment } from './audiomoth'
import { parseFilenameTime } from './filename-time'
import { parseGuano, type GuanoMetadata } from './guano'
import { parseId3 } from './id3'
import { mergeRecordingMetadata, type RecordingMetadata, type RecordingMetadataSources } from './merge'
import { isOpsoMetadataComment, parseOpsoMetadata } from './opso-metadata'
import { parseRiffInfo } from './riff-info'
import { parseWamd } from './wamd'

/** The RIFF chunks readRecordingMetadata reads; an importer need fetch only these. */
export const METADATA_CHUNK_IDS: readonly string[] = ['LIST', 'guan', 'wamd', 'id3 ', 'ID3 ']

export interface MetadataChunk {
  /** RIFF chunk id: "LIST", "guan", "wamd", "id3 " (others are ignored). */
  id: string
  payload: Uint8Array
}

export interface RecordingMetadataInput {
  /** File path or name, for filename timestamps (a path lets AudioMoth daily folders be read). */
  fileName?: string
  /** From the header, before any time-expansion correction. */
  sampleRate?: number
  durationSeconds?: number
  chunks?: MetadataChunk[]
  /** Comment and artist from containers without RIFF chunks (FLAC/Vorbis COMMENT, ARTIST). */
  comment?: string
  artist?: string
}

export function readRecordingMetadata(input: RecordingMetadataInput): RecordingMetadata {
  const sources: RecordingMetadataSources = { header: { sampleRate: input.sampleRate, durationSeconds: input.durationSeconds } }
  const extraWarnings: string[] = []
  let comment = input.comment
  let artist = input.artist
  let guano: GuanoMetadata | undefined

  for (const chunk of input.chunks ?? []) {
    switch (chunk.id) {
      case 'LIST': {
        // Other list types (adtl cue labels …) hold no recorder metadata; a second INFO is unusual.
        if (listType(chunk.payload) !== 'INFO' || sources.info) break
        const info = parseRiffInfo(chunk.payload)
        sources.info = info
        comment ??= info.comment
        artist ??= info.artist
        break
      }
      case 'guan':
        if (guano) extraWarnings.push('file has more than one guan chunk; the first is used')
        else guano = parseGuano(chunk.payload, { audioDurationSeconds: input.durationSeconds })
        break
      case 'wamd':
        if (!sources.wamd) sources.wamd = parseWamd(chunk.payload)
        break
      case 'id3 ':
      case 'ID3 ': {
        const tag = parseId3(chunk.payload)
        const text = tag.comments.find((c) => /^Recorded at /.test(c.text))?.text
        if (text !== undefined) sources.id3Comment = parseAudioMothComment(text)
        break
      }
    }
  }

  if (guano) {
    sources.guano = guano
    if (guano.originalFilename) sources.originalFileName = parseFilenameTime(guano.originalFilename)
  }
  if (comment !== undefined) {
    if (isOpsoMetadataComment(comment)) sources.opso = parseOpsoMetadata(comment)
    else if (/^\s*Recorded at /.test(comment)) sources.audioMothComment = parseAudioMothComment(comment)
  }
  if (artist !== undefined) sources.audioMothArtistSerial = parseAudioMothArtist(artist).serial
  if (input.fileName !== undefined) sources.fileName = parseFilenameTime(input.fileName)

  const merged = mergeRecordingMetadata(sources)
  merged.warnings.push(...extraWarnings)
  return merged
}

function listType(payload: Uint8Array): string {
  return String.fromCharCode(...payload.subarray(0, 4))
}
