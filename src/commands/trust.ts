import { Args, Command, Flags } from '@oclif/core';

export default class Trust extends Command {
  static override summary = 'Trust a folder, so its .openkoi/config.toml and .mcp.json apply in full.';
  static override description =
    'A folder is untrusted until you trust it: there its .openkoi/config.toml may set only engine and output ' +
    'settings (budgets only lower), and its .mcp.json servers do not start, so a cloned repository cannot send your ' +
    'keys elsewhere or run programs on its own. Trusting a folder trusts everything below it. The list is kept in ' +
    'OPENKOI_HOME/trusted-workspaces.json.';
  static override examples = ['<%= config.bin %> trust', '<%= config.bin %> trust ~/src/my-project', '<%= config.bin %> trust --list', '<%= config.bin %> trust --revoke ~/src/my-project'];
  static override args = {
    directory: Args.string({ description: 'The folder to trust (default: the current folder).' }),
  };
  static override flags = {
    list: Flags.boolean({ description: 'List the trusted folders.', exclusive: ['revoke'] }),
    revoke: Flags.string({ description: 'Stop trusting this folder.', helpValue: 'DIR', exclusive: ['list'] }),
    json: Flags.boolean({ description: 'With --list: machine-readable JSON on stdout.', dependsOn: ['list'] }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Trust);
    const { runTrust } = await import('../app/run-trust.js');
    process.exitCode = runTrust({
      list: flags.list,
      json: flags.json,
      stdout: process.stdout,
      stderr: process.stderr,
      ...(args.directory ? { directory: args.directory } : {}),
      ...(flags.revoke ? { revoke: flags.revoke } : {}),
    });
  }
}
