import { Args, Command, Flags } from '@oclif/core';

export default class History extends Command {
  static override summary = 'Recent tasks; one task in full; or prune old ones.';
  static override description =
    'Lists recent tasks (id, when, status, score, iterations, cost, models). With an id (or its first characters): ' +
    "the plan, each iteration's score, the findings with their text, recalled memories, model attempts and calls with their cost. " +
    '--prune --older-than 90d deletes older tasks with their iterations and findings. Reads openkoi.db only; never calls a provider.';
  static override examples = ['<%= config.bin %> history', '<%= config.bin %> history --limit 5 --json', '<%= config.bin %> history 3f2a9c1e', '<%= config.bin %> history --prune --older-than 90d'];
  static override args = {
    id: Args.string({ description: 'A task id, or its first characters.' }),
  };
  static override flags = {
    limit: Flags.string({ description: 'At most this many tasks (default 20).', helpValue: 'N' }),
    json: Flags.boolean({ description: 'Machine-readable JSON on stdout.' }),
    prune: Flags.boolean({ description: 'Delete tasks older than --older-than.' }),
    'older-than': Flags.string({ description: 'With --prune: an age in days, such as 90d.', helpValue: 'DAYS' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(History);
    const { runHistory } = await import('../app/run-history.js');
    process.exitCode = runHistory({
      json: flags.json,
      prune: flags.prune,
      stdout: process.stdout,
      stderr: process.stderr,
      ...(args.id ? { id: args.id } : {}),
      ...(flags.limit ? { limit: flags.limit } : {}),
      ...(flags['older-than'] ? { olderThan: flags['older-than'] } : {}),
    });
  }
}
