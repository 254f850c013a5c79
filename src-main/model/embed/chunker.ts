// Cuts a 16 kHz sample stream into encoder chunks whose patch grids join without gaps (spec §3.6):
// chunk c holds 2560·k + 240 samples starting at sample 2560·k·c, i.e. exactly k time patches
// (16·k fbank frames); neighbours share 240 samples, the part of the last frame past the hop.

export const SAMPLE_RATE = 16_000
/** 16 frames × 160-sample hop: one time patch. */
export const SAMPLES_PER_TIME_PATCH = 2560
/** 400-sample window − 160-sample hop: what the next chunk re-reads. */
export const CHUNK_OVERLAP = 240
/** k = 62 time patches ≈ 9.935 s: the largest grid-aligned chunk within the 10 s pretraining clips. */
export const DEFAULT_CHUNK_PATCHES = 62
/** Spec §3.2: nothing shorter than 0.2 s goes into the encoder. */
export const MIN_ENCODER_SAMPLES = 3200

export function chunkSamples(timePatches: number): number {
  return SAMPLES_PER_TIME_PATCH * timePatches + CHUNK_OVERLAP
}

/** Whole time patches in a clip of n samples: ⌊frames/16⌋ with frames = 1 + ⌊(n − 400)/160⌋. */
export function timePatchesIn(samples: number): number {
  if (samples < 400) return 0
  return Math.floor((1 + Math.floor((samples - 400) / 160)) / 16)
}

export interface AudioChunk {
  index: number
  /** First sample (16 kHz) of the chunk in the recording. */
  startSample: number
  /** Time patches the chunk yields; chunk c's first patch is global time patch c·k. */
  timePatches: number
  samples: Float32Array
}

/**
 * Push 16 kHz blocks in, take full chunks out; `finish()` returns the tail. Tail policy: a tail
 * shorter than 0.2 s is dropped (it would add at most one patch without context); a recording
 * that is shorter than 0.2 s altogether is zero-padded to 0.2 s, as current ESPnet does, so a
 * short clip still gets an embedding.
 */
export class Chunker {
  private buffer: Float32Array
  private filled = 0
  private nextIndex = 0
  private consumedBefore = 0 // recording sample at buffer[0]
  private pushed = 0
  readonly chunkLength: number

  constructor(readonly chunkPatches = DEFAULT_CHUNK_PATCHES) {
    if (!Number.isInteger(chunkPatches) || chunkPatches < 1) throw new RangeError(`chunkPatches must be a positive integer, got ${chunkPatches}`)
    this.chunkLength = chunkSamples(chunkPatches)
    this.buffer = new Float32Array(this.chunkLength * 2)
  }

  /** Samples pushed so far. */
  get totalSamples(): number {
    return this.pushed
  }

  push(block: Float32Array): AudioChunk[] {
    const out: AudioChunk[] = []
    this.pushed += block.length
    let offset = 0
    while (offset < block.length) {
      const take = Math.min(block.length - offset, this.buffer.length - this.filled)
      this.buffer.set(block.subarray(offset, offset + take), this.filled)
      this.filled += take
      offset += take
      while (this.filled >= this.chunkLength) out.push(this.cut())
    }
    return out
  }

  /** The final, shorter chunk (or undefined when the tail is dropped). */
  finish(): { tail?: AudioChunk; droppedSamples: number; paddedSamples: number } {
    const total = this.pushed
    const rest = this.filled
    if (this.nextIndex === 0 && total > 0 && total < MIN_ENCODER_SAMPLES) {
      const samples = new Float32Array(MIN_ENCODER_SAMPLES)
      samples.set(this.buffer.subarray(0, rest))
      this.filled = 0
      return { tail: { index: this.nextIndex++, startSample: 0, timePatches: timePatchesIn(MIN_ENCODER_SAMPLES), samples }, droppedSamples: 0, paddedSamples: MIN_ENCODER_SAMPLES - total }
    }
    // The first 240 samples of the rest were already used by the previous chunk's last frame.
    const fresh = this.nextIndex === 0 ? rest : Math.max(0, rest - CHUNK_OVERLAP)
    if (rest < MIN_ENCODER_SAMPLES || timePatchesIn(rest) === 0) {
      this.filled = 0
      return { droppedSamples: fresh, paddedSamples: 0 }
    }
    const tail: AudioChunk = { index: this.nextIndex++, startSample: this.consumedBefore, timePatches: timePatchesIn(rest), samples: this.buffer.slice(0, rest) }
    this.filled = 0
    return { tail, droppedSamples: rest - (SAMPLES_PER_TIME_PATCH * tail.timePatches + CHUNK_OVERLAP), paddedSamples: 0 }
  }

  private cut(): AudioChunk {
    const chunk: AudioChunk = {
      index: this.nextIndex++,
      startSample: this.consumedBefore,
      timePatches: this.chunkPatches,
      samples: this.buffer.slice(0, this.chunkLength),
    }
    const advance = this.chunkLength - CHUNK_OVERLAP
    this.buffer.copyWithin(0, advance, this.filled)
    this.filled -= advance
    this.consumedBefore += advance
    return chunk
  }
}
