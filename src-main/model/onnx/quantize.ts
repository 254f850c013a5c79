// Symmetric per-output-channel int8 weights for DynamicQuantizeMatMul (activations are quantised
// by ORT at run time). Weights use 7 bits by default: ORT's u8×s8 kernels on AVX2 CPUs without
// VNNI add pairs of u8·s8 products in int16, which can saturate with full-range weights
// (255·127·2 > 32767); with |w| ≤ 63 the pair sum stays below 32767.

export interface QuantizedWeight {
  /** [in, out] int8, row-major */
  values: Int8Array
  /** [out] float32: w ≈ values · scale */
  scale: Float32Array
}

/** Quantises a [rows=in, cols=out] float matrix column by column. */
export function quantizeColumns(w: Float32Array, rows: number, cols: number, qmax = 63): QuantizedWeight {
  const scale = new Float32Array(cols)
  for (let c = 0; c < cols; c++) {
    let m = 0
    for (let r = 0; r < rows; r++) m = Math.max(m, Math.abs(w[r * cols + c]))
    scale[c] = m > 0 ? m / qmax : 1
  }
  const values = new Int8Array(rows * cols)
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const q = Math.round(w[r * cols + c] / scale[c])
      values[r * cols + c] = Math.max(-qmax, Math.min(qmax, q))
    }
  }
  return { values, scale }
}
