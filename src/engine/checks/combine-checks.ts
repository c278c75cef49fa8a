// The composite of the judge and the checks. Passing checks are evidence and count for a quarter of
// the score; every failing check is a blocker finding carrying its output's tail; failing tests cap
// the score just below the quality threshold, since no judge opinion makes a red test suite
// acceptable. A lint failure is a blocker finding too, but does not cap: a repository's old lint
// debt should not make every task unacceptable.
import type { Evaluation, Finding } from '../evaluation.js';
import type { CheckResult } from './check-command.js';

/** The checks' share of the composite: a third of the judge's total weight, a quarter of the whole. */
const CHECKS_SHARE_OF_JUDGE_WEIGHT = 1 / 3;
/** How far below the threshold failing tests put the score. */
const BELOW_THRESHOLD = 0.01;

export function checkFinding(result: CheckResult): Finding {
  const { check } = result;
  const how = result.timedOut ? 'timed out' : `failed (exit ${result.exitCode ?? 'by signal'})`;
  return {
    severity: 'blocker',
    dimension: 'checks',
    message: `The ${check.kind === 'tests' ? 'tests' : 'linter'} \`${check.command}\` ${how}. The end of its output:\n${result.outputTail}`,
    fix: check.kind === 'tests' ? 'Make the failing tests pass (fix the code, not the tests, unless the tests are wrong).' : 'Fix the problems the linter reports.',
  };
}

export function combineChecks(judged: Evaluation, results: readonly CheckResult[], quality: number): Evaluation {
  if (results.length === 0) return judged;
  const failed = results.filter((result) => !result.passed);
  const findings = [...failed.map(checkFinding), ...judged.findings];
  if (judged.score === undefined) return { ...judged, findings };
  const passRate = (results.length - failed.length) / results.length;
  const judgeWeight = judged.scores.reduce((sum, entry) => sum + entry.weight, 0) || 1;
  const checksWeight = judgeWeight * CHECKS_SHARE_OF_JUDGE_WEIGHT;
  let score = (judged.score * judgeWeight + passRate * checksWeight) / (judgeWeight + checksWeight);
  if (failed.some((result) => result.check.kind === 'tests')) score = Math.min(score, Math.max(0, quality - BELOW_THRESHOLD));
  return { ...judged, score, scores: [...judged.scores, { dimension: 'checks', score: passRate, weight: checksWeight }], findings };
}
