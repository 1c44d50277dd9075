// The exporter service: follows one main log and serves what it has counted over HTTP, in the
// Prometheus text format. No oclif here.

import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {ExporterMetrics} from '../aggregate/exporter-metrics.js'
import {EximRejectsError} from '../errors.js'
import {followSource} from '../input/sources.js'
import {EVENT_KINDS} from '../kinds.js'
import {followLog} from '../read/follow-log.js'
import {ZoneClock, type ZoneSpec} from '../time/zone.js'

export interface Listen {
  /** Undefined: every interface. */
  host?: string
  port: number
}

export interface ExporterOptions {
  paths: string[]
  listen: Listen
  /** Count what the log already holds from this time on (epoch ms); else start at its end. */
  since?: number
  zone: ZoneSpec
  maxReasons: number
  recipients: number
  version: string
  signal: AbortSignal
  pollMs?: number
  /** Told once the server listens and the log is open: from then on every line appended is counted. */
  onReady?: (url: string, log: string, position: number) => void
  /** Told when the log was rotated or truncated. */
  onRestart?: (log: string, how: 'rotated' | 'truncated', copy?: string) => void
}

const PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><title>exim-rejects exporter</title></head>' +
  '<body><p>exim-rejects exporter: the counters are at <a href="/metrics">/metrics</a>.</p></body></html>\n'

/** Runs until the signal aborts; fails at start when the log cannot be opened or the address taken. */
export async function runExporter(opts: ExporterOptions): Promise<void> {
  const src = await followSource(opts.paths, 'exporter')
  const metrics = new ExporterMetrics({
    maxReasons: opts.maxReasons,
    recipients: opts.recipients,
    version: opts.version,
    log: src.name,
  })
  let ready = false
  const server = createServer((req, res) => void answer(req, res, metrics, () => ready))
  const url = await listen(server, opts.listen)
  const since = opts.since
  try {
    await followLog(
      src,
      {
        zone: new ZoneClock(opts.zone),
        kinds: new Set(EVENT_KINDS),
        fromStart: since !== undefined,
        signal: opts.signal,
        pollMs: opts.pollMs,
        onPoll: (acct) => metrics.account(acct),
        onReady: (name, position) => {
          ready = true
          opts.onReady?.(url, name, position)
        },
        onRestart: (how, copy) => {
          metrics.rotated(how, copy)
          opts.onRestart?.(src.name, how, copy)
        },
      },
      {
        event(ev) {
          if (since === undefined || ev.time >= since) metrics.event(ev)
        },
      },
    )
  } finally {
    await close(server)
  }
}

async function answer(req: IncomingMessage, res: ServerResponse, metrics: ExporterMetrics, ready: () => boolean) {
  const path = (req.url ?? '/').split('?')[0]
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, {Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8'}).end('method not allowed\n')
    return
  }
  const send = (status: number, type: string, body: string) =>
    res.writeHead(status, {'Content-Type': type}).end(req.method === 'HEAD' ? undefined : body)
  switch (path) {
    case '/metrics': {
      try {
        const {body, contentType} = await metrics.scrape()
        send(200, contentType, body)
      } catch (err) {
        send(500, 'text/plain; charset=utf-8', `${(err as Error).message}\n`)
      }
      return
    }
    case '/':
      return send(200, 'text/html; charset=utf-8', PAGE)
    case '/-/healthy':
      return send(200, 'text/plain; charset=utf-8', 'exim-rejects exporter is healthy.\n')
    case '/-/ready':
      return ready()
        ? send(200, 'text/plain; charset=utf-8', 'exim-rejects exporter is ready.\n')
        : send(503, 'text/plain; charset=utf-8', 'exim-rejects exporter is opening its log.\n')
    default:
      return send(404, 'text/plain; charset=utf-8', 'not found: the counters are at /metrics\n')
  }
}

const LISTEN_FAILURES: Record<string, string> = {
  EADDRINUSE: 'the address is already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'no such address on this machine',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
}

/** Listens, or fails with one line; resolves to the URL of /metrics as bound (port 0 is given one). */
function listen(server: Server, where: Listen): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const shown = `${where.host === undefined ? '' : where.host.includes(':') ? `[${where.host}]` : where.host}:${where.port}`
      const why = LISTEN_FAILURES[err.code ?? ''] ?? err.message
      reject(new EximRejectsError('USAGE', `--listen ${shown}: ${why}`, {cause: err}))
    })
    server.listen(where.port, where.host, () => {
      const a = server.address()
      if (a === null || typeof a === 'string') return resolve(String(a))
      const host = a.family === 'IPv6' ? `[${a.address}]` : a.address
      resolve(`http://${host}:${a.port}/metrics`)
    })
  })
}

/** Stops listening and ends kept-alive scrape connections, so that shutdown does not wait for them. */
function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
    server.closeAllConnections()
  })
}
