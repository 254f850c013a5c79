// A stdout/stderr stand-in for CLI tests: keeps what was written, and says whether it is a terminal.
import { Writable } from 'node:stream'

export class CapturedStream extends Writable {
  text = ''
  constructor(
    readonly isTTY = false,
    readonly columns?: number,
  ) {
    super()
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString()
    cb()
  }
}
