// What bin/run.js starts: oclif and the commands, built into one file (dist/bundle/cli.js) so that a
// run reads and compiles one module instead of some two hundred; that is most of a short run's time.
export {execute} from '@oclif/core'
export {COMMANDS} from './commands/index.js'
