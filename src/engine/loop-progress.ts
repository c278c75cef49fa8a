import { describeDecision } from './decision.js';
import type { IterationSummary } from './loop-types.js';
import type { PlanResult } from './planner.js';

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}

/** The tag of a step's progress lines: `iter 2/3`, or `run` for -i 0, which has no iterations to count. */
export function stepTag(number: number, lastNumber: number, executeOnly: boolean): string {
  return executeOnly ? 'run' : `iter ${number}/${lastNumber}`;
}

/** The tag of the line that ends an iteration. */
export function iterationTag(number: number): string {
  return `iter ${number}`;
}

export function planLine(planned: PlanResult, number: number): string {
  const { plan, fallbackReason } = planned;
  if (fallbackReason) return `planner output unusable (${fallbackReason}); falling back to a one-step plan: the task itself`;
  return `${count(plan.steps.length, 'step')}, evaluator ${plan.evaluator}${number > 1 ? ' (refined from the findings)' : ''}`;
}

const SEVERITY_ORDER = ['blocker', 'important', 'suggestion'];
const FINDING_WIDTH = 120;

/** The finding that matters most: the first of the most severe kind. */
export function topFinding<Finding extends { severity: string; message: string }>(findings: readonly Finding[]): Finding | undefined {
  const rank = (finding: Finding) => {
    const index = SEVERITY_ORDER.indexOf(finding.severity);
    return index === -1 ? SEVERITY_ORDER.length : index;
  };
  return findings.reduce<Finding | undefined>((best, finding) => (best === undefined || rank(finding) < rank(best) ? finding : best), undefined);
}

/** A finding's text on one progress line: whitespace folded, long text cut with an ellipsis. */
function oneLine(text: string): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  return folded.length > FINDING_WIDTH ? `${folded.slice(0, FINDING_WIDTH - 1)}…` : folded;
}

/**
 * The line that ends an iteration: its score and decision once it was judged, else why it stopped
 * short. A run without evaluation (-i 0) ends with no line: its output has said it all.
 */
export function iterationEndLine(iteration: IterationSummary): string | undefined {
  const { evaluation, decision } = iteration;
  if (evaluation) {
    const { score, findings } = evaluation;
    const blockers = findings.filter((finding) => finding.severity === 'blocker').length;
    const tally = findings.length ? ` (${count(findings.length, 'finding')}, ${count(blockers, 'blocker')})` : '';
    const top = topFinding(findings);
    return `score ${score === undefined ? 'none' : score.toFixed(2)}${tally} → ${describeDecision(decision)}${top ? ` · top finding (${top.severity}): ${oneLine(top.message)}` : ''}`;
  }
  return decision === 'executed' ? undefined : describeDecision(decision);
}
