// Where renderers write: a small interface over a stream, so renderers never see stdout and
// tests hand them a string buffer.

export interface Writer {
  write(text: string): void
}

export class StringWriter implements Writer {
  text = ''
  write(s: string): void {
    this.text += s
  }
}
