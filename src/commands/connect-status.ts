import { Command, Flags } from '@oclif/core';

export default class ConnectStatus extends Command {
  static override summary = 'Each provider: connected or not, from where, token validity and expiry, reported limits.';
  static override description =
    'Reads the environment, OPENKOI_HOME and other CLIs\' credential files; never shows a secret, never calls a provider. ' +
    'Credentials found but not usable (a Claude subscription sign-in) are listed with the reason.';
  static override examples = ['<%= config.bin %> connect status', '<%= config.bin %> connect status --json'];
  static override flags = { json: Flags.boolean({ description: 'Machine-readable JSON on stdout.' }) };

  async run(): Promise<void> {
    const { flags } = await this.parse(ConnectStatus);
    const { runConnectStatus } = await import('../app/run-connect.js');
    process.exitCode = await runConnectStatus({ json: flags.json, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  }
}
