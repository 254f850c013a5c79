// Expected probe results for every file in ../shared/testdata/real/{recordings,edge_cases}
// (see its SOURCES.md for each quirk), shared by the real-file test files.
import type { AudioInfo } from '../../src-main/audio'

export type Expected = Omit<AudioInfo, 'path' | 'durationSeconds'>

const pcm16 = (sampleRate: number, frames: number, warnings: string[] = []): Expected => ({
  container: 'wav',
  codec: 'pcm',
  sampleRate,
  channels: 1,
  frames,
  bitsPerSample: 16,
  warnings,
})

export const EXPECTED: Record<string, Expected | { error: string; reason: RegExp }> = {
  'recordings/0166_20240531_223911.wav': pcm16(312_500, 1_260_544),
  'recordings/1min.wav': pcm16(32_000, 1_920_000),
  'recordings/456440__inspectorj__bird-whistling-robin-single-13.hq.ogg': {
    container: 'ogg',
    codec: 'vorbis',
    sampleRate: 44_100,
    channels: 2,
    frames: 119_009,
    warnings: [],
  },
  'recordings/Kuhls-pipistrelle-Pipistrellus_kuhlii_Ski0145_S2_From1152515ms_To1170806ms.wav': { ...pcm16(144_000, 263_386), bitsPerSample: 24 },
  'recordings/LOCA_2021_09_24_652_3.wav': pcm16(22_050, 22_050),
  'recordings/LluviasDeMayo.flac': { container: 'flac', codec: 'flac', sampleRate: 44_100, channels: 2, frames: 685_902, bitsPerSample: 16, warnings: [] },
  'recordings/audiomoth_gps.wav': pcm16(48_000, 95_999),
  'recordings/soundscape.wav': pcm16(16_000, 160_000),
  'recordings/spinetail.wav': pcm16(44_100, 861_799),
  'edge_cases/AudiomothNoBatCalls.WAV': pcm16(250_000, 26_272, ["chunk 'guan' has odd size 255 and no pad byte at the end of the file"]),
  // The wamd chunk overwrote the last 2 bytes (= the last sample) of data; that sample is dropped.
  'edge_cases/Car300711-2014-Pass2-C1-16701_0_20141004_210909_000.wav': pcm16(384_000, 1_919_999, [
    'RIFF size says 3840050 bytes but the file has 3840121; the extra 71 bytes were walked too',
    "chunk at offset 3840044 starts 2 byte(s) before the end of chunk 'data'; 'data' shortened to 3839998 bytes",
    "chunk 'wamd' has odd size 69 and no pad byte at the end of the file",
  ]),
  'edge_cases/S4U00331_0_20160427_185458_000.wav': pcm16(38_400, 1_920_000),
  'edge_cases/empty_2c.wav': { error: 'AUDIO_TRUNCATED', reason: /'data' promises 116 bytes but the file holds 1, less than one 4-byte frame/ },
  'edge_cases/o_o_Col_de_Roncevaux_ferme_abandonnee10250_20140725_081655_173.wav': pcm16(44_100, 538),
  'edge_cases/recording.mp3': { container: 'mp3', codec: 'mp3', sampleRate: 48_000, channels: 1, frames: 6468, warnings: [] },
  'edge_cases/stereo.wav': { container: 'wav', codec: 'float', sampleRate: 44_100, channels: 2, frames: 5, bitsPerSample: 32, warnings: [] },
}

