const NEWLINE = 0x0a
const CR = 0x0d

/** What one chunk of a stream yielded: complete lines, and whether a line outgrew the bound. */
export interface LineBatch {
  lines: Buffer[]
  overflow: boolean
}

/**
 * Newline framing for a byte stream, robust to lines split over packets and packets holding
 * several lines. A trailing `\r` is dropped. Bytes are kept until a line is complete, so a
 * multi-byte character split over packets decodes whole.
 */
export class LineReader {
  #parts: Buffer[] = []
  #length = 0

  /** @param maxLength the current bound on a line, in bytes (it may change with the connection's state). */
  constructor(private readonly maxLength: () => number) {}

  push(chunk: Buffer): LineBatch {
    const lines: Buffer[] = []
    let start = 0
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, at)
      start = at + 1
      if (this.#length + piece.length > this.maxLength()) return { lines, overflow: true }
      let line = this.#length === 0 ? piece : Buffer.concat([...this.#parts, piece])
      this.#parts = []
      this.#length = 0
      if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, -1)
      lines.push(line)
    }
    const rest = chunk.subarray(start)
    if (rest.length > 0) {
      // Copy: the socket may reuse its buffer.
      this.#parts.push(Buffer.from(rest))
      this.#length += rest.length
    }
    return { lines, overflow: this.#length > this.maxLength() }
  }
}
