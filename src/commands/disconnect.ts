import { Args, Command } from '@oclif/core';

export default class Disconnect extends Command {
  static override summary = 'Forget a sign-in or saved key: a picker, a target, or all.';
  static override description = 'Removes what openkoi stored (OPENKOI_HOME/auth.json entries and credentials/*.key), never another CLI\'s files or the environment.';
  static override examples = ['<%= config.bin %> disconnect', '<%= config.bin %> disconnect chatgpt', '<%= config.bin %> disconnect all'];
  static override args = { target: Args.string({ description: 'chatgpt, copilot, a provider id, or all.' }) };

  async run(): Promise<void> {
    const { args } = await this.parse(Disconnect);
    const { runDisconnect } = await import('../app/run-disconnect.js');
    process.exitCode = await runDisconnect({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, ...(args.target ? { target: args.target } : {}) });
  }
}
