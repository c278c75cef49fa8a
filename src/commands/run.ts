import { Args, Command, Flags } from '@oclif/core';
import { ENGINE_DEFAULTS } from '../model/engine-defaults.js';

export default class Run extends Command {
  static override summary = 'Run a task: plan it, execute it with tools, evaluate, iterate.';
  static override description =
    'The default command: `openkoi "Fix the bug"` is `openkoi run "Fix the bug"`. The planner makes a plan and a rubric, ' +
    'the executor carries it out, the evaluator scores the result, and the loop refines the plan until the score reaches ' +
    '--quality or a limit stops it. Progress goes to stderr; stdout holds only the answer (or, with --json, one JSON summary). ' +
    'Piped input is appended to the task. Exit codes: 0 accepted (or -i 0 done), 1 failed, 2 bad usage or setup, ' +
    '3 stopped by a budget, 4 best answer below the quality threshold, 130 interrupted.';
  static override examples = [
    '<%= config.bin %> "Fix the failing test in src/parser.ts"',
    '<%= config.bin %> -m openai/gpt-4.1 -i 0 "say hi"',
    '<%= config.bin %> --planner openai/gpt-5.2 --executor openai/gpt-4.1 --evaluator anthropic/claude-sonnet-4-6 "Refactor utils.ts"',
    'git diff | <%= config.bin %> --json "Review this change"',
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
    quality: Flags.string({ char: 'q', description: 'Accept when the score reaches this, 0 to 1 (default 0.8).', helpValue: 'SCORE' }),
    iterate: Flags.string({ char: 'i', description: 'Iterations at most (default 3); 0 executes once without planning or evaluation.', helpValue: 'N' }),
    'max-tokens': Flags.string({ description: 'Token budget for the whole task.', helpValue: 'N' }),
    'max-cost': Flags.string({
      description: `Cost budget in USD for the whole task (default ${ENGINE_DEFAULTS.max_cost_usd.toFixed(2)}, [engine] max_cost_usd). A request whose estimated input would cross it is not sent.`,
      helpValue: 'USD',
    }),
    'max-time': Flags.string({ description: 'Time budget in seconds for the whole task.', helpValue: 'SECONDS' }),
    stream: Flags.boolean({ allowNo: true, description: 'Stream tokens as they arrive (default); --no-stream waits for whole replies.' }),
    fallback: Flags.boolean({ allowNo: true, description: 'Fall back along [models.fallback] (default); --no-fallback runs only the named models.' }),
    stdin: Flags.boolean({ allowNo: true, description: 'Read the task (or more of it) from standard input; --no-stdin ignores it even when piped.' }),
    json: Flags.boolean({ description: 'Print one JSON summary (answer, score, decision, iterations, usage, cost) on stdout.' }),
    config: Flags.string({ description: 'Config file used instead of OPENKOI_HOME/config.toml.', helpValue: 'PATH' }),
    quiet: Flags.boolean({ description: 'No progress on stderr; errors only.' }),
    checks: Flags.boolean({ allowNo: true, description: "Run the project's tests and linter after each execution as evidence for the evaluator (default); --no-checks skips them." }),
    'show-reasoning': Flags.boolean({ description: "Show the executor's reasoning (thinking), dimmed on stderr; never on stdout. --json carries it per iteration." }),
    memory: Flags.boolean({ allowNo: true, description: 'Recall what earlier tasks taught and learn from this one (default); --no-memory does neither for this run.' }),
    mode: Flags.string({ description: 'Tool permissions: read (no writes, no shell), ask (ask before each write and command), auto (ask nothing). Default: ask on a terminal, read otherwise.', helpValue: 'read|ask|auto' }),
    workspace: Flags.string({ description: 'The folder the tools work in (default: the current folder).', helpValue: 'DIR' }),
    'base-url': Flags.string({
      description: 'Point the openai provider at any OpenAI-compatible server (Ollama\'s /v1, vLLM, LiteLLM, OpenRouter); wins over OPENAI_BASE_URL and [providers.openai] base_url.',
      helpValue: 'URL',
    }),
    commit: Flags.boolean({
      description: 'In a git repository, commit the files an accepted run changed (only those; other staged work stays staged) as "openkoi: <task>". Without it nothing is ever committed.',
    }),
    'api-key-env': Flags.string({ description: "The environment variable holding the openai provider's key (instead of OPENAI_API_KEY).", helpValue: 'NAME' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Run);
    const { runFromFlags } = await import('../app/run-command.js');
    process.exitCode = await runFromFlags(flags, argv as string[]);
  }
}
