#!/usr/bin/env node
// Synthetic busy-MX Exim mainlog (and matching rejectlog) of a requested size, for benchmarks and
// count tests. Deterministic: same seed and options give byte-identical output. Writes FILE.truth.json
// with the exact number of lines of each event kind written and per-recipient rcpt-defer counts.

import fs from 'node:fs'
import {parseArgs} from 'node:util'

const USAGE = `usage: node bench/generate.mjs --size 1G --out FILE [options]

  --size N          target size of the mainlog: bytes, or with K/M/G (powers of 1024)
  --out FILE        mainlog to write (FILE.truth.json is written next to it)
  --seed N          PRNG seed (default 1)
  --recipients N    distinct local mailboxes (default 4000; 1000000 for high-cardinality runs)
  --pid             log_selector +pid: "[pid] " after the timestamp
  --millisec        log_selector +millisec: "HH:MM:SS.mmm"
  --tz +HHMM        log_timezone: append this offset to every timestamp
  --msgid 16|23     message-id format: 16 chars (Exim <= 4.96, default) or 23 chars (4.97+)
  --start ISO       wall-clock time of the first line (default 2026-06-01T00:00:00)
  --rejectlog FILE  also write the matching rejectlog
  --in-flight N     SMTP sessions in flight at once (default 12): with fewer, the clock moves faster
                    and the log spans more hours (about 66 hours per GB at 12, 100 at 8)
  --disorder MS     lines of some processes carry a time up to MS ms older than the lines above
                    them, as a busy Exim writes them (each process reads the clock, then writes)
  --quiet           no summary on stdout`

// ---------------------------------------------------------------------------------------------
// Options

function fail(msg) {
  process.stderr.write(`generate: ${msg}\n${USAGE}\n`)
  process.exit(2)
}

function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)i?B?$/i.exec(String(s).trim())
  if (!m) fail(`bad --size ${s}`)
  const mult = {'': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40}[m[2].toUpperCase()]
  return Math.round(Number(m[1]) * mult)
}

let args
try {
  args = parseArgs({
    options: {
      size: {type: 'string'},
      out: {type: 'string'},
      seed: {type: 'string', default: '1'},
      recipients: {type: 'string', default: '4000'},
      pid: {type: 'boolean', default: false},
      millisec: {type: 'boolean', default: false},
      tz: {type: 'string'},
      msgid: {type: 'string', default: '16'},
      start: {type: 'string', default: '2026-06-01T00:00:00'},
      rejectlog: {type: 'string'},
      disorder: {type: 'string', default: '0'},
      'in-flight': {type: 'string', default: '12'},
      quiet: {type: 'boolean', default: false},
      help: {type: 'boolean', short: 'h', default: false},
    },
    strict: true,
  }).values
} catch (e) {
  fail(e.message)
}
if (args.help) {
  process.stdout.write(USAGE + '\n')
  process.exit(0)
}
if (!args.size || !args.out) fail('--size and --out are required')

const TARGET = parseSize(args.size)
const SEED = Number(args.seed)
if (!Number.isSafeInteger(SEED) || SEED < 0) fail(`bad --seed ${args.seed}`)
const NBOX = Number(args.recipients)
if (!Number.isSafeInteger(NBOX) || NBOX < 100 || NBOX > 4_000_000) fail('--recipients must be 100..4000000')
const OPT_PID = args.pid
const OPT_MS = args.millisec
if (args.tz !== undefined && !/^[+-]\d{4}$/.test(args.tz)) fail(`bad --tz ${args.tz} (want +HHMM or -HHMM)`)
const TZ = args.tz ?? ''
if (args.msgid !== '16' && args.msgid !== '23') fail('--msgid is 16 or 23')
const ID23 = args.msgid === '23'
// 4.99 puts " : " before the message of a "**" line; the 23-char ids stand for a recent Exim.
const FAIL_SEP = ID23 ? ' : ' : ': '
const DISORDER = Number(args.disorder)
if (!Number.isSafeInteger(DISORDER) || DISORDER < 0) fail(`bad --disorder ${args.disorder}`)
const OVERLAP = Number(args['in-flight'])
if (!Number.isSafeInteger(OVERLAP) || OVERLAP < 1 || OVERLAP > 1000) fail(`bad --in-flight ${args['in-flight']}`)
const START_MS = Date.parse(args.start + 'Z')
if (Number.isNaN(START_MS)) fail(`bad --start ${args.start}`)

// ---------------------------------------------------------------------------------------------
// PRNG: sfc32, seeded from the 53-bit seed; every random choice goes through rnd() so the output is
// a pure function of (seed, options).

const rnd = (() => {
  let a = SEED >>> 0
  let b = Math.floor(SEED / 2 ** 32) >>> 0
  let c = 0x9e3779b9
  let d = 1
  const next = () => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 20; i++) next()
  return next
})()

const int = (n) => Math.floor(rnd() * n)
const pick = (arr) => arr[Math.floor(rnd() * arr.length)]
const chance = (p) => rnd() < p
const between = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1))
const expo = (mean) => -Math.log(1 - rnd()) * mean
// Roughly 1/k popularity over [0, n): a few ranks get most of the draws, like real mail traffic.
const zipf = (n) => Math.min(n - 1, Math.floor(Math.exp(rnd() * Math.log(n + 1))) - 1)

function weighted(table) {
  const total = table.reduce((s, [w]) => s + w, 0)
  return () => {
    let x = rnd() * total
    for (const [w, v] of table) if ((x -= w) < 0) return v
    return table[table.length - 1][1]
  }
}

const HEX = '0123456789abcdef'
const hex = (n) => {
  let s = ''
  for (let i = 0; i < n; i++) s += HEX[int(16)]
  return s
}
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
function b62(n, width) {
  let s = ''
  for (let i = 0; i < width; i++) {
    s = B62[n % 62] + s
    n = Math.floor(n / 62)
  }
  return s
}
const rand62 = (n) => {
  let s = ''
  for (let i = 0; i < n; i++) s += B62[int(62)]
  return s
}
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const rand64 = (n) => {
  let s = ''
  for (let i = 0; i < n; i++) s += B64[int(64)]
  return s
}

// ---------------------------------------------------------------------------------------------
// Vocabulary (invented names; nothing here is taken from a real log)

