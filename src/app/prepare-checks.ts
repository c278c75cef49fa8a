// The evaluator's checks for one run: which commands (engine/checks/choose-checks.ts decides, with
// the trust rule), through which CommandRunner, with the shell timeout.
import type { OpenkoiConfig } from '../config/config-schema.js';
import type { IterationChecks } from '../engine/checks/check-command.js';
import { chooseChecks } from '../engine/checks/choose-checks.js';
import { commandChecks } from '../engine/checks/run-checks.js';
import type { CommandRunner } from '../tools/tool.js';

/** The shell tool's default timeout, used for checks when the config names none. */
export const DEFAULT_CHECK_TIMEOUT_MS = 120_000;

export interface PrepareChecksInput {
  workspace: string;
  config: OpenkoiConfig;
  trusted: boolean;
  runner: CommandRunner;
  timeoutMs?: number;
  /** One line per detected command not run (untrusted workspace). */
  note: (line: string) => void;
}

export function prepareChecks(input: PrepareChecksInput): IterationChecks | undefined {
  const evaluator = input.config.evaluator ?? {};
  const { checks, skipped } = chooseChecks(input.workspace, {
    enabled: evaluator.checks !== false,
    trusted: input.trusted,
    ...(evaluator.test_command ? { testCommand: evaluator.test_command } : {}),
    ...(evaluator.lint_command ? { lintCommand: evaluator.lint_command } : {}),
  });
  for (const line of skipped) input.note(line);
  if (checks.length === 0) return undefined;
  return commandChecks(checks, input.runner, { workspace: input.workspace, timeoutMs: input.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS });
}
