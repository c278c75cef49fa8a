import { Command, Flags } from '@oclif/core';

export default class Status extends Command {
  static override summary = 'Show providers, role models, cooling models and spend; --costs for the spend report.';
  static override description =
    'Reads config, the environment and openkoi.db only: it never calls a provider. ' +
    'Keys are shown masked. With --costs: spend by day, model, role and provider, totals, and what prompt caching saved; ' +
    'calls whose price is unknown are counted apart and shown as unknown.';
  static override examples = [
    '<%= config.bin %> status',
    '<%= config.bin %> status --costs',
    '<%= config.bin %> status --costs --since 7d --json',
    '<%= config.bin %> status --costs --since 2026-11-01',
  ];
  static override flags = {
    costs: Flags.boolean({ description: 'Spend by day, model, role and provider, with totals and caching savings.' }),
    since: Flags.string({ description: 'With --costs: the period, as days (30d, 7d) or a start date. Default 30d.', helpValue: '30d|DATE', dependsOn: ['costs'] }),
    json: Flags.boolean({ description: 'Machine-readable JSON on stdout.' }),
    config: Flags.string({ description: 'Config file used instead of OPENKOI_HOME/config.toml.', helpValue: 'PATH' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Status);
    const { runStatus } = await import('../app/run-status.js');
    process.exitCode = await runStatus({
      costs: flags.costs,
      json: flags.json,
      stdout: process.stdout,
      stderr: process.stderr,
      ...(flags.since ? { since: flags.since } : {}),
      ...(flags.config ? { configPath: flags.config } : {}),
    });
  }
}
