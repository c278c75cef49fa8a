import { Help } from '@oclif/core';

/**
 * Root help leads with the default command, since `openkoi "task"` is what users type,
 * then lists the other commands.
 */
export default class OpenkoiHelp extends Help {
  override async showRootHelp(): Promise<void> {
    const run = this.config.findCommand('run');
    this.log(`${this.config.pjson.description ?? ''}\n`);
    this.log(`VERSION\n  ${this.config.userAgent}\n`);
    if (run) await this.showCommandHelp(run);
    const others = this.config.commands.filter((command) => command.id !== 'run' && !command.hidden);
    if (others.length > 0) {
      this.log('');
      this.log(this.formatCommands(others));
    }
  }
}
