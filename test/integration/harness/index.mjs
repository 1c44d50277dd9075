// Real Exim + real Dovecot harness for the exim-rejects integration tests.
//
// Written as plain ESM JavaScript (with JSDoc types and index.d.mts for TypeScript callers)
// because it must run both under vitest and as a bare `node make-logs.mjs` on Node 20, which
// cannot execute TypeScript. Import it from a test as:
//
//   import { probe, runScenario } from './harness/index.mjs';
//
// It needs root, exim4-daemon-light, dovecot-core and dovecot-lmtpd (see README.md here); use
// probe() first and skip with its reason when they are missing. It only writes in a temp dir
// and in Exim's TRUSTED_CONFIG_LIST (one line per live configuration, removed on teardown).
// The `syslog` variant also needs rsyslog (probeSyslog() installs it with apt-get if missing)
// and binds /dev/log for the length of a scenario (refused when another daemon owns it).

export {probe} from './probe.mjs'
export {DEFAULT_USERS, queryQuotaStatus, startDovecot, stopAllDovecots} from './dovecot.mjs'
export {eximConfig, prepareExim, registerTrustedConfig, releaseAllExims, unregisterTrustedConfig} from './exim.mjs'
export {runSmtpSession, sessionArgs} from './smtp.mjs'
export {DEFAULT_SESSIONS, runScenario, saveScenario, summarizeAnswers, teardownAll} from './scenario.mjs'
export {DEV_LOG, SYSLOG_LOCK, devLogOwner, probeSyslog, rsyslogConf, startRsyslog, stopAllRsyslogs} from './syslog.mjs'
export {HOSTILE_CLIENTS, HOSTILE_SESSIONS, LONG_LOG_MESSAGE, SCENARIOS} from './scenarios.mjs'
export {HarnessError} from './proc.mjs'
