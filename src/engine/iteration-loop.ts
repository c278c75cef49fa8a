import { IterationLedger, openIteration } from './iteration-ledger.js';
import { iterationEndLine, iterationTag } from './loop-progress.js';
import { runStep, type StepName } from './loop-steps.js';
import type { LoopInput, LoopResult } from './loop-types.js';
import { nextStep } from './next-step.js';

export type { Decision } from './decision.js';
export { DEFAULT_LOOP_SETTINGS, type IterationSummary, type LoopEvents, type LoopInput, type LoopResult, type LoopSettings } from './loop-types.js';

/**
 * Plan → execute → evaluate, refined until accepted or something stops it. The answer is the best
 * iteration's. A state machine: runStep does one step of the open iteration, nextStep alone
 * decides what follows, and the ledger closes iterations and keeps the best.
 */
export async function runIterationLoop(input: LoopInput): Promise<LoopResult> {
  const ledger = new IterationLedger(input);
  const executeOnly = input.settings.maxIterations === 0;
  const lastNumber = Math.max(1, input.settings.maxIterations);
  let iteration = openIteration(1);
  let step: StepName = 'plan';
  for (;;) {
    const ended = await runStep(step, iteration, { input, executeOnly, lastNumber, previous: ledger.last });
    const next = nextStep(ended, {
      iteration,
      isLastIteration: iteration.number === lastNumber,
      executeOnly,
      bestScore: ledger.bestScore,
      settings: input.settings,
      meter: input.meter,
      ...(input.signal ? { signal: input.signal } : {}),
    });
    if (next.kind === 'step') {
      step = next.step;
      continue;
    }
    const closed = ledger.close(iteration, next.kind === 'stop' ? next.decision : 'continue');
    const endLine = iterationEndLine(closed);
    if (endLine !== undefined) input.events.progress(iterationTag(closed.number), endLine);
    if (next.kind === 'stop') return ledger.result(next.decision, next.error);
    iteration = openIteration(iteration.number + 1);
    step = 'plan';
  }
}
