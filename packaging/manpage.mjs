// exim-rejects(1), written from what the tool itself says: its commands and flags from oclif's
// manifest, its event kinds, group keys and formats from the built modules. A flag added to a
// command is in the manual with the next build; the test holds the two alike.
//
//   node packaging/manpage.mjs > exim-rejects.1

import {readFileSync} from 'node:fs'
import {fileURLToPath, pathToFileURL} from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const dist = (p) => import(pathToFileURL(`${ROOT}/dist/${p}`).href)

/** Text for roff: backslashes doubled, hyphens as minus where they are typed, no line opening a request. */
export function roff(text, {minus = false} = {}) {
  let s = String(text).replace(/\\/g, '\\e')
  if (minus) s = s.replace(/-/g, '\\-')
  return s
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n')
}

/** What is typed: an option, a command, an example line (every hyphen a minus sign). */
const typed = (s) => roff(s, {minus: true})

function flagLine(f) {
  const value =
    f.type === 'option' ? `=\\fI${roff(f.helpValue ?? (f.options ? f.options.join('|') : 'VALUE'))}\\fR` : ''
  const names = [
    ...(f.char ? [`\\fB\\-${f.char}\\fR`] : []),
    ...(f.charAliases ?? []).map((c) => `\\fB\\-${c}\\fR`),
    `\\fB\\-\\-${typed(f.name)}\\fR${value}`,
    ...(f.aliases ?? []).map((a) => `\\fB\\-\\-${typed(a)}\\fR`),
  ]
  const extra = [f.default !== undefined && f.type === 'option' ? `Default: \\fB${typed(f.default)}\\fR.` : ''].filter(
    Boolean,
  )
  const text = roff(f.description ?? '').replace(/\.?$/, '.')
  return `.TP\n${names.join(', ')}\n${[text, ...extra].join(' ')}`
}

/** `[PATH...]`, `REPORT...`, `[COMMAND]`: the arguments as the synopsis has them. */
function argsOf(c) {
  const more = c.strict === false ? '...' : ''
  return Object.values(c.args ?? {})
    .map((a) => (a.required ? `\\fI${a.name.toUpperCase()}\\fR${more}` : `[\\fI${a.name.toUpperCase()}\\fR${more}]`))
    .join(' ')
}

function commandSection(id, c) {
  const args = argsOf(c)
  const flags = Object.values(c.flags)
    .filter((f) => !f.hidden)
    .sort((a, b) => a.name.localeCompare(b.name))
  const lines = [
    `.SS "${typed(id)}${args ? ` ${args.replace(/\\f[IR]/g, '')}` : ''}"`,
    roff(c.summary ?? ''),
    '.PP',
    roff(c.description ?? ''),
    ...flags.map(flagLine),
  ]
  const examples = (c.examples ?? []).map((e) => (typeof e === 'string' ? e : e.command))
  if (examples.length > 0) {
    lines.push(
      '.PP',
      'Examples:',
      '.RS',
      '.nf',
      ...examples.map((e) => typed(e.replace('<%= config.bin %>', 'exim-rejects'))),
      '.fi',
      '.RE',
    )
  }
  return lines.join('\n')
}

const FORMATS = {
  summary:
    'report (default): totals per kind, a histogram, the top recipients, sending hosts and reasons, and the line accounting',
  csv: 'report: one row per --by group (the keys, count, first, last); events: one row per event',
  json: 'report: the whole report, with the input accounting; made with --label, it can be merged',
  ndjson: 'report: one object per group; events: one object per event',
  html: 'report: a page to look at, with charts and the list of dropped mail',
  table: 'events (default): one row per event, fitted to the terminal',
  raw: 'events: the log lines behind each event, with file:line',
}

const EXIT = [
  ['0', 'report, events, merge: success, also when nothing matched. check: OK. exporter: ended by SIGTERM or Ctrl-C.'],
  ['1', 'report, events, merge: an internal error. check: WARNING.'],
  [
    '2',
    'report, events, merge, exporter: bad usage, or an input that cannot be read (one line on standard error names the file and the cause); exporter: also an address that cannot be bound. check: CRITICAL.',
  ],
  ['3', 'check: UNKNOWN: no log line could be read, a log is unreadable, bad usage, or any failure of the tool.'],
  ['130', 'interrupted (Ctrl-C) while reading.'],
]

const ENVIRONMENT = [
  ['TZ', 'the system zone: log times without an offset are read, and reports shown, in it (unless --utc or --tz).'],
  ['NO_COLOR', 'set: no colour, even on a terminal, unless --color always.'],
  ['COLUMNS', 'the width the events table and the histogram fit when standard output is not a terminal.'],
  [
    'EXIM_REJECTS_LOG_DIRS',
    'colon-separated directories to read when no PATH is given (default /var/log/exim4:/var/log/exim).',
  ],
  ['EXIM_REJECTS_THREADS', 'how many threads read a large log (default: up to 4, one per core).'],
  ['DEBUG', 'exim-rejects (or *): a failure prints its stack trace, as --debug does.'],
]

const FILES = [
  [
    '/var/log/exim4/mainlog, rejectlog, paniclog',
    "Debian's Exim logs, read with their rotated siblings (mainlog.1, mainlog.2.gz, ...) when no PATH is given.",
  ],
  ['/var/log/exim/main.log, reject.log, panic.log', 'the same on RHEL and FreeBSD.'],
  [
    '/usr/share/doc/exim-rejects/examples/',
    'a cron.d file, an NRPE command, a systemd service and timer for the textfile collector, a systemd service for the exporter, Prometheus alert rules with their promtool unit tests, and a Grafana dashboard.',
  ],
]

