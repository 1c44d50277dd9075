// Where renderers write: a small interface over a stream, so renderers never see stdout and
// tests hand them a string buffer.

export interface Writer {
  write(text: string): void
  /** Bytes as they are (a log line that is not valid UTF-8, or ends in CR), in order with the text. */
  writeBytes(bytes: Buffer): void
}

export class StringWriter implements Writer {
  text = ''
  write(s: string): void {
    this.text += s
  }
  writeBytes(bytes: Buffer): void {
    this.text += bytes.toString('utf8')
  }
}
