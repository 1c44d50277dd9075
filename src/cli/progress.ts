// A progress line on stderr for long reads: bytes read of the total and the rate, shown only on
// a terminal and only once a read has taken more than a second.

import {bytesHuman} from '../render/text.js'

export interface Progress {
  update(done: number, total: number): void
  clear(): void
}

export function progressLine(
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
): Progress | undefined {
  if (!stream.isTTY) return undefined
  const start = now()
  let last = 0
  let shown = false
  return {
    update(done, total) {
      const t = now()
      if (t - start < 1000 || t - last < 250) return
      last = t
      shown = true
      const rate = done / ((t - start) / 1000)
      const of = total > 0 ? ` of ${bytesHuman(total)} (${Math.min(100, Math.floor((100 * done) / total))}%)` : ''
      stream.write(`\r\x1b[Kreading ${bytesHuman(done)}${of}, ${bytesHuman(rate)}/s`)
    },
    clear() {
      if (shown) stream.write('\r\x1b[K')
    },
  }
}
