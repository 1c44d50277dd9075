// Every command, by the name it is run with (oclif's "explicit" command discovery reads this map).
import Check from './check.js'
import Events from './events.js'
import Merge from './merge.js'
import Report from './report.js'

export const COMMANDS = {check: Check, events: Events, merge: Merge, report: Report}
