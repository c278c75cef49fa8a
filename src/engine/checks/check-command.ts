// The evaluator's checks: the project's own tests and linter, run after each execution as evidence
// the judge cannot invent.

export type CheckKind = 'tests' | 'lint';

export interface CheckCommand {
  kind: CheckKind;
  command: string;
  /** Where the command came from, for progress and findings: `[evaluator] test_command`, `package.json "test" script`. */
  origin: string;
  /** True when the user chose it (their config or a flag); false when detected from the workspace's files. */
  fromUser: boolean;
}

export interface CheckResult {
  check: CheckCommand;
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  /** The last lines of the output (stdout and stderr interleaved). */
  outputTail: string;
  durationMs: number;
  sandboxed: boolean;
}

/** What the loop runs after each execution. The application builds it (commands, runner, workspace). */
export interface IterationChecks {
  run(signal?: AbortSignal): Promise<CheckResult[]>;
}
