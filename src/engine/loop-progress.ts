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
  const skills = plan.skills?.length ? `, skill${plan.skills.length === 1 ? '' : 's'} ${plan.skills.join(', ')}` : '';
  return `${count(plan.steps.length, 'step')}, evaluator ${plan.evaluator}${skills}${number > 1 ? ' (refined from the findings)' : ''}`;
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
    return `score ${score === undefined ? 'none' : score.toFixed(2)}${tally} → ${describeDecision(decision)}`;
  }
  return decision === 'executed' ? undefined : describeDecision(decision);
}
