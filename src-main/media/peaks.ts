// Waveform peaks: the minimum and maximum sample of every bucket of 2^k samples, at the finest
// level that keeps a whole recording under MAX_PEAK_BUCKETS, and every coarser level by pairing
// buckets. Stored and served as int16 pairs (min, max), little-endian: a quiet field recording
// keeps its shape (int8 would flatten it), and a million buckets stay 4 MB.

/** The renderer hands a whole level to wavesurfer, so the finest level is bounded. */
export const MAX_PEAK_BUCKETS = 1 << 20
/** Coarser levels stop once a level has at most this many buckets. */
export const MIN_PEAK_BUCKETS = 1 << 10

export interface PeakLevel {
  /** log2 of the samples per bucket */
  bucketLog2: number
  buckets: number
  min: Float32Array
  max: Float32Array
}

export function finestBucketLog2(frames: number): number {
  let k = 0
  while (Math.ceil(frames / 2 ** k) > MAX_PEAK_BUCKETS) k += 1
  return k
}

export class PeaksBuilder {
  private readonly size: number
  private mins: number[] = []
  private maxs: number[] = []
  private lo = Infinity
  private hi = -Infinity
  private filled = 0

  constructor(readonly bucketLog2: number) {
    this.size = 2 ** bucketLog2
  }

  push(block: Float32Array): void {
    const size = this.size
    let lo = this.lo
    let hi = this.hi
    let filled = this.filled
    let i = 0
    while (i < block.length) {
      // One bucket (or what is left of it in this block) per pass: a tight loop without the
      // bucket-end test on every sample.
      const end = Math.min(block.length, i + size - filled)
      for (let j = i; j < end; j++) {
        const v = block[j]
        if (v < lo) lo = v
        if (v > hi) hi = v
      }
      filled += end - i
      i = end
      if (filled === size) {
        this.mins.push(lo)
        this.maxs.push(hi)
        lo = Infinity
        hi = -Infinity
        filled = 0
      }
    }
    this.lo = lo
    this.hi = hi
    this.filled = filled
  }

  /** The finest level and every coarser one down to MIN_PEAK_BUCKETS, finest first. */
  finish(): PeakLevel[] {
    if (this.filled > 0 || this.mins.length === 0) {
      this.mins.push(this.filled > 0 ? this.lo : 0)
      this.maxs.push(this.filled > 0 ? this.hi : 0)
    }
    const levels: PeakLevel[] = [
      { bucketLog2: this.bucketLog2, buckets: this.mins.length, min: Float32Array.from(this.mins), max: Float32Array.from(this.maxs) },
    ]
    this.mins = []
    this.maxs = []
    while (levels[levels.length - 1].buckets > MIN_PEAK_BUCKETS) levels.push(coarser(levels[levels.length - 1]))
    return levels
  }
}

function coarser(level: PeakLevel): PeakLevel {
  const buckets = Math.ceil(level.buckets / 2)
  const min = new Float32Array(buckets)
  const max = new Float32Array(buckets)
  for (let b = 0; b < buckets; b++) {
    const a = 2 * b
    const c = Math.min(a + 1, level.buckets - 1)
    min[b] = Math.min(level.min[a], level.min[c])
    max[b] = Math.max(level.max[a], level.max[c])
  }
  return { bucketLog2: level.bucketLog2 + 1, buckets, min, max }
}

function toInt16(v: number): number {
  const s = Math.round(v * 32767)
  return s < -32768 ? -32768 : s > 32767 ? 32767 : s
}

/** (min, max) int16 pairs, little-endian. */
export function encodePeakLevel(level: PeakLevel): Buffer {
  const out = Buffer.alloc(level.buckets * 4)
  for (let b = 0; b < level.buckets; b++) {
    out.writeInt16LE(toInt16(level.min[b]), 4 * b)
    out.writeInt16LE(toInt16(level.max[b]), 4 * b + 2)
  }
  return out
}
