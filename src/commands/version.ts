import {BaseCommand} from '../cli/base.js'
import {standardFlags} from '../cli/flags.js'

export default class Version extends BaseCommand {
  static override summary = 'Show the version (as --version does)'
  static override description = 'One line: the version, the platform and the Node.js it runs on.'
  static override flags = standardFlags

  async run(): Promise<void> {
    await this.parse(Version)
    this.log(this.config.userAgent)
  }
}
