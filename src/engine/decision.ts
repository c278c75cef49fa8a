import type { BudgetStop } from './budget-meter.js';

/**
 * How a task ended, in the engine's words. The application layer maps each outcome to an exit
 * code; the engine knows no exit codes.
 */
export type TaskOutcome = 'accepted' | 'below-threshold' | 'budget' | 'failed' | 'interrupted';

export interface DecisionEntry {
  /** The progress text for an iteration that ends this way (after "→" on a score line). */
  description: string;
  /** What the task's result means when the loop ends this way. */
  outcome: TaskOutcome;
}

/**
 * Every way an iteration can end, with its progress text and the task outcome it implies.
 * `Decision` is this table's keys, so adding a stop reason is adding one row here; the compiler
 * then asks for nothing else, and a budget the meter can report without a row here does not compile.
 */
export const DECISIONS = {
  accepted: { description: 'accept', outcome: 'accepted' },
  executed: { description: 'done (no evaluation)', outcome: 'accepted' },
  // Ends an iteration, never the loop; its outcome is the one a loop cut short here would have.
  continue: { description: 'continue', outcome: 'accepted' },
  'iteration-limit': { description: 'stop: iteration limit, keeping the best', outcome: 'below-threshold' },
  regression: { description: 'stop: score regressed, keeping the best', outcome: 'below-threshold' },
  'no-improvement': { description: 'stop: no improvement, keeping the best', outcome: 'below-threshold' },
  unscored: { description: 'stop: no usable evaluation', outcome: 'below-threshold' },
  // A reply that was only tool calls, or filtered to nothing: never an accepted answer.
  'empty-answer': { description: 'stop: the answer is empty', outcome: 'below-threshold' },
  'budget-tokens': { description: 'stop: token budget spent', outcome: 'budget' },
  'budget-cost': { description: 'stop: cost budget spent', outcome: 'budget' },
  'budget-time': { description: 'stop: time budget spent', outcome: 'budget' },
  interrupted: { description: 'stop: interrupted', outcome: 'interrupted' },
  failed: { description: 'stop: failed', outcome: 'failed' },
} as const satisfies Record<string, DecisionEntry> & Record<BudgetStop, DecisionEntry>;

export type Decision = keyof typeof DECISIONS;

/** The task outcome of a loop that ended with `decision`. */
export function outcomeOf(decision: Decision): TaskOutcome {
  return DECISIONS[decision].outcome;
}

/** The progress text of `decision`. */
export function describeDecision(decision: Decision): string {
  return DECISIONS[decision].description;
}
