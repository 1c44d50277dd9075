// The named scenarios that make-logs.mjs writes and the integration tests run: one row per
// log set, so adding a variant is one entry here. Data only; nothing runs on import.

/** @type {ReadonlyArray<import('./index.mjs').ScenarioOptions & { name: string, about: string }>} */
export const SCENARIOS = [
  { name: 'defer-plain', verb: 'defer', about: 'article config, default log_selector' },
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
  { name: 'discard-plain', verb: 'discard', about: 'discard instead of defer, default log_selector' },
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
];