const EXAMPLES = [
  [
    'Serve Prometheus counters of the main log on the loopback address, port 10139:',
    'exim-rejects exporter /var/log/exim4',
  ],
  [
    'What was deferred yesterday, and what was dropped:',
    'exim-rejects report --since yesterday --until today /var/log/exim4',
  ],
  [
    'During an incident, every event for one mailbox as it happens:',
    'exim-rejects events -f --recipient "*petrova*" /var/log/exim4',
  ],
  [
    'From NRPE, over the last hour, asking Dovecot too:',
    'exim-rejects check --since 1h -w 300 -c 1000 --quota-socket /var/run/dovecot/exim-quota-status /var/log/exim4',
  ],
  [
    'From cron, the lines of dropped mail since the last run, each once, across logrotate:',
    'exim-rejects events --kind discard-misconfig --format raw --state /var/lib/exim-rejects/dropped.state /var/log/exim4',
  ],
  ['A week as a page:', 'exim-rejects report --kind all --since 7d --format html --output week.html /var/log/exim4'],
  [
    'Several servers in one report:',
    'exim-rejects report --format json --label mx1 /var/log/exim4 > mx1.json\nexim-rejects merge mx1.json mx2.json',
  ],
]

export async function manPage({date} = {}) {
  const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8'))
  const manifest = JSON.parse(readFileSync(`${ROOT}/oclif.manifest.json`, 'utf8'))
  const {KINDS, EVENT_KINDS, DEFAULT_KINDS} = await dist('kinds.js')
  const {GROUP_KEYS, KEY_MEANINGS} = await dist('aggregate/keys.js')
  const {REPORT_FORMATS} = await dist('render/report-formats.js')
  const {EVENT_FORMATS} = await dist('render/event-formats.js')
  const ids = Object.keys(manifest.commands).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))
  const day = date ?? new Date().toISOString().slice(0, 10)
  const formats = [...new Set([...REPORT_FORMATS, ...EVENT_FORMATS])]
  const out = [
    `.TH EXIM\\-REJECTS 1 "${day}" "exim\\-rejects ${pkg.version}" "User Commands"`,
    '.SH NAME',
    `exim\\-rejects \\- ${roff(pkg.description.replace(/^./, (c) => c.toLowerCase()))}`,
    '.SH SYNOPSIS',
    ...ids
      .flatMap((id) => {
        const a = argsOf(manifest.commands[id])
        return ['.br', `\\fBexim\\-rejects ${typed(id)}\\fR [\\fIOPTIONS\\fR]${a ? ' ' + a : ''}`]
      })
      .slice(1),
    '.SH DESCRIPTION',
    roff(
      'exim-rejects reads the main, reject and panic logs of the Exim mail server and tells which recipients ' +
        'were deferred or rejected at RCPT time, by which sending hosts, for what reason, and whether mail ' +
        'is being silently lost: a discard in the RCPT ACL with a 4xx message answers 250 and drops the mail, ' +
        "and deliveries that fail for quota show that the RCPT ACL's quota check is not firing.",
    ),
    '.PP',
    roff(
      'A PATH is a log file (plain, .gz, .bz2, .xz or .zst), a directory (the Exim logs in it and their ' +
        'rotated siblings, oldest first), or - for standard input. With no PATH, standard input is read when ' +
        'it is a pipe or a file; otherwise the first existing of /var/log/exim4 and /var/log/exim. Each event ' +
        'is counted once, also when the main and the reject log both hold it, and every line read is ' +
        'accounted for: lines = events + duplicates + other + unparsed.',
    ),
    '.SH COMMANDS',
    ...ids.map((id) => commandSection(id, manifest.commands[id])),
    '.SH EVENT KINDS',
    roff(`--kind takes a comma list of these, or all; the default is ${DEFAULT_KINDS.join(',')}.`),
    ...EVENT_KINDS.map((k) => `.TP\n.B ${typed(k)}\n${roff(KINDS[k].meaning)}: ${roff(KINDS[k].trigger)}.`),
    '.SH GROUP KEYS',
    roff('--by takes a comma list of these; the default is recipient,host.'),
    ...GROUP_KEYS.map((k) => `.TP\n.B ${typed(k)}\n${roff(KEY_MEANINGS[k])}.`),
    '.SH FORMATS',
    ...formats.map((f) => `.TP\n.B ${typed(f)}\n${roff(FORMATS[f] ?? '')}.`),
    '.SH EXIT STATUS',
    ...EXIT.map(([n, t]) => `.TP\n.B ${n}\n${roff(t)}`),
    '.SH ENVIRONMENT',
    ...ENVIRONMENT.map(([n, t]) => `.TP\n.B ${typed(n)}\n${roff(t)}`),
    '.SH FILES',
    ...FILES.map(([n, t]) => `.TP\n.I ${typed(n)}\n${roff(t)}`),
    '.SH EXAMPLES',
    ...EXAMPLES.flatMap(([t, c]) => ['.PP', roff(t), '.RS', '.nf', typed(c), '.fi', '.RE']),
    '.SH SEE ALSO',
    '.BR exim4 (8),',
    '.BR eximstats (8),',
    '.BR exigrep (8)',
  ]
  return out.join('\n') + '\n'
}

const ORDER = ['report', 'events', 'check', 'merge', 'help', 'version']

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(await manPage({date: process.env.MAN_DATE}))
}
