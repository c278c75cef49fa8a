// Runs the chosen checks through a CommandRunner (the sandboxed one when the app has it), one
// after the other, with the shell timeout.
import type { CommandRunner } from '../../tools/tool.js';
import type { CheckCommand, CheckResult, IterationChecks } from './check-command.js';

/** How much of a check's output a finding carries: its end, where test runners summarise. */
const TAIL_LINES = 40;
const TAIL_CHARS = 4_000;

export function outputTail(output: string): string {
  const lines = output.trimEnd().split('\n');
  const tail = lines.slice(-TAIL_LINES).join('\n');
  return tail.length > TAIL_CHARS ? `…${tail.slice(-TAIL_CHARS)}` : tail;
}

export interface RunChecksOptions {
  workspace: string;
  timeoutMs: number;
  /** Before each check runs, and after it ended. */
  onStart?: (check: CheckCommand) => void;
  onEnd?: (result: CheckResult) => void;
}

export function commandChecks(checks: readonly CheckCommand[], runner: CommandRunner, options: RunChecksOptions): IterationChecks {
  return {
    async run(signal) {
      const results: CheckResult[] = [];
      for (const check of checks) {
        if (signal?.aborted) break;
        options.onStart?.(check);
        const outcome = await runner.run(check.command, { cwd: options.workspace, timeoutMs: options.timeoutMs, ...(signal ? { signal } : {}) });
        const result: CheckResult = {
          check,
          passed: outcome.exitCode === 0 && !outcome.timedOut,
          exitCode: outcome.exitCode,
          timedOut: outcome.timedOut,
          outputTail: outputTail(outcome.output),
          durationMs: outcome.durationMs,
          sandboxed: outcome.sandboxed,
        };
        options.onEnd?.(result);
        results.push(result);
      }
      return results;
    },
  };
}
