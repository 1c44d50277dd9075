// The command table oclif loads (explicit discovery: no directory scan at start-up).
import Check from './check.js'
import Report from './report.js'

export const COMMANDS = {report: Report, check: Check}
