/** Keeps the last `maxChars` characters of a stream (a worker's stderr) for error reports. */
export class OutputTail {
  private text = ''
  constructor(private readonly maxChars = 8192) {}

  push(chunk: string): void {
    this.text += chunk
    if (this.text.length > this.maxChars * 2) this.text = this.text.slice(-this.maxChars)
  }

  toString(): string {
    const t = this.text.length > this.maxChars ? this.text.slice(-this.maxChars) : this.text
    return t.trimEnd()
  }
}