const FIRST = [
  'anna',
  'boris',
  'clara',
  'daniel',
  'elena',
  'felix',
  'greta',
  'hugo',
  'irina',
  'jonas',
  'katja',
  'lars',
  'maria',
  'nikolai',
  'olga',
  'pavel',
  'quentin',
  'rosa',
  'sergei',
  'tanja',
  'ulrich',
  'vera',
  'walter',
  'xenia',
  'yuri',
  'zoe',
  'adam',
  'bianca',
  'carl',
  'dora',
  'emil',
  'frida',
  'georg',
  'hanna',
  'ivan',
  'julia',
  'karl',
  'lena',
  'max',
  'nina',
  'oskar',
  'paula',
  'rudolf',
  'sofia',
  'timo',
  'ursula',
  'viktor',
  'wanda',
  'alexei',
  'berta',
  'cyril',
  'diana',
  'erik',
  'fiona',
  'gustav',
  'helga',
  'igor',
  'jana',
  'kirill',
  'lydia',
  'mikhail',
  'nora',
  'otto',
  'petra',
]
const LAST = [
  'abel',
  'baranov',
  'conrad',
  'dietz',
  'egorov',
  'falk',
  'gromov',
  'haas',
  'ilyin',
  'jager',
  'kozlov',
  'lange',
  'morozov',
  'neumann',
  'orlov',
  'petrov',
  'quast',
  'romanov',
  'sokolov',
  'tamm',
  'ulyanov',
  'vogel',
  'wolff',
  'yakovlev',
  'zaitsev',
  'arndt',
  'belov',
  'christ',
  'dorn',
  'ebert',
  'fomin',
  'gerber',
  'hahn',
  'isaev',
  'jung',
  'krause',
  'lebedev',
  'mayer',
  'novak',
  'ott',
  'popov',
  'richter',
  'smirnov',
  'thiel',
  'uhl',
  'volkov',
  'weber',
  'zimmer',
  'antonov',
  'bauer',
  'cerny',
  'dreyer',
  'engel',
  'frolov',
  'gusev',
  'horn',
  'ivanov',
  'kaiser',
  'lorenz',
  'medvedev',
  'nagel',
  'pavlov',
  'roth',
  'stein',
]
const ROLES = ['info', 'office', 'sales', 'support', 'billing', 'jobs', 'press', 'admin']
const OUR_DOMAINS = [
  'nordhaven-trade.com',
  'kestrelworks.de',
  'bluefen.net',
  'orbita-print.ru',
  'lindqvist-bygg.se',
  'halvmaane.no',
  'tarnwood.co.uk',
  'ostara-medical.de',
  'pelagia.org',
  'sunvik.fi',
  'vesterbro-cafe.dk',
  'krasnoye-pole.ru',
  'mirewood.net',
  'alpenkante.at',
  'greyharbour.ie',
  'fjellstue.no',
]
const MX_NAME = 'mx1.nordhaven-trade.com'
const MX_V4 = '185.117.40.21'
const MX_V6 = '2a0c:8881:1:25::21'

const SYL = [
  'ka',
  'lo',
  'mi',
  'ra',
  'ten',
  'vor',
  'zu',
  'bel',
  'dor',
  'fin',
  'gal',
  'har',
  'jun',
  'kel',
  'lum',
  'mar',
  'nor',
  'pel',
  'quin',
  'ros',
  'sal',
  'tor',
  'ul',
  'ven',
  'wil',
  'xan',
  'yor',
  'zen',
  'bri',
  'cas',
  'dem',
  'esk',
  'fro',
  'gri',
  'hol',
  'isk',
  'jor',
  'kru',
  'lin',
  'mox',
]
const TLDS = [
  'com',
  'com',
  'com',
  'net',
  'org',
  'de',
  'ru',
  'co.uk',
  'fr',
  'nl',
  'se',
  'pl',
  'it',
  'es',
  'io',
  'info',
  'biz',
  'com.br',
  'cn',
  'jp',
]
const SPAM_TLDS = ['top', 'xyz', 'icu', 'click', 'shop', 'buzz', 'cfd', 'sbs', 'online', 'site']
const WORDS = [
  'invoice',
  'meeting',
  'report',
  'order',
  'delivery',
  'update',
  'quarterly',
  'budget',
  'draft',
  'contract',
  'schedule',
  'payment',
  'reminder',
  'project',
  'proposal',
  'review',
  'agenda',
  'notes',
  'photos',
  'travel',
  'booking',
  'confirmation',
  'request',
  'question',
  'feedback',
  'newsletter',
  'offer',
  'training',
  'results',
  'summary',
  'weekly',
  'monthly',
  'minutes',
  'team',
  'shipment',
  'account',
  'statement',
  'renewal',
  'ticket',
  'support',
  'planning',
  'holiday',
  'catalogue',
  'prices',
  'samples',
  'visit',
  'call',
  'lunch',
  'password',
  'security',
  'notice',
]
const SPAM_WORDS = [
  'winner',
  'exclusive',
  'bonus',
  'crypto',
  'urgent',
  'claim',
  'prize',
  'free',
  'limited',
  'offer',
  'investment',
  'pharmacy',
  'discount',
  'loan',
  'approved',
  'verify',
  'wallet',
  'gift',
  'casino',
  'deal',
]
const HELO_JUNK = [
  'User',
  'localhost',
  'WIN-7Q2H1C0LK3M',
  'DESKTOP-4KF91TZ',
  'ylmf-pc',
  'mail',
  'smtp',
  'win-server',
  'Mail',
  'HELO',
  'example.com',
]
const RBLS = ['zen.spamhaus.org', 'bl.spamcop.net', 'b.barracudacentral.org', 'psbl.surriel.com', 'dnsbl.sorbs.net']
const CIPHERS_IN = [
  'TLS1.3:ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_256_GCM:256',
  'TLS1.3:ECDHE_SECP256R1__RSA_PSS_RSAE_SHA256__AES_128_GCM:128',
  'TLS1.3:ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_128_GCM:128',
  'TLS1.3:ECDHE_X25519__RSA_PSS_RSAE_SHA256__CHACHA20_POLY1305:256',
  'TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256',
  'TLS1.2:ECDHE_RSA_AES_128_GCM_SHA256:128',
  'TLS1.2:ECDHE_RSA_CHACHA20_POLY1305:256',
]

function syllables(n) {
  let s = ''
  for (let i = 0; i < n; i++) s += pick(SYL)
  return s
}

// ---------------------------------------------------------------------------------------------
// Mailboxes: index -> address, computed on demand so a million of them costs no memory.

const NROLE = ROLES.length * OUR_DOMAINS.length
function mailbox(i) {
  if (i < NROLE) return `${ROLES[i % ROLES.length]}@${OUR_DOMAINS[Math.floor(i / ROLES.length)]}`
  const j = i - NROLE
  const f = FIRST[j & 63]
  const l = LAST[(j >>> 6) & 63]
  const n = Math.floor(j / 4096)
  const dom = OUR_DOMAINS[(Math.imul(j, 2654435761) >>> 28) % OUR_DOMAINS.length]
  return n ? `${f}.${l}${n}@${dom}` : `${f}.${l}@${dom}`
}

// A bijection of [0, NBOX) so that popular ranks land on scattered mailboxes (2^31-1 is prime).
const perm = (r) => (r * 2147483647 + 7919) % NBOX

// About 2% of the mailboxes are full; they draw every quota defer, most of them on a handful.
const overQuota = new Uint8Array(NBOX)
const quotaList = []
for (let i = 0; i < NBOX; i++) {
  if ((Math.imul(i ^ 0x5bd1e995, 0x27d4eb2d) >>> 0) % 1000 < 20) {
    overQuota[i] = 1
    quotaList.push(i)
  }
}
const quotaBox = () => quotaList[zipf(quotaList.length)]
const anyBox = () => perm(zipf(NBOX))

// The client typed the address; a few clients send it with capitals. Exim logs it as typed.
function typed(addr) {
  if (!chance(0.03)) return addr
  const at = addr.indexOf('@')
  if (chance(0.5))
    return addr[0].toUpperCase() + addr.slice(1, at + 1) + addr[at + 1].toUpperCase() + addr.slice(at + 2)
  return addr.slice(0, at) + '@' + addr.slice(at + 1).toUpperCase()
}

