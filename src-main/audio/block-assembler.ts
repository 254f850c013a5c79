// Re-cuts a stream of variable-sized pieces into blocks of a fixed size, copying each sample once.
export class BlockAssembler {
  private block: Float32Array
  private filled = 0

  constructor(private readonly blockFrames: number) {
    this.block = new Float32Array(blockFrames)
  }

  /** Appends samples produced by `fill(target, offset, count)`; returns the blocks completed. */
  append(count: number, fill: (target: Float32Array, targetOffset: number, sourceOffset: number, n: number) => void): Float32Array[] {
    const done: Float32Array[] = []
    let used = 0
    while (used < count) {
      const n = Math.min(count - used, this.blockFrames - this.filled)
      fill(this.block, this.filled, used, n)
      this.filled += n
      used += n
      if (this.filled === this.blockFrames) {
        done.push(this.block)
        this.block = new Float32Array(this.blockFrames)
        this.filled = 0
      }
    }
    return done
  }

  /** The partial last block, if any (a copy, so a short tail does not pin a whole block). */
  finish(): Float32Array | undefined {
    if (this.filled === 0) return undefined
    const last = this.block.slice(0, this.filled)
    this.filled = 0
    return last
  }
}
