// The named scenarios that make-logs.mjs writes and the integration tests run: one row per
// log set, so adding a variant is one entry here. Data only; nothing runs on import.

/**
 * A log_message for the over-quota statement that is ordinary for every recipient except
 * full2@, whose line is made longer than Exim's 870-character syslog limit, so that Exim
 * sends it to syslog in `[1/2] ...` `[2/2] ...` pieces. (An Exim expansion string.)
 */
export const LONG_LOG_MESSAGE = (() => {
  const short = '422 Mailbox $local_part@$domain is over quota'
  const notes = [
    'quota-status answered action=OVER for size=$message_size',
    'the mailbox holds as many messages as its quota rule allows (messages=3)',
    'the sending host is asked to retry later and will see a 4xx answer until the user makes room',
    'this note is deliberately long so that the whole log line exceeds the syslog line limit of Exim',
    'which is 870 characters per syslog message unless Exim was built with SYSLOG_LONG_LINES',
    'longer lines are cut into numbered pieces that a log reader has to join again',
    'each piece starts with its number and the count of pieces, then a single space',
    'a split can fall anywhere, even inside an address or a word',
    'the mainlog and rejectlog files keep the line in one piece',
    'the reject log gets the same line and with syslog_duplication it goes to syslog a second time',
    'Dovecot would refuse the message at LMTP time as well if it were accepted here',
  ]
  return `\${if eq{$local_part}{full2}{${short}; ${notes.join('; ')}}{${short}}}`
})()

/** @type {ReadonlyArray<import('./index.mjs').ScenarioOptions & { name: string, about: string }>} */
export const SCENARIOS = [
  {name: 'defer-plain', verb: 'defer', about: 'article config, default log_selector'},
  {
    name: 'defer-pid-ms-port',
    verb: 'defer',
    logSelector: '+pid +millisec +incoming_port',
    about: 'defer with +pid +millisec +incoming_port',
  },
  {
    name: 'defer-tz',
    verb: 'defer',
    logTimezone: true,
    timezone: 'Asia/Yekaterinburg',
    about: 'defer with log_timezone = true, timezone = Asia/Yekaterinburg',
  },
  {name: 'discard-plain', verb: 'discard', about: 'discard instead of defer, default log_selector'},
  {
    name: 'discard-pid-ms-port',
    verb: 'discard',
    logSelector: '+pid +millisec +incoming_port',
    about: 'discard with +pid +millisec +incoming_port',
  },
  {
    name: 'discard-tz-ms-iface',
    verb: 'discard',
    logSelector: '+pid +millisec +incoming_port +incoming_interface',
    logTimezone: true,
    timezone: 'America/St_Johns',
    about: 'discard, +millisec with log_timezone in a -0330/-0230 zone, I=[iface]:port',
  },
  {
    name: 'nosocket-plain',
    verb: 'nosocket',
    queueRuns: 1,
    about: 'quota-status socket missing: all accepted, LMTP refuses at RCPT (== 452 / ** 552)',
  },
  {
    name: 'nosocket-after-data',
    verb: 'nosocket',
    lmtpRcptCheckQuota: false,
    logSelector: '+pid',
    about: 'socket missing, Dovecot lmtp_rcpt_check_quota = no: LMTP refuses after end of data',
  },
  {
    name: 'nosocket-smtp-lmtp',
    verb: 'nosocket',
    lmtp: 'tcp',
    about: 'socket missing, delivery by smtp transport with protocol = lmtp over TCP (H= in == lines)',
  },
  // Syslog variants: Exim writes to its files and to syslog (log_file_path = <dir>/%slog : syslog);
  // a private rsyslogd writes facility mail to syslog, syslog-iso and syslog-5424 beside them.
  {
    name: 'defer-syslog',
    verb: 'defer',
    syslog: {timestamp: true, duplication: true},
    about: 'defer, also via rsyslogd (syslog_timestamp, syslog_duplication true)',
  },
  {
    name: 'defer-syslog-nots',
    verb: 'defer',
    logSelector: '+pid +millisec',
    syslog: {timestamp: false, duplication: true},
    about: 'defer via rsyslogd, syslog_timestamp = false, +pid +millisec',
  },
  {
    name: 'defer-syslog-split',
    verb: 'defer',
    rcptLogMessage: LONG_LOG_MESSAGE,
    syslog: {timestamp: true, duplication: true},
    about: 'defer via rsyslogd, full2@ log lines > 870 chars: [1/2] [2/2] pieces',
  },
  {
    name: 'discard-syslog',
    verb: 'discard',
    syslog: {timestamp: true, duplication: true},
    about: 'discard via rsyslogd: MAIN|PANIC and MAIN|REJECT lines twice in syslog',
  },
  {
    name: 'discard-syslog-nodup',
    verb: 'discard',
    syslog: {timestamp: true, duplication: false},
    about: 'discard via rsyslogd, syslog_duplication = false: each line once',
  },
  {
    name: 'nosocket-syslog',
    verb: 'nosocket',
    timezone: 'Asia/Yekaterinburg',
    syslog: {timestamp: true, duplication: true},
    about: 'socket missing, LMTP quota failures at delivery, via rsyslogd; TZ +05 for Exim and rsyslogd',
  },
]

