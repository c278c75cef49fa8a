import { Command, Flags } from '@oclif/core';

export default class Models extends Command {
  static override summary = 'List the models of every provider found on this machine.';
  static override description =
    'Each provider with a credential (environment, auth store, saved key, ...) or a running Ollama, ' +
    'with the models its list endpoint reports (else the catalog); the default is marked.';
  static override examples = ['<%= config.bin %> models', '<%= config.bin %> models --provider ollama', '<%= config.bin %> models --json'];
  static override flags = {
    provider: Flags.string({ description: 'Only this provider.', helpValue: 'ID' }),
    json: Flags.boolean({ description: 'Machine-readable output.' }),
    config: Flags.string({ description: 'Config file used instead of OPENKOI_HOME/config.toml.', helpValue: 'PATH' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Models);
    const { runModels } = await import('../app/run-models.js');
    process.exitCode = await runModels({
      json: flags.json,
      stdout: process.stdout,
      stderr: process.stderr,
      ...(flags.provider ? { provider: flags.provider } : {}),
      ...(flags.config ? { configPath: flags.config } : {}),
    });
  }
}
