// Relative-position buckets of spec §4.6, evaluated with float32 rounding at every step as the
// reference does (a plain float64 evaluation can land on the other side of a bucket boundary).
const f32 = Math.fround

/** Bucket index (0 … numBuckets−1) for offset d = key position − query position. */
export function relativePositionBucket(d: number, numBuckets: number, maxDistance: number): number {
  const half = Math.floor(numBuckets / 2)
  const maxExact = Math.floor(half / 2)
  let bucket = d > 0 ? half : 0
  const a = Math.abs(d)
  if (a < maxExact) return bucket + a
  // torch: log(a.float() / max_exact) / math.log(max_distance / max_exact) * (half − max_exact),
  // each operation rounded to float32 (the Python double divisor is cast to float32 too).
  const ratio = f32(f32(a) / f32(maxExact))
  const logRatio = f32(Math.log(ratio))
  const scaled = f32(f32(logRatio / f32(Math.log(maxDistance / maxExact))) * f32(half - maxExact))
  bucket += Math.min(half - 1, maxExact + Math.trunc(scaled))
  return bucket
}

/**
 * Smallest R such that every |d| ≥ R falls in the last (saturated) bucket, so offsets can be
 * clamped to [−R, R] without changing any bucket — this makes a finite table exact for any length.
 * Buckets never decrease with |d| and are capped, and the log curve reaches the cap before
 * max_distance, so walking down from max_distance finds it.
 */
export function saturationDistance(numBuckets: number, maxDistance: number): number {
  const last = 2 * Math.floor(numBuckets / 2) - 1
  let r = Math.max(1, maxDistance)
  while (r > 0 && relativePositionBucket(r - 1, numBuckets, maxDistance) === last) r--
  return r
}

/**
 * Bias per offset: row d+R holds table[bucket(d), :] for d = −R … R, shape [2R+1, heads].
 * `table` is the `relative_attention_bias.weight` [numBuckets, heads].
 */
export function biasByOffset(table: Float32Array, heads: number, numBuckets: number, maxDistance: number): { data: Float32Array; radius: number } {
  const radius = saturationDistance(numBuckets, maxDistance)
  const data = new Float32Array((2 * radius + 1) * heads)
  for (let d = -radius; d <= radius; d++) {
    const b = relativePositionBucket(d, numBuckets, maxDistance)
    data.set(table.subarray(b * heads, (b + 1) * heads), (d + radius) * heads)
  }
  return { data, radius }
}