function remoteDomain() {
  return `${syllables(between(2, 3))}.${pick(TLDS)}`
}
const remoteDomains = Array.from({length: 3000}, remoteDomain)
const remoteDom = () => remoteDomains[zipf(remoteDomains.length)]
function remoteAddr(dom = remoteDom()) {
  switch (int(5)) {
    case 0:
      return `${pick(FIRST)}.${pick(LAST)}@${dom}`
    case 1:
      return `${pick(FIRST)}${between(1, 99)}@${dom}`
    case 2:
      return `${pick(ROLES)}@${dom}`
    case 3:
      return `${pick(['noreply', 'no-reply', 'notifications', 'bounce', 'mailer'])}@${dom}`
    default:
      return `${pick(FIRST)[0]}.${pick(LAST)}@${dom}`
  }
}
function spamAddr() {
  return chance(0.5)
    ? `${rand62(between(6, 12)).toLowerCase()}@${syllables(between(2, 4))}.${pick(SPAM_TLDS)}`
    : `${pick(SPAM_WORDS)}${between(10, 9999)}@${syllables(2)}.${pick(SPAM_TLDS)}`
}
// Dictionary attacks try words at our domains; almost none exist.
const unknownLocal = () =>
  chance(0.5) ? pick(WORDS) + (chance(0.3) ? between(1, 99) : '') : `${pick(FIRST)}.${pick(SYL)}${pick(SYL)}`

// ---------------------------------------------------------------------------------------------
// Hosts. A host is {pre, ip, v6, tls, label}; `pre` is what Exim prints before "[ip]"
// (host.c: "name ", "name (helo) ", "(helo) " or nothing).

const ipv4 = (a = between(2, 223)) => `${a}.${int(256)}.${int(256)}.${between(1, 254)}`
// IPv6 groups as inet_ntop prints them: lower-case, no leading zeros.
const h16 = () => (1 + int(0xffff)).toString(16)
const ipv6 = (prefix) => `${prefix}${h16()}`

function host(name, helo, ip, v6, tls) {
  let pre
  if (helo === null) pre = name ? `${name} ` : ''
  else if (name && helo.toLowerCase() === name.toLowerCase()) pre = `${name} `
  else if (helo === `[${ip}]`)
    pre = name ? `${name} ` : '' // an IP-literal HELO equal to the client IP is dropped
  else pre = name ? `${name} (${helo}) ` : `(${helo}) `
  return {pre, ip, v6, tls}
}

// Legitimate senders: a few big providers send most of the mail.
function providerHost() {
  const k = int(100)
  if (k < 30) {
    const v6 = chance(0.6)
    const n = `mail-${pick(['wr1', 'wm1', 'ed1', 'lj1', 'pl1', 'yw1', 'qt1', 'oi1', 'io1', 'pf1'])}-${pick(['f', 'x'])}${between(1, 250)}.gmail-relay.net`
    return host(
      n,
      n,
      v6 ? ipv6(`2a00:1450:4864:${between(1, 40)}::`) : `209.85.${between(128, 255)}.${between(1, 254)}`,
      v6,
      pick(CIPHERS_IN),
    )
  }
  if (k < 45) {
    const v6 = chance(0.5)
    const n = `forward${between(100, 999)}${pick('abcdefgh'.split(''))}.mail.yandex-mx.net`
    return host(
      n,
      n,
      v6 ? ipv6(`2a02:6b8:c0${between(1, 9)}:${h16()}:0:640:${h16()}:`) : `77.88.${between(20, 60)}.${between(1, 254)}`,
      v6,
      pick(CIPHERS_IN),
    )
  }
  if (k < 60) {
    const v6 = chance(0.4)
    const n = `mail-${pick(['vi1', 'db8', 'am6', 'he1', 'db3', 'eur05'])}on${between(2000, 2199)}.outbound.protect-mail.com`
    return host(
      n,
      n,
      v6 ? ipv6(`2a01:111:f400:${h16()}::`) : `40.107.${between(1, 255)}.${between(1, 254)}`,
      v6,
      'TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256',
    )
  }
  if (k < 70) {
    const n = `o${between(1, 60)}.ptr${between(1000, 9999)}.sendrelay.net`
    return host(n, n, ipv4(between(149, 168)), false, pick(CIPHERS_IN))
  }
  // Small company servers: name verified, HELO sometimes differs from the rDNS name.
  const dom = remoteDom()
  const n = `${pick(['mail', 'mx', 'smtp', 'relay', 'mx1', 'mx2', 'out'])}.${dom}`
  const v6 = chance(0.1)
  const ip = v6 ? ipv6(`2a0${between(1, 9)}:${h16()}:${h16()}::`) : ipv4()
  const helo = chance(0.8) ? n : chance(0.5) ? `${pick(['srv', 'ex', 'vm'])}${between(1, 40)}.${dom}` : `[${ip}]`
  return host(n, helo, ip, v6, chance(0.85) ? pick(CIPHERS_IN) : null)
}

// Spam and botnet senders: often no reverse DNS, junk HELOs, no TLS.
function spamHost() {
  const v6 = chance(0.05)
  const ip = v6 ? ipv6(`240${between(1, 9)}:${h16()}:${h16()}::`) : ipv4()
  const dashed = ip.replace(/[.:]/g, '-')
  const name = chance(0.45)
    ? `${pick(['host', 'ip', 'static', 'dyn', 'ppp'])}-${dashed}.${pick(['dynamic', 'pool', 'cust', 'broadband'])}.${syllables(2)}.${pick(TLDS)}`
    : null
  const r = int(100)
  let helo
  if (r < 3)
    helo = null // no HELO at all: "H=[ip]"
  else if (r < 15) helo = v6 ? `[IPv6:${ip}]` : `[${chance(0.7) ? ip : ipv4()}]`
  else if (r < 45) helo = pick(HELO_JUNK)
  else if (r < 70 && name) helo = name
  else helo = `${syllables(2)}.${pick(SPAM_TLDS)}`
  return host(name, helo, ip, v6, chance(0.35) ? pick(CIPHERS_IN) : null)
}

// Authenticated users submitting from anywhere.
function clientHost() {
  const v6 = chance(0.25)
  const ip = v6 ? ipv6(`2a0${between(1, 9)}:${h16()}:${h16()}:${h16()}:${h16()}:`) : ipv4()
  const helo = pick([
    `[192.168.${int(4)}.${between(2, 250)}]`,
    `DESKTOP-${rand62(7).toUpperCase()}`,
    'localhost',
    `${pick(FIRST)}s-MacBook-Pro.local`,
    `[10.0.${int(8)}.${between(2, 250)}]`,
    'iPhone',
  ])
  return host(null, helo, ip, v6, pick(CIPHERS_IN))
}

const goodHosts = Array.from({length: 4000}, providerHost)
const badHosts = Array.from({length: 20000}, spamHost)
const goodHost = () => goodHosts[zipf(goodHosts.length)]
const badHost = () => badHosts[int(badHosts.length)]

// Remote MXs we deliver to.
const remoteMx = Array.from({length: 600}, () => {
  const dom = remoteDom()
  const v6 = chance(0.2)
  return {
    name: `${pick(['mx', 'mx1', 'mail', 'smtp-in', 'aspmx'])}.${dom}`,
    ip: v6 ? ipv6(`2a0${between(1, 9)}:${h16()}::`) : ipv4(),
    dn: `CN=${pick(['mx', 'mail', '*'])}.${dom}`,
    tls: chance(0.9),
    dom,
  }
})

// ---------------------------------------------------------------------------------------------
// Output

class LogFile {
  constructor(file) {
    this.fd = fs.openSync(file, 'w')
    this.buf = Buffer.allocUnsafe(4 << 20)
    this.off = 0
    this.bytes = 0
    this.lines = 0
  }
  put(s) {
    // Lines stay well below 64 kB (Exim's own buffer is 8 kB), so one check per line suffices.
    if (this.off + s.length + 1 > this.buf.length) this.flush()
    // Every generated character is ASCII, so latin1 is an exact and cheap encoding.
    this.off += this.buf.latin1Write(s, this.off)
    this.buf[this.off++] = 10
    this.lines++
  }
  flush() {
    let done = 0
    while (done < this.off) done += fs.writeSync(this.fd, this.buf, done, this.off - done)
    this.bytes += this.off
    this.off = 0
  }
  get size() {
    return this.bytes + this.off
  }
  close() {
    this.flush()
    fs.closeSync(this.fd)
  }
}

