import { Args, Command, Flags } from '@oclif/core';

export default class Memory extends Command {
  static override summary = 'What openkoi remembers: list, search, show, add, forget, stats, index.';
  static override description =
    'openkoi learns from each task and recalls the relevant memories into the next one. ' +
    '`search` prints the fused score and which half (text, vector) found each memory; `add` tells openkoi a standing fact. ' +
    'Works offline: with no vendor key, an offline embedder is used. ' +
    '`index` writes the approximate search index of a memory of 20,000 or more vectors (openkoi also starts it in the background when a search finds it missing or behind).';
  static override examples = [
    '<%= config.bin %> memory list',
    '<%= config.bin %> memory search "package manager"',
    '<%= config.bin %> memory add "this repository uses pnpm"',
    '<%= config.bin %> memory show 12',
    '<%= config.bin %> memory forget 12',
    '<%= config.bin %> memory stats --json',
    '<%= config.bin %> memory index',
  ];
  static override strict = false;
  static override args = {
    action: Args.string({ description: 'list | search | show | add | forget | stats | index' }),
  };
  static override flags = {
    kind: Flags.string({ description: 'With add: learning, anti-pattern, fact (default) or task-summary; with list: only this kind.', helpValue: 'KIND' }),
    limit: Flags.string({ description: 'With list and search: at most this many.', helpValue: 'N' }),
    json: Flags.boolean({ description: 'Machine-readable JSON on stdout.' }),
    config: Flags.string({ description: 'Config file used instead of OPENKOI_HOME/config.toml.', helpValue: 'PATH' }),
  };

  async run(): Promise<void> {
    const { args, argv, flags } = await this.parse(Memory);
    const { runMemory } = await import('../app/run-memory.js');
    process.exitCode = await runMemory({
      action: args.action,
      words: (argv as string[]).slice(1),
      json: flags.json,
      stdout: process.stdout,
      stderr: process.stderr,
      ...(flags.kind ? { kind: flags.kind } : {}),
      ...(flags.limit ? { limit: flags.limit } : {}),
      ...(flags.config ? { configPath: flags.config } : {}),
    });
  }
}
