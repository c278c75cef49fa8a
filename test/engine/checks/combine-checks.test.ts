import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../src/engine/checks/check-command.js';
import { combineChecks } from '../../../src/engine/checks/combine-checks.js';
import { commandChecks, outputTail } from '../../../src/engine/checks/run-checks.js';
import type { Evaluation } from '../../../src/engine/evaluation.js';
import { PlainCommandRunner } from '../../../src/tools/plain-command-runner.js';

const judged = (score: number | undefined): Evaluation => ({
  score,
  scores: score === undefined ? [] : [{ dimension: 'correctness', score, weight: 0.6 }, { dimension: 'clarity', score, weight: 0.4 }],
  findings: [{ severity: 'suggestion', message: 'name things better' }],
});

const result = (kind: 'tests' | 'lint', passed: boolean, tail = ''): CheckResult => ({
  check: { kind, command: kind === 'tests' ? 'npm test' : 'npm run lint', origin: 'x', fromUser: false },
  passed,
  exitCode: passed ? 0 : 1,
  timedOut: false,
  outputTail: tail,
  durationMs: 10,
  sandboxed: false,
});

describe('the composite of the judge and the checks', () => {
  it('no checks: the judge alone', () => {
    expect(combineChecks(judged(0.7), [], 0.8)).toEqual(judged(0.7));
  });

  it('passing checks count for a quarter of the score', () => {
    const combined = combineChecks(judged(0.6), [result('tests', true), result('lint', true)], 0.8);
    expect(combined.score).toBeCloseTo(0.6 * 0.75 + 1 * 0.25);
    expect(combined.scores.at(-1)).toMatchObject({ dimension: 'checks', score: 1 });
    expect(combined.findings).toEqual(judged(0.6).findings);
  });

  it('failing tests cap the score below the threshold and become a blocker finding with the output tail', () => {
    // Uncapped this would be 0.75 + 0.5 × 0.25 = 0.875, above the threshold.
    const combined = combineChecks(judged(1), [result('tests', false, 'FAIL parser.test.ts > parses dates\nexpected 2 to be 3'), result('lint', true)], 0.8);
    expect(combined.score).toBeCloseTo(0.79);
    expect(combined.findings[0]).toMatchObject({ severity: 'blocker', dimension: 'checks' });
    expect(combined.findings[0]!.message).toContain('The tests `npm test` failed (exit 1)');
    expect(combined.findings[0]!.message).toContain('expected 2 to be 3');
  });

  it('a failing linter is a blocker finding that lowers the score without capping it', () => {
    const combined = combineChecks(judged(1), [result('tests', true), result('lint', false, 'x.ts:1 unused variable')], 0.8);
    expect(combined.score).toBeCloseTo(0.75 + 0.5 * 0.25);
    expect(combined.findings[0]!.message).toMatch(/The linter `npm run lint` failed[\s\S]*unused variable/);
  });

  it('an unscored judgement stays unscored (never a score from checks alone) but keeps the blockers', () => {
    const combined = combineChecks(judged(undefined), [result('tests', false, 'boom')], 0.8);
    expect(combined.score).toBeUndefined();
    expect(combined.findings[0]!.severity).toBe('blocker');
  });
});

describe('running the checks', () => {
  it('runs each command in the workspace, passes on exit 0, keeps the tail of a failure', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'openkoi-run-checks-'));
    try {
      const checks = commandChecks(
        [
          { kind: 'tests', command: 'for i in $(seq 1 100); do echo line $i; done; echo FAILED >&2; exit 3', origin: 'x', fromUser: true },
          { kind: 'lint', command: 'test -d . && pwd', origin: 'y', fromUser: true },
        ],
        new PlainCommandRunner(),
        { workspace, timeoutMs: 60_000 },
      );
      const [tests, lint] = await checks.run();
      expect(tests).toMatchObject({ passed: false, exitCode: 3, timedOut: false, sandboxed: false });
      expect(tests!.outputTail.split('\n')).toHaveLength(40);
      expect(tests!.outputTail).toMatch(/line 100\nFAILED$/);
      expect(lint).toMatchObject({ passed: true, exitCode: 0 });
      expect(lint!.outputTail).toContain(workspace);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  it('a check that runs past the timeout is killed with its process group and fails as timed out', async () => {
    const runner = new PlainCommandRunner();
    // The child sleeps in the background: killing only `sh` would leave it running.
    const outcome = await runner.run('sleep 30 & echo started; wait', { cwd: tmpdir(), timeoutMs: 200 });
    expect(outcome).toMatchObject({ timedOut: true, exitCode: null });
    expect(outcome.output).toContain('started');
  });

  it('keeps the last lines, capped in characters', () => {
    expect(outputTail('a\nb\n')).toBe('a\nb');
    expect(outputTail('x'.repeat(10_000)).length).toBe(4_001);
  });
});
