// Logits → probabilities as the checkpoint's task defines them: sigmoid for multi-label heads
// (AudioSet, FSD50K), softmax over classes for multi-class heads (spec §6). Float64 internally.

/** Applies the activation to each row of a [rows, classes] logit matrix. */
export function classifierProbabilities(logits: Float32Array, classes: number, activation: 'sigmoid' | 'softmax'): Float32Array {
  const out = new Float32Array(logits.length)
  if (activation === 'sigmoid') {
    for (let i = 0; i < logits.length; i++) out[i] = 1 / (1 + Math.exp(-logits[i]))
    return out
  }
  for (let r = 0; r < logits.length / classes; r++) {
    const row = logits.subarray(r * classes, (r + 1) * classes)
    let max = -Infinity
    for (const v of row) max = Math.max(max, v)
    let sum = 0
    for (const v of row) sum += Math.exp(v - max)
    for (let c = 0; c < classes; c++) out[r * classes + c] = Math.exp(row[c] - max) / sum
  }
  return out
}
