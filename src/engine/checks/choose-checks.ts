// Which checks run. A command the user chose (`[evaluator] test_command` / `lint_command`) runs in
// any workspace: it is theirs. A command detected from the workspace's files runs only in a trusted
// workspace: a cloned repository's package.json "test" script is a program the repository chose,
// and running it after every execution would let the clone act on its own.
import type { CheckCommand, CheckKind } from './check-command.js';
import { detectCheckCommands } from './detect-check-commands.js';

export interface CheckSettings {
  testCommand?: string;
  lintCommand?: string;
  /** false: `--no-checks` or `[evaluator] checks = false`. */
  enabled: boolean;
  trusted: boolean;
}

export interface ChosenChecks {
  checks: CheckCommand[];
  /** Detected commands not run because the workspace is untrusted, one line each. */
  skipped: string[];
}

export function chooseChecks(workspace: string, settings: CheckSettings): ChosenChecks {
  if (!settings.enabled) return { checks: [], skipped: [] };
  const configured: Partial<Record<CheckKind, CheckCommand>> = {};
  if (settings.testCommand) configured.tests = { kind: 'tests', command: settings.testCommand, origin: '[evaluator] test_command', fromUser: true };
  if (settings.lintCommand) configured.lint = { kind: 'lint', command: settings.lintCommand, origin: '[evaluator] lint_command', fromUser: true };
  // Detection reads the workspace's files only when a kind is not configured.
  const detected = configured.tests && configured.lint ? [] : detectCheckCommands(workspace);
  const checks: CheckCommand[] = [];
  const skipped: string[] = [];
  for (const kind of ['tests', 'lint'] as const) {
    const chosen = configured[kind] ?? detected.find((check) => check.kind === kind);
    if (!chosen) continue;
    if (chosen.fromUser || settings.trusted) checks.push(chosen);
    else skipped.push(`${kind} \`${chosen.command}\` (from the ${chosen.origin}) not run: the workspace is not trusted (openkoi trust, or set [evaluator] ${kind === 'tests' ? 'test_command' : 'lint_command'} in your config)`);
  }
  return { checks, skipped };
}