const main = new LogFile(args.out)
const rej = args.rejectlog ? new LogFile(args.rejectlog) : null
let rejEntries = 0 // timestamped rejectlog lines; the rest are header blocks

// ---------------------------------------------------------------------------------------------
// Clock, pids, ids. The clock only moves forward, so timestamps never decrease.

let now = START_MS
// Sessions overlap on a real MX (--in-flight, a dozen by default); here they are written one after
// another, so only a share of a session's own duration moves the shared clock. D= values use the
// full length.
const step = (maxMs) => (now += Math.round(int(maxMs + 1) / OVERLAP))
let lastSec = -1
let secStr = ''
const p2 = (n) => (n < 10 ? '0' + n : '' + n)
function stamp() {
  const sec = Math.floor(now / 1000)
  if (sec !== lastSec) {
    lastSec = sec
    const d = new Date(sec * 1000)
    secStr = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`
  }
  let s = secStr
  if (OPT_MS) {
    const ms = now % 1000
    s += ms < 10 ? '.00' + ms : ms < 100 ? '.0' + ms : '.' + ms
  }
  if (TZ) s += ' ' + TZ
  return s
}

let pidCounter = 21000 + int(20000)
function newPid() {
  pidCounter += between(1, 9)
  if (pidCounter > 4194000) pidCounter = 300 + int(1000)
  return pidCounter
}
function newId(pid) {
  const sec = Math.floor(now / 1000)
  if (ID23) return `${b62(sec, 6)}-${b62(pid, 11)}-${b62((now % 1000) * 14776 + int(14776), 4)}`
  return `${b62(sec, 6)}-${b62(pid, 6)}-${b62(Math.floor((now % 1000) * 3.844), 2)}`
}

// With --disorder, a third of the processes are slow between reading the clock and writing: each
// of their lines is older than the line above it by that process's lag. A process's own lines stay
// in order, so an incorrect-digit line and its discard stay in the same second.
const lagOf = (pid) => {
  const h = Math.imul(pid, 2654435761) >>> 0
  return h % 3 === 0 ? Math.floor(h / 3) % (DISORDER + 1) : 0
}

// One log line: "<ts> [pid] [id] text" (log.c:log_vwrite).
function line(pid, id, text) {
  let s
  if (DISORDER > 0) {
    const save = now
    now = Math.max(START_MS, now - lagOf(pid))
    s = stamp() + ' '
    now = save
  } else s = stamp() + ' '
  if (OPT_PID) s += '[' + pid + '] '
  if (id) s += id + ' '
  s += text
  main.put(s)
  return s
}

// ---------------------------------------------------------------------------------------------
// Truth

const truth = {
  'rcpt-defer': 0,
  'rcpt-reject': 0,
  'discard-misconfig': 0,
  'data-reject': 0,
  'data-defer': 0,
  'delivery-quota': 0,
}
const detail = {
  rcptDeferByReason: {quota: 0, greylist: 0, ratelimit: 0, callout: 0},
  rcptRejectByReason: {unrouteable: 0, rbl: 0, relay: 0, senderVerify: 0},
  deliveryQuota: {lmtpRcptDefer: 0, lmtpDataDefer: 0, lmtpFail: 0, remoteDefer: 0, remoteFail: 0},
  lines: {
    connection: 0,
    closed: 0,
    arrival: 0,
    bounceArrival: 0,
    delivery: 0,
    additional: 0,
    completed: 0,
    deferral: 0,
    failure: 0,
    retryNotReached: 0,
    incorrectDigit: 0,
    discard: 0,
    queueRun: 0,
    noise: 0,
    longLines: 0,
  },
}
// Distinct (message id, recipient) among delivery-quota lines: queue runs repeat the same pair.
let quotaPairs = 0
const deferByBox = new Int32Array(NBOX)
const discardByBox = new Int32Array(NBOX)
const deferOther = new Map() // rcpt-defer recipients outside the mailbox set (relay rate limits)

// ---------------------------------------------------------------------------------------------
// Session building blocks

// H=... [I=...] as host_and_ident prints it, with per-session port/interface selectors.
function session(h, port) {
  const withPort = chance(0.6)
  const p = between(1024, 65535)
  const iface = h.v6 ? MX_V6 : MX_V4
  const hostPart = withPort ? `${h.pre}[${h.ip}]:${p}` : `${h.pre}[${h.ip}]`
  return {
    h,
    pid: newPid(),
    hostPart,
    H: withPort ? `H=${hostPart} I=[${iface}]:${port}` : `H=${hostPart}`,
    conn: withPort ? `[${h.ip}]:${p} I=[${iface}]:${port}` : `[${h.ip}]`,
    from: withPort ? `${hostPart} I=[${iface}]:${port}` : hostPart,
    tls: h.tls ? ` X=${h.tls} CV=no` : '',
    start: now,
  }
}

function connect(s) {
  if (chance(0.7)) {
    line(s.pid, null, `SMTP connection from ${s.conn} (TCP/IP connection count = ${between(1, 40)})`)
    detail.lines.connection++
  }
  step(900)
}
function close(s, how = 'QUIT') {
  step(400)
  const d = (((now - s.start) * OVERLAP + int(OVERLAP)) / 1000).toFixed(3)
  if (how === 'QUIT') {
    line(s.pid, null, `SMTP connection from ${s.from} D=${d}s closed by QUIT`)
    detail.lines.closed++
  } else if (how === 'lost') {
    line(s.pid, null, `unexpected disconnection while reading SMTP command from ${s.from} D=${Math.ceil(d)}s`)
    detail.lines.noise++
  } else if (how === 'drop') {
    line(s.pid, null, `SMTP connection from ${s.from} closed by DROP in ACL`)
    detail.lines.closed++
  }
}

// The ACL-failure line (smtp_in.c:smtp_handle_acl_fail); it goes to mainlog and rejectlog.
function aclFail(s, sender, auth, what, msg, id = null) {
  const text = `${s.H}${s.tls} F=<${sender}>${auth ? ` A=${auth}` : ''} ${what}${msg ? ': ' + msg : ''}`
  const l = line(s.pid, id, text)
  if (rej) {
    rej.put(l)
    rejEntries++
  }
  return l
}

function rcptDefer(s, sender, rcpt, msg, reason, idx, auth = null) {
  aclFail(s, sender, auth, `temporarily rejected RCPT <${typed(rcpt)}>`, msg)
  truth['rcpt-defer']++
  detail.rcptDeferByReason[reason]++
  if (idx >= 0) deferByBox[idx]++
  else deferOther.set(rcpt, (deferOther.get(rcpt) ?? 0) + 1)
}
function rcptReject(s, sender, rcptArg, msg, reason) {
  aclFail(s, sender, null, `rejected RCPT ${rcptArg}`, msg)
  truth['rcpt-reject']++
  detail.rcptRejectByReason[reason]++
}
const quotaMsg = (addr) => `422 Mailbox ${addr} is over quota`

function greylistMsg(s) {
  switch (int(3)) {
    case 0:
      return `Greylisted, please try again in ${pick([60, 120, 300, 600])} seconds`
    case 1:
      return `451 4.7.1 Deferred by greylisting for ${s.h.ip}, retry later`
    default:
      return 'Temporary local problem - please try again later (greylist)'
  }
}

function subject(spam) {
  if (chance(0.004)) {
    // Long encoded-word subjects from bulk senders make the occasional multi-kB "<=" line.
    let t = ''
    const n = between(10, 40)
    for (let i = 0; i < n; i++) t += `${i ? ' ' : ''}=?UTF-8?B?${rand64(between(60, 76))}?=`
    return t
  }
  const w = spam ? SPAM_WORDS : WORDS
  let t = `${pick(['', '', 'Re: ', 'RE: ', 'Fwd: ', 'AW: '])}${pick(w)} ${pick(w)}`
  if (chance(0.5)) t += ` ${pick(w)} ${between(1, 2000)}`
  if (spam) t = t.toUpperCase() + '!!'
  return t
}

const lmtpOk = (rcpt) => `C="250 2.0.0 <${rcpt}> ${rand64(22).replace(/[+/]/g, 'x')} Saved"`
const remoteOk = () =>
  pick([
    () => `C="250 2.0.0 OK  ${Math.floor(now / 1000)} ${rand62(12)}.${between(100, 999)} - gsmtp"`,
    () => `C="250 2.0.0 Ok: queued as ${hex(10).toUpperCase()}"`,
    () => `C="250 OK id=${rand62(6)}-${rand62(6)}-${rand62(2)}"`,
    () => `C="250 2.6.0 <${hex(16)}@${remoteDom()}> [InternalId=${between(1e9, 9e9)}] Queued mail for delivery"`,
  ])()

// Messages waiting for a retry in the next queue run.
const queue = []
const QUEUE_MAX = 3000

function lmtpQuotaDefer(pid, id, rcpt, afterData, retry = false) {
  const reply = `452 4.2.2 <${rcpt}> Quota exceeded (mailbox for user is full)`
  line(
    pid,
    id,
    afterData
      ? `== ${rcpt} R=dovecot_user T=dovecot_lmtp defer (-46): LMTP error after end of data: ${reply}`
      : `== ${rcpt} R=dovecot_user T=dovecot_lmtp defer (-44): LMTP error after RCPT TO:<${rcpt}>: ${reply}`,
  )
  truth['delivery-quota']++
  if (!retry) quotaPairs++
  detail.deliveryQuota[afterData ? 'lmtpDataDefer' : 'lmtpRcptDefer']++
  detail.lines.deferral++
}

function bounce(origId, to) {
  step(80)
  const pid = newPid()
  const id = newId(pid)
  line(pid, id, `<= <> R=${origId} U=Debian-exim P=local S=${between(2500, 60000)}`)
  detail.lines.bounceArrival++
  if (to === '') return
  const mx = pick(remoteMx)
  step(900)
  line(
    pid,
    id,
    `=> ${to} R=dnslookup T=remote_smtp H=${mx.name} [${mx.ip}]${mx.tls ? ` X=TLS1.3:ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_256_GCM:256 CV=yes DN="${mx.dn}"` : ''} ${remoteOk()}`,
  )
  detail.lines.delivery++
  line(pid, id, 'Completed')
  detail.lines.completed++
}

// Local delivery of an accepted message over Dovecot LMTP (one batch: "=>" then "->").
function deliverLocal(pid, id, sender, boxes) {
  step(300)
  let first = true
  let pending = false
  for (const idx of boxes) {
    const rcpt = mailbox(idx)
    if (overQuota[idx]) {
      // quota-status answered "ok" at RCPT time but the mailbox filled up before delivery.
      const r = int(10)
      if (r < 6) {
        lmtpQuotaDefer(pid, id, rcpt, r >= 4)
        if (queue.length < QUEUE_MAX) queue.push({id, rcpt, idx, sender, local: true, tries: 1})
        pending = true
        continue
      }
      if (r < 7) {
        line(
          pid,
          id,
          `** ${rcpt} R=dovecot_user T=dovecot_lmtp${FAIL_SEP}LMTP error after RCPT TO:<${rcpt}>: 552 5.2.2 <${rcpt}> Quota exceeded (mailbox for user is full)`,
        )
        truth['delivery-quota']++
        detail.deliveryQuota.lmtpFail++
        quotaPairs++
        detail.lines.failure++
        bounce(id, sender)
        continue
      }
    }
    const alias = chance(0.05) ? ` <${ROLES[int(ROLES.length)]}@${rcpt.slice(rcpt.indexOf('@') + 1)}>` : ''
    line(pid, id, `${first ? '=>' : '->'} ${rcpt}${alias} R=dovecot_user T=dovecot_lmtp ${lmtpOk(rcpt)}`)
    detail.lines[first ? 'delivery' : 'additional']++
    first = false
  }
  if (!pending) {
    line(pid, id, 'Completed')
    detail.lines.completed++
  }
}

// ---------------------------------------------------------------------------------------------
// Sessions

function sessInbound() {
  const s = session(goodHost(), 25)
  connect(s)
  const sender = chance(0.06) ? '' : remoteAddr()
  let n = 1
  const r = rnd()
  if (r < 0.0015)
    n = between(80, 280) // list traffic: one long "<=" line, many deliveries
  else if (r < 0.12) n = between(2, 5)
  const boxes = []
  for (let i = 0; i < n; i++) {
    const idx = anyBox()
    if (boxes.includes(idx)) continue
    step(40)
    if (overQuota[idx] && chance(0.85)) {
      const rcpt = mailbox(idx)
      rcptDefer(s, sender, rcpt, quotaMsg(rcpt), 'quota', idx)
      continue
    }
    boxes.push(idx)
  }
  if (boxes.length === 0) return close(s)
  step(1500)
  const id = newId(s.pid)
  let text = `<= ${sender || '<>'} ${s.H} P=${s.h.tls ? 'esmtps' : 'esmtp'}${s.tls} S=${between(1800, chance(0.05) ? 9000000 : 120000)} id=${rand62(between(16, 40))}@${sender ? sender.slice(sender.indexOf('@') + 1) : 'bounce.' + remoteDom()} T="${subject(false)}" for`
  // Exim's log buffer is 8 kB; a real line that long would be truncated, so stay under it.
  for (const idx of boxes) {
    const a = mailbox(idx)
    if (text.length + a.length > 7900) break
    text += ' ' + a
  }
  if (text.length > 2000) detail.lines.longLines++
  line(s.pid, id, text)
  detail.lines.arrival++
  if (chance(0.4)) {
    line(
      s.pid,
      id,
      `DKIM: d=${sender ? sender.slice(sender.indexOf('@') + 1) : remoteDom()} s=${pick(['selector1', 'mail', 'default', 's2048'])} c=relaxed/relaxed a=rsa-sha256 b=2048 [verification succeeded]`,
    )
    detail.lines.noise++
  }
  deliverLocal(newPid(), id, sender, boxes)
  close(s)
}

function sessOutbound() {
  const s = session(clientHost(), chance(0.8) ? 587 : 465)
  connect(s)
  const user = mailbox(anyBox())
  step(800)
  const pid = s.pid
  const id = newId(pid)
  const n = chance(0.85) ? 1 : between(2, 6)
  const rcpts = []
  for (let i = 0; i < n; i++) rcpts.push(remoteAddr())
  line(
    pid,
    id,
    `<= ${user} ${s.H} P=esmtpsa${s.tls} A=dovecot_plain:${user} S=${between(900, 2000000)} id=${hex(8)}-${hex(4)}-${hex(4)}-${hex(12)}@${user.slice(user.indexOf('@') + 1)} T="${subject(false)}" for ${rcpts.join(' ')}`,
  )
  detail.lines.arrival++
  const dpid = newPid()
  let complete = true
  for (const rcpt of rcpts) {
    step(1200)
    const mx = pick(remoteMx)
    const hpart = `H=${mx.name} [${mx.ip}]`
    const tls = mx.tls ? ` X=TLS1.3:ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_256_GCM:256 CV=yes DN="${mx.dn}"` : ''
    const k = int(1000)
    if (k < 920) {
      line(dpid, id, `=> ${rcpt} R=dnslookup T=remote_smtp ${hpart}${tls} ${remoteOk()}`)
      detail.lines.delivery++
    } else if (k < 940) {
      line(
        dpid,
        id,
        `== ${rcpt} R=dnslookup T=remote_smtp defer (-44) ${hpart}${tls}: SMTP error from remote mail server after RCPT TO:<${rcpt}>: 451 4.7.1 Greylisted, please retry in ${pick([5, 10, 15])} minutes`,
      )
      detail.lines.deferral++
      complete = false
      if (queue.length < QUEUE_MAX) queue.push({id, rcpt, idx: -1, sender: user, local: false, tries: 1, mx})
    } else if (k < 950) {
      line(
        dpid,
        id,
        `== ${rcpt} R=dnslookup T=remote_smtp defer (-44) ${hpart}${tls}: SMTP error from remote mail server after RCPT TO:<${rcpt}>: 452 4.2.2 Mailbox ${rcpt} is over quota, try again later`,
      )
      truth['delivery-quota']++
      detail.deliveryQuota.remoteDefer++
      quotaPairs++
      detail.lines.deferral++
      complete = false
      if (queue.length < QUEUE_MAX) queue.push({id, rcpt, idx: -1, sender: user, local: false, tries: 1, mx})
    } else if (k < 955) {
      line(
        dpid,
        id,
        `** ${rcpt} R=dnslookup T=remote_smtp ${hpart}${tls}${FAIL_SEP}SMTP error from remote mail server after end of data: 552 5.2.2 ${rcpt} mailbox is over quota`,
      )
      truth['delivery-quota']++
      detail.deliveryQuota.remoteFail++
      quotaPairs++
      detail.lines.failure++
      bounce(id, user)
    } else if (k < 985) {
      line(
        dpid,
        id,
        `** ${rcpt} R=dnslookup T=remote_smtp ${hpart}${tls}${FAIL_SEP}SMTP error from remote mail server after RCPT TO:<${rcpt}>: 550 5.1.1 <${rcpt}>: Recipient address rejected: User unknown in virtual mailbox table`,
      )
      detail.lines.failure++
      bounce(id, user)
    } else if (k < 993) {
      line(dpid, id, `H=${mx.name} [${mx.ip}] Connection timed out`)
      line(dpid, id, `== ${rcpt} R=dnslookup T=remote_smtp defer (110): Connection timed out`)
      detail.lines.noise++
      detail.lines.deferral++
      complete = false
      if (queue.length < QUEUE_MAX) queue.push({id, rcpt, idx: -1, sender: user, local: false, tries: 1, mx})
    } else {
      line(
        dpid,
        id,
        `== ${rcpt} R=dnslookup T=remote_smtp defer (-54): retry time not reached for any host for '${rcpt.slice(rcpt.indexOf('@') + 1)}'`,
      )
      detail.lines.deferral++
      detail.lines.retryNotReached++
      complete = false
      if (queue.length < QUEUE_MAX) queue.push({id, rcpt, idx: -1, sender: user, local: false, tries: 1, mx})
    }
  }
  if (complete) {
    line(dpid, id, 'Completed')
    detail.lines.completed++
  }
  close(s)
}

// A big sender retrying mail for a full mailbox: the quota-status defer the tool exists for.
function sessQuotaRetry() {
  const s = session(goodHost(), 25)
  connect(s)
  const sender = chance(0.05) ? '' : remoteAddr()
  const n = chance(0.9) ? 1 : 2
  for (let i = 0; i < n; i++) {
    const idx = quotaBox()
    const rcpt = mailbox(idx)
    step(60)
    rcptDefer(s, sender, rcpt, quotaMsg(rcpt), 'quota', idx)
  }
  close(s, chance(0.9) ? 'QUIT' : 'lost')
}

function sessGreylist() {
  const s = session(chance(0.6) ? goodHost() : badHost(), 25)
  connect(s)
  const sender = chance(0.6) ? remoteAddr() : spamAddr()
  const n = chance(0.85) ? 1 : between(2, 4)
  for (let i = 0; i < n; i++) {
    // Uniform over all mailboxes: with --recipients 1000000 this makes a high-cardinality report.
    const idx = int(NBOX)
    step(60)
    rcptDefer(s, sender, mailbox(idx), greylistMsg(s), 'greylist', idx)
  }
  close(s)
}

function sessSpam() {
  const s = session(badHost(), 25)
  connect(s)
  if ((s.h.pre === '' || s.h.pre.startsWith('(')) && chance(0.5)) {
    line(s.pid, null, `no host name found for IP address ${s.h.ip}`)
    detail.lines.noise++
  }
  const sender = spamAddr()
  const kind = int(100)
  if (kind < 45) {
    const rbl = pick(RBLS)
    const n = chance(0.8) ? 1 : between(2, 5)
    for (let i = 0; i < n; i++) {
      step(50)
      const msg = pick([
        `Rejected because ${s.h.ip} is in a black list at ${rbl}`,
        `"JunkMail rejected - ${s.hostPart} is listed at ${rbl}: see https://check.${rbl}/lookup?ip=${s.h.ip}"`,
        `550 5.7.1 Service unavailable; client host [${s.h.ip}] blocked using ${rbl}`,
      ])
      rcptReject(s, sender, `<${typed(mailbox(anyBox()))}>`, msg, 'rbl')
    }
    return close(s, chance(0.3) ? 'drop' : 'QUIT')
  }
  if (kind < 75) {
    const dom = pick(OUR_DOMAINS)
    const n = between(1, 4)
    for (let i = 0; i < n; i++) {
      step(50)
      const local = unknownLocal()
      // A few broken clients send the address without angle brackets.
      rcptReject(
        s,
        sender,
        chance(0.02) ? `${local}@${dom}` : `<${local}@${dom}>`,
        'Unrouteable address',
        'unrouteable',
      )
    }
    return close(s, chance(0.5) ? 'QUIT' : 'lost')
  }
  if (kind < 90) {
    step(50)
    rcptReject(s, sender, `<${remoteAddr()}>`, 'relay not permitted', 'relay')
    return close(s, 'lost')
  }
  step(200)
  line(
    s.pid,
    null,
    `${s.H}${s.tls} sender verify fail for <${sender}>: ${pick(['Unrouteable address', 'all relevant MX records point to non-existent hosts', 'response to "RCPT TO:<' + sender + '>" was: 550 5.1.1 No such user'])}`,
  )
  detail.lines.noise++
  rcptReject(s, sender, `<${typed(mailbox(anyBox()))}>`, 'Sender verify failed', 'senderVerify')
  close(s)
}

// A dictionary attack: a burst of unknown recipients from one host, most within a second or two.
function sessDictionary() {
  const s = session(badHost(), 25)
  connect(s)
  const sender = spamAddr()
  const dom = pick(OUR_DOMAINS)
  const n = between(30, 250)
  for (let i = 0; i < n; i++) {
    step(30)
    rcptReject(
      s,
      sender,
      `<${unknownLocal()}${int(4) === 0 ? between(1, 999) : ''}@${dom}>`,
      'Unrouteable address',
      'unrouteable',
    )
  }
  close(s, 'lost')
}

// discard in place of defer: the sender gets 250 and the message is gone (smtp_in.c RCPT_CMD).
function sessDiscard() {
  const s = session(goodHost(), 25)
  connect(s)
  const sender = chance(0.05) ? '' : remoteAddr()
  const n = chance(0.85) ? 1 : 2
  for (let i = 0; i < n; i++) {
    step(60)
    const idx = quotaBox()
    const rcpt = mailbox(idx)
    const msg = quotaMsg(rcpt)
    // Same process, same moment: the pair shares timestamp and pid, nothing comes between.
    line(s.pid, null, `configured error code starts with incorrect digit (expected 2) in "${msg}"`)
    line(s.pid, null, `${s.H} F=<${sender}> RCPT <${typed(rcpt)}>: discarded by RCPT ACL: ${msg}`)
    truth['discard-misconfig']++
    detail.lines.incorrectDigit++
    detail.lines.discard++
    discardByBox[idx]++
  }
  close(s)
}

function rejectlogHeaders(id, sender, boxes, subj) {
  if (!rej) return
  const to = boxes.map(mailbox)
  rej.put(`Envelope-from: <${sender}>`)
  rej.put(`Envelope-to: <${to[0]}>`)
  for (let i = 1; i < Math.min(5, to.length); i++) rej.put(`    <${to[i]}>`)
  if (to.length > 5) rej.put('    ...')
  rej.put(`P Received: from [${pick(['127.0.0.1', '10.0.0.5'])}] (helo=${syllables(2)}.${pick(SPAM_TLDS)})`)
  rej.put(`\tby ${MX_NAME} with esmtp (Exim 4.96)`)
  rej.put(`\t(envelope-from <${sender}>)`)
  rej.put(`\tid ${id}`)
  rej.put(`\tfor ${to[0]}; ${new Date(now).toUTCString().replace('GMT', '+0000')}`)
  rej.put(`F From: "${pick(SPAM_WORDS)} ${pick(SPAM_WORDS)}" <${sender}>`)
  rej.put(`T To: ${to[0]}`)
  rej.put(`  Subject: ${subj}`)
  rej.put(`I Message-Id: <${hex(24)}@${sender.slice(sender.indexOf('@') + 1)}>`)
  rej.put('  MIME-Version: 1.0')
  rej.put('  Content-Type: multipart/alternative;')
  rej.put(`\tboundary="=_${hex(20)}"`)
}

function sessDataReject(temporary) {
  const s = session(chance(0.7) ? badHost() : goodHost(), 25)
  connect(s)
  const sender = spamAddr()
  const boxes = [anyBox()]
  if (chance(0.2)) boxes.push(anyBox())
  step(2500)
  const id = newId(s.pid)
  const msg = temporary
    ? pick([
        'Could not scan message for viruses, please try again later',
        'Temporary local problem - please try again later',
      ])
    : pick([
        `Your message scored ${between(80, 400) / 10} spam points and was rejected`,
        `This message contains a virus (${pick(['Win.Trojan', 'Doc.Dropper', 'Html.Phishing'])}.Agent-${between(100000, 999999)})`,
        'Message rejected: the attachment type is not allowed',
      ])
  aclFail(s, sender, null, `${temporary ? 'temporarily ' : ''}rejected after DATA`, msg, id)
  rejectlogHeaders(id, sender, boxes, subject(true))
  truth[temporary ? 'data-defer' : 'data-reject']++
  close(s)
}

// Authenticated relay hitting the per-user rate limit: a defer for a remote recipient.
function sessRatelimit() {
  const s = session(clientHost(), 587)
  connect(s)
  const user = mailbox(anyBox())
  const n = between(1, 6)
  for (let i = 0; i < n; i++) {
    step(40)
    rcptDefer(
      s,
      user,
      remoteAddr(),
      `Sender rate overlimit - ${between(101, 900)}.0 / 1h / per_rcpt`,
      'ratelimit',
      -1,
      `dovecot_plain:${user}`,
    )
  }
  close(s)
}

// Sender-verify callout could not complete: a defer, message without an SMTP code.
function sessCallout() {
  const s = session(goodHost(), 25)
  connect(s)
  const sender = remoteAddr()
  const idx = anyBox()
  step(3000)
  line(s.pid, null, `${s.H}${s.tls} sender verify defer for <${sender}>: Could not complete sender verify callout`)
  detail.lines.noise++
  rcptDefer(s, sender, mailbox(idx), 'Could not complete sender verify callout', 'callout', idx)
  close(s)
}

function sessLocal() {
  const pid = newPid()
  const id = newId(pid)
  const who = pick(['root', 'logcheck', 'www-data', 'backup'])
  line(
    pid,
    id,
    `<= ${who}@${MX_NAME} U=${who} P=local S=${between(600, 40000)} T="${pick(['Cron <root@mx1> /usr/local/bin/backup', 'Anacron job cron.daily', `${MX_NAME} system events`, 'Logwatch report'])}"`,
  )
  detail.lines.arrival++
  step(200)
  const to = `${pick(['admin', 'office'])}@${OUR_DOMAINS[0]}`
  line(newPid(), id, `=> ${to} <root@${MX_NAME}> R=dovecot_user T=dovecot_lmtp ${lmtpOk(to)}`)
  detail.lines.delivery++
  line(pid, id, 'Completed')
  detail.lines.completed++
}

function sessNoise() {
  const k = int(100)
  if (k < 40) {
    // Password guessing against submission.
    const h = badHost()
    const pid = newPid()
    const n = between(1, 6)
    for (let i = 0; i < n; i++) {
      step(1500)
      const from = `${h.pre}[${h.ip}]:${between(1024, 65535)} I=[${h.v6 ? MX_V6 : MX_V4}]:${pick([587, 465, 25])}`
      line(
        pid,
        null,
        `${pick(['dovecot_login', 'dovecot_plain'])} authenticator failed for ${from}: 535 Incorrect authentication data (set_id=${chance(0.5) ? pick(ROLES) + '@' + pick(OUR_DOMAINS) : pick(['admin', 'test', 'user', 'info', 'sales'])})`,
      )
      detail.lines.noise++
    }
    return
  }
  const s = session(chance(0.5) ? badHost() : goodHost(), 25)
  if (k < 60) {
    connect(s)
    line(
      s.pid,
      null,
      `no MAIL in SMTP connection from ${s.from} D=${between(0, 30)}s C=${pick(['EHLO,STARTTLS,EHLO,QUIT', 'EHLO,QUIT', 'EHLO,STARTTLS', 'EHLO,AUTH,QUIT', 'QUIT'])}`,
    )
  } else if (k < 72) {
    line(
      s.pid,
      null,
      `TLS error on connection from ${s.from} (recv): ${pick(['The TLS connection was non-properly terminated.', 'A TLS fatal alert has been received.: Certificate is bad', 'Error in the pull function.'])}`,
    )
  } else if (k < 80) {
    line(s.pid, null, `SMTP command timeout on connection from ${s.from}`)
  } else if (k < 88) {
    const l = line(
      s.pid,
      null,
      `${s.H} rejected connection in "connect" ACL: ${pick(['Host is ratelimited', `connection from ${s.h.ip} refused: too many connections`])}`,
    )
    if (rej) {
      rej.put(l)
      rejEntries++
    }
  } else if (k < 94) {
    line(
      s.pid,
      null,
      `SMTP protocol synchronization error (input sent without waiting for greeting): rejected connection from H=${s.hostPart} input="${pick(['GET / HTTP/1.1\\r\\n', '\\026\\003\\001', 'EHLO x\\r\\n'])}"`,
    )
  } else {
    line(s.pid, null, `no host name found for IP address ${s.h.ip}`)
  }
  detail.lines.noise++
}

// Queue runner: retries what is waiting. Local quota defers mostly stay full, remote ones clear.
function queueRun() {
  const qpid = newPid()
  line(qpid, null, `Start queue run: pid=${qpid}`)
  detail.lines.queueRun++
  const keep = []
  for (const m of queue) {
    step(40)
    const pid = newPid()
    if (m.local) {
      if (chance(0.3)) {
        line(pid, m.id, `== ${m.rcpt} R=dovecot_user T=dovecot_lmtp defer (-53): Retry time not yet reached`)
        detail.lines.deferral++
        detail.lines.retryNotReached++
        keep.push(m)
      } else if (m.tries < 6 && chance(0.7)) {
        lmtpQuotaDefer(pid, m.id, m.rcpt, chance(0.3), true)
        m.tries++
        keep.push(m)
      } else if (m.tries >= 6) {
        line(pid, m.id, `** ${m.rcpt}: retry timeout exceeded`)
        detail.lines.failure++
        bounce(m.id, m.sender)
        line(pid, m.id, 'Completed')
        detail.lines.completed++
      } else {
        line(pid, m.id, `=> ${m.rcpt} R=dovecot_user T=dovecot_lmtp ${lmtpOk(m.rcpt)}`)
        detail.lines.delivery++
        line(pid, m.id, 'Completed')
        detail.lines.completed++
      }
    } else if (chance(0.25)) {
      line(pid, m.id, `== ${m.rcpt} routing defer (-52): retry time not reached`)
      detail.lines.deferral++
      detail.lines.retryNotReached++
      keep.push(m)
    } else {
      line(pid, m.id, `=> ${m.rcpt} R=dnslookup T=remote_smtp H=${m.mx.name} [${m.mx.ip}] ${remoteOk()}`)
      detail.lines.delivery++
      line(pid, m.id, 'Completed')
      detail.lines.completed++
    }
  }
  queue.length = 0
  for (const m of keep) queue.push(m)
  line(qpid, null, `End queue run: pid=${qpid}`)
  detail.lines.queueRun++
}

// ---------------------------------------------------------------------------------------------
// Main loop

const nextSession = weighted([
  [520, sessInbound],
  [140, sessOutbound],
  [36, sessQuotaRetry],
  [25, sessGreylist],
  [38, sessSpam],
  [1.5, sessRatelimit],
  [4, sessCallout],
  [200, sessNoise],
  [8, () => sessDataReject(false)],
  [1, () => sessDataReject(true)],
  [0.4, sessDictionary],
  [0.25, sessDiscard],
  [5, sessLocal],
])

const QUEUE_INTERVAL = 30 * 60 * 1000
let nextQueueRun = now + QUEUE_INTERVAL
let nextProgress = 256 * 2 ** 20
const t0 = process.hrtime.bigint()
while (main.size < TARGET) {
  now += Math.round(expo(55))
  if (now >= nextQueueRun) {
    queueRun()
    nextQueueRun += QUEUE_INTERVAL
  }
  nextSession()()
  if (!args.quiet && process.stderr.isTTY && main.size >= nextProgress) {
    process.stderr.write(`generate: ${Math.round(main.size / 2 ** 20)} MiB\r`)
    nextProgress += 256 * 2 ** 20
  }
}
main.close()
if (rej) rej.close()
const secs = Number(process.hrtime.bigint() - t0) / 1e9

// ---------------------------------------------------------------------------------------------
// Truth file

function top(counts, extra, k) {
  const rows = []
  for (let i = 0; i < counts.length; i++) if (counts[i]) rows.push([mailbox(i), counts[i]])
  if (extra) for (const [a, c] of extra) rows.push([a.toLowerCase(), c])
  const distinct = rows.length
  // Same order as the report's CSV: count descending, then key ascending (code-unit order).
  rows.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return {distinct, top: rows.slice(0, k).map(([recipient, count]) => ({recipient, count}))}
}

const both = new Int32Array(NBOX)
for (let i = 0; i < NBOX; i++) both[i] = deferByBox[i] + discardByBox[i]
const deferTop = top(deferByBox, deferOther, 25)
const discardTop = top(discardByBox, null, 25)
const defaultTop = top(both, deferOther, 25)

const fmtStamp = (ms) => {
  const save = now
  now = ms
  lastSec = -1
  const s = stamp()
  now = save
  return s
}
const out = {
  generator: 'bench/generate.mjs',
  options: {
    size: TARGET,
    seed: SEED,
    recipients: NBOX,
    pid: OPT_PID,
    millisec: OPT_MS,
    tz: TZ || null,
    msgid: ID23 ? 23 : 16,
    start: args.start,
    disorder: DISORDER,
  },
  mainlog: {path: args.out, bytes: main.bytes, lines: main.lines, first: fmtStamp(START_MS), last: fmtStamp(now)},
  rejectlog: rej ? {path: args.rejectlog, bytes: rej.bytes, lines: rej.lines, entries: rejEntries} : null,
  // Event lines in the mainlog, by the CLI contract's kinds. discard-misconfig counts pairs
  // (one "incorrect digit" line + one "discarded by RCPT ACL" line each).
  events: truth,
  // delivery-quota counted once per (message id, recipient), as a report that ignores the retries
  // of a queued message would count it.
  deliveryQuotaPairs: quotaPairs,
  // Lines an exact substring search finds (for comparing with grep -c).
  grep: {
    'rejected RCPT': truth['rcpt-defer'] + truth['rcpt-reject'],
    'temporarily rejected RCPT': truth['rcpt-defer'],
    'discarded by RCPT ACL': truth['discard-misconfig'],
    'rejected after DATA': truth['data-reject'] + truth['data-defer'],
  },
  detail,
  recipients: {
    mailboxes: NBOX,
    overQuotaMailboxes: quotaList.length,
    note: 'lower-cased; sorted by count desc, then recipient asc (code-unit order); top 25',
    rcptDefer: deferTop,
    discard: discardTop,
    defaultKinds: defaultTop, // rcpt-defer + discard-misconfig, the report's default --kind
  },
  seconds: Math.round(secs * 100) / 100,
}
fs.writeFileSync(args.out + '.truth.json', JSON.stringify(out, null, 2) + '\n')
if (!args.quiet) {
  const mb = main.bytes / 1e6
  if (process.stderr.isTTY) process.stderr.write(' '.repeat(30) + '\r')
  process.stdout.write(
    `${args.out}: ${main.bytes} bytes, ${main.lines} lines, ${out.mainlog.first} .. ${out.mainlog.last} ` +
      `(${secs.toFixed(1)} s, ${(mb / secs).toFixed(0)} MB/s)\n` +
      `  events: ${Object.entries(truth)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}\n` +
      `  'rejected RCPT' lines: ${out.grep['rejected RCPT']} (${((100 * out.grep['rejected RCPT']) / main.lines).toFixed(2)}% of lines)\n` +
      (rej ? `  rejectlog ${args.rejectlog}: ${rej.bytes} bytes, ${rej.lines} lines\n` : '') +
      `  truth: ${args.out}.truth.json\n`,
  )
}
