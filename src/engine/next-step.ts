import { ProviderError } from '../providers/provider-error.js';
import { BudgetRefusal, type BudgetMeter } from './budget-meter.js';
import type { Decision } from './decision.js';
import type { OpenIteration } from './iteration-ledger.js';
import type { StepEnd } from './loop-steps.js';
import type { LoopSettings } from './loop-types.js';

/** What the loop does after a step: the iteration's next step, a new iteration, or stop. */
export type Next =
  | { kind: 'step'; step: 'execute' | 'evaluate' }
  | { kind: 'next-iteration' }
  | { kind: 'stop'; decision: Decision; error?: Error };

/** Where the loop stands when a step ends. */
export interface LoopPosition {
  /** The iteration under way, as far as its steps got. */
  iteration: OpenIteration;
  isLastIteration: boolean;
  /** -i 0: one execution, no evaluation. */
  executeOnly: boolean;
  /** The best score of the iterations before this one (undefined while nothing is scored). */
  bestScore: number | undefined;
  settings: LoopSettings;
  meter: BudgetMeter;
  signal?: AbortSignal;
}

/**
 * The one place that decides what follows a step, in this order: a failed step stops the loop; a
 * verdict the step reached stands (a judged score, or -i 0's single run), even on a spent budget,
 * since the work it judges is paid for; otherwise a spent budget stops the loop before it sends
 * another request. This is the loop's only budget check.
 */
export function nextStep(ended: StepEnd, position: LoopPosition): Next {
  if (ended.error) return { kind: 'stop', decision: failureDecision(ended.error, position), error: ended.error };
  const verdict = verdictAfter(ended.step, position);
  if (verdict !== 'continue') return { kind: 'stop', decision: verdict };
  const spent = position.meter.exceeded();
  if (spent) return { kind: 'stop', decision: spent };
  if (ended.step === 'plan') return { kind: 'step', step: 'execute' };
  if (ended.step === 'execute') return { kind: 'step', step: 'evaluate' };
  return { kind: 'next-iteration' };
}

/** What a step that ended well says of the iteration by itself: 'continue' unless it settles it. */
function verdictAfter(step: StepEnd['step'], position: LoopPosition): Decision {
  // Nothing to judge and nothing to print: an empty answer ends the loop before an evaluator is paid to score it.
  if (step === 'execute' && (position.iteration.output ?? '').trim() === '') return 'empty-answer';
  if (step === 'execute' && position.executeOnly) return 'executed';
  if (step !== 'evaluate') return 'continue';
  const score = position.iteration.evaluation?.score;
  const { settings, bestScore, isLastIteration } = position;
  if (score === undefined) return isLastIteration ? 'unscored' : 'continue';
  if (score >= settings.quality) return 'accepted';
  if (bestScore !== undefined && score < bestScore - settings.regressionThreshold) return 'regression';
  if (bestScore !== undefined && score - bestScore < settings.minImprovement) return 'no-improvement';
  return isLastIteration ? 'iteration-limit' : 'continue';
}

/**
 * Why a failed step stopped the loop: the user interrupted; the time budget aborted the call in
 * flight; another budget ran out meanwhile; or the step simply failed.
 */
function failureDecision(error: Error, { signal, meter }: LoopPosition): Decision {
  if (signal?.aborted) return 'interrupted';
  // A request refused (or a reply stopped) before it crossed a budget names the budget itself.
  if (error instanceof BudgetRefusal) return error.stop;
  if (error instanceof ProviderError && error.kind === 'aborted' && meter.remainingMs === 0) return 'budget-time';
  return meter.exceeded() ?? 'failed';
}
