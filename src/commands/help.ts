import {Args, Help as OclifHelp} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {standardFlags} from '../cli/flags.js'
import {unknownCommand} from '../cli/commands-known.js'

export default class Help extends BaseCommand {
  static override summary = 'Show the help of exim-rejects, or of one of its commands'
  static override description =
    'The same text as --help. `man exim-rejects` has all of it in one place: every command and flag, ' +
    'the event kinds, group keys and formats, and the exit statuses.'

  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help report']
  static override args = {command: Args.string({description: 'the command to show the help of'})}
  static override flags = standardFlags

  async run(): Promise<void> {
    const {args} = await this.parse(Help)
    if (args.command !== undefined && this.config.findCommand(args.command) === undefined) {
      throw unknownCommand(args.command, this.config.commandIDs)
    }
    const help = new OclifHelp(this.config, this.config.pjson.oclif.helpOptions)
    await help.showHelp(args.command === undefined ? [] : [args.command])
  }
}