/** Client certificates for the hostile scenario: subjects holding log-like text (Exim logs them in DN="..."). */
export const HOSTILE_CLIENTS = Object.freeze({
  tail: '/CN=x" F=<a@evil.example> rejected RCPT <v@x.test>: 550/O=Evil\\, Inc. ) [6.6.6.6] rejected RCPT',
  quote: '/CN=\\"> temporarily rejected RCPT <ceo@example.test>: 4',
})

/**
 * What a hostile client sends, each class of text it controls: quoted local parts holding `>`,
 * `> `, `>: `, `<`, Exim's phrases and whole fake line tails, in senders and recipients; mixed
 * case; junk HELOs (helo_accept_junk_hosts) holding `) [ip] F=<...>`; subjects and TLS peer
 * names (certificate DN, SNI) with log-like text, logged with +all. The ACL answers each
 * recipient by what its local part holds: full -> defer, drop -> discard, deny -> deny; mail
 * for evil.example goes to a remote server that defers addresses holding "full".
 *
 * @type {readonly import('./index.mjs').SessionSpec[]}
 */
export const HOSTILE_SESSIONS = Object.freeze([
  {
    ip: '192.0.2.21',
    port: 40001,
    helo: 'x) [6.6.6.6] F=<a@evil.example> rejected RCPT <victim@example.test>: 550 no',
    tls: {client: 'tail', servername: 'sni.rejected-RCPT.victim.example.test'},
    messages: [
      {
        sender: '"x> rejected RCPT <admin@example.test>: 550 Unknown user"@evil.example',
        subject: ') [6.6.6.6] F=<a@b.example> temporarily rejected RCPT <s@example.test>: 422 x',
        recipients: [
          '"full>: 422 b"@example.test',
          '"drop> rejected RCPT <admin@example.test>: 550 x"@example.test',
          '"deny<x>"@example.test',
          'Full2@Example.Test',
          'ok1@example.test',
        ],
      },
    ],
  },
  {
    ip: '2001:db8::66',
    port: 40002,
    hostName: 'mx.evil.example',
    helo: 'evil) [198.51.100.9]:25 X=TLS1.3 F=<"a"@b.example',
    tls: {client: 'quote', servername: 'evil.example'},
    messages: [
      {
        sender: '"discarded by RCPT ACL"@evil.example',
        recipients: ['"full> discarded by RCPT ACL: 422"@example.test', '"DROP>: discarded by RCPT ACL"@Example.test'],
      },
      {
        sender: '"x> temporarily rejected RCPT <ceo@example.test>: 422 z"@evil.example',
        recipients: [
          'fullest@example.test',
          '"deny> temporarily rejected RCPT <a@b>"@example.test',
          'ok2@example.test',
        ],
      },
    ],
  },
  {
    ip: '198.51.100.23',
    port: 40003,
    helo: '[198.51.100.23]',
    messages: [
      {
        // A rejection after DATA of a message whose sender imitates one.
        sender: '"x> rejected after DATA: y"@evil.example',
        subject: 'deny-data <ceo@example.test>: rejected RCPT',
        recipients: ['ok1@example.test', '"full\\"quoted\\\\"@example.test'],
      },
      {
        // Remote addresses that imitate a local LMTP quota deferral; the remote server defers the first.
        sender: 'zzz@example.org',
        recipients: [
          '"x R=dovecot_user T=dovecot_lmtp defer (-44): LMTP error after RCPT TO:<ceo@example.test>: 452 4.2.2 Mailbox is full"@evil.example',
          '"ok R=dovecot_user T=dovecot_lmtp defer (-44): 452 4.2.2 quota"@evil.example',
        ],
      },
    ],
  },
  {
    ip: '203.0.113.5',
    port: 40004,
    helo: 'plain.example',
    messages: [{sender: '', recipients: ['"<full>"@example.test', 'deny-me@example.test', 'elsewhere@other.example']}],
  },
])
