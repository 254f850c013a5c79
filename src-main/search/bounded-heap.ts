// The k largest numbers of a stream, in a min-heap of size k (k ≪ n in search).

export class KLargest {
  private readonly heap: Float64Array
  private count = 0

  constructor(readonly k: number) {
    this.heap = new Float64Array(Math.max(1, k))
  }

  /** The k-th largest value pushed so far, −∞ while fewer than k values were pushed. */
  get threshold(): number {
    return this.count < this.k ? -Infinity : this.heap[0]
  }

  push(v: number): void {
    const h = this.heap
    if (this.count < this.k) {
      let i = this.count++
      while (i > 0) {
        const parent = (i - 1) >> 1
        if (h[parent] <= v) break
        h[i] = h[parent]
        i = parent
      }
      h[i] = v
      return
    }
    if (v <= h[0]) return
    // replace the root and sift down
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= this.k) break
      const r = l + 1
      const c = r < this.k && h[r] < h[l] ? r : l
      if (h[c] >= v) break
      h[i] = h[c]
      i = c
    }
    h[i] = v
  }
}
