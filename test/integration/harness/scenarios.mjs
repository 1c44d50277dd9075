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
