// The command table oclif loads (explicit discovery: no directory scan at start-up).
import Report from './report.js'

export const COMMANDS = {report: Report}
