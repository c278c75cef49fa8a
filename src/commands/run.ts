import { Args, Command, Flags } from '@oclif/core';
import type { OpenkoiConfig } from '../config/config-schema.js';

export default class Run extends Command {
  static override summary = 'Run a task: plan it, execute it with tools, evaluate, iterate.';
  static override description =
    'The default command: `openkoi "Fix the bug"` is `openkoi run "Fix the bug"`. ' +
    'Progress goes to stderr; stdout holds only the answer.';
  static override examples = [
    '<%= config.bin %> "Fix the failing test in src/parser.ts"',
    '<%= config.bin %> -m openai/gpt-4.1 "say hi"',
    '<%= config.bin %> --no-stream -m anthropic/claude-sonnet-4-6 "Summarise README.md"',
  ];
  static override strict = false;
  static override args = {
    task: Args.string({ description: 'The task, in words (all remaining arguments are joined).' }),
  };
  static override flags = {
    model: Flags.string({ char: 'm', description: 'Model for executor, evaluator and planner, as provider/model.', helpValue: 'PROVIDER/MODEL' }),
    executor: Flags.string({ description: 'Model of the executor role.', helpValue: 'PROVIDER/MODEL' }),
    evaluator: Flags.string({ description: 'Model of the evaluator role.', helpValue: 'PROVIDER/MODEL' }),
    planner: Flags.string({ description: 'Model of the planner role.', helpValue: 'PROVIDER/MODEL' }),
    embedder: Flags.string({ description: 'Model of the embedder role.', helpValue: 'PROVIDER/MODEL' }),
    stream: Flags.boolean({ allowNo: true, description: 'Stream tokens as they arrive (default); --no-stream waits for the whole reply.' }),
    config: Flags.string({ description: 'Config file used instead of OPENKOI_HOME/config.toml.', helpValue: 'PATH' }),
    quiet: Flags.boolean({ description: 'No progress on stderr; errors only.' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Run);
    const { runTask } = await import('../engine/run-task.js');
    const layer: OpenkoiConfig = {
      models: {
        executor: flags.executor ?? flags.model,
        evaluator: flags.evaluator ?? flags.model,
        planner: flags.planner ?? flags.model,
        embedder: flags.embedder,
      },
      output: { stream: flags.stream },
    };
    process.exitCode = await runTask({
      task: (argv as string[]).join(' '),
      flags: layer,
      quiet: flags.quiet,
      stdout: process.stdout,
      stderr: process.stderr,
      ...(flags.config ? { configPath: flags.config } : {}),
    });
  }
}
