// Every command, by the name it is run with (oclif's "explicit" command discovery reads this map).
import Check from './check.js'
import Events from './events.js'
import Exporter from './exporter.js'
import Help from './help.js'
import Merge from './merge.js'
import Report from './report.js'
import Version from './version.js'

export const COMMANDS = {
  check: Check,
  events: Events,
  exporter: Exporter,
  help: Help,
  merge: Merge,
  report: Report,
  version: Version,
}
