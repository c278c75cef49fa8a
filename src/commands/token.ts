import { Args, Command, Flags } from '@oclif/core';

export default class Token extends Command {
  static override summary = 'Client tokens of openkoi serve: create (printed once), list, revoke.';
  static override description =
    'create prints the token alone on stdout, once; openkoi keeps only its hash. Clients send it as ' +
    '"Authorization: Bearer <token>" or "x-api-key". list shows names, scopes, spend and expiry, never a secret. ' +
    'revoke NAME: a running openkoi serve refuses the token from its next request.';
  static override examples = [
    '<%= config.bin %> token create --name ci',
    '<%= config.bin %> token create --name ci --expires 30d --models "openai/*" --budget-usd 20',
    '<%= config.bin %> token list',
    '<%= config.bin %> token revoke ci',
  ];
  static override args = {
    action: Args.string({ description: 'create, list or revoke.', required: true, options: ['create', 'list', 'revoke'] }),
    name: Args.string({ description: 'With revoke: the token name.' }),
  };
  static override flags = {
    name: Flags.string({ description: 'With create: the token name; usage and spend are recorded under it.', helpValue: 'NAME' }),
    expires: Flags.string({ description: 'With create: valid for this long (30d, 12h, 90m). Default: until revoked.', helpValue: 'DURATION' }),
    models: Flags.string({ description: 'With create: only models matching this glob over provider/model or alias, such as "openai/*".', helpValue: 'PATTERN' }),
    'budget-usd': Flags.string({ description: 'With create: refuse requests (429) once the token has spent this much.', helpValue: 'N' }),
    json: Flags.boolean({ description: 'With list: machine-readable JSON on stdout.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Token);
    const { runToken } = await import('../app/run-token.js');
    process.exitCode = runToken({
      action: args.action as 'create' | 'list' | 'revoke',
      json: flags.json,
      stdout: process.stdout,
      stderr: process.stderr,
      ...(args.name !== undefined ? { argument: args.name } : {}),
      ...(flags.name !== undefined ? { name: flags.name } : {}),
      ...(flags.expires !== undefined ? { expires: flags.expires } : {}),
      ...(flags.models !== undefined ? { models: flags.models } : {}),
      ...(flags['budget-usd'] !== undefined ? { budgetUsd: flags['budget-usd'] } : {}),
    });
  }
}
