import type { Role } from '../model/role.js';
import type { RoleCallOptions } from '../routing/model-gateway.js';
import { BudgetRefusal } from './budget-meter.js';
import { evaluate } from './evaluator.js';
import { execute } from './executor.js';
import type { OpenIteration } from './iteration-ledger.js';
import { planLine, stepTag } from './loop-progress.js';
import type { IterationSummary, LoopInput } from './loop-types.js';
import type { Plan } from './plan.js';
import { makePlan } from './planner.js';

/** The steps of one iteration, in order. */
export type StepName = 'plan' | 'execute' | 'evaluate';

/** How a step ended: done, or with the error it threw. */
export interface StepEnd {
  step: StepName;
  error?: Error;
}

/** What every step needs besides the iteration it works on. */
export interface StepContext {
  input: LoopInput;
  /** -i 0: execute once, with the task as the plan and no evaluation. */
  executeOnly: boolean;
  lastNumber: number;
  /** The iteration before this one: its plan, output and findings refine the next plan. */
  previous: IterationSummary | undefined;
}

/** The task itself as the only step: -i 0 asks no planner. */
function taskAsPlan(task: string): Plan {
  return { steps: [task], acceptanceCriteria: [], evaluator: 'none', rubric: [], fallback: false };
}

/**
 * Options for one model call: a signal that fires when the user interrupts or the time budget runs
 * out, and the cost budget's check of each request before it leaves (its estimated input alone
 * must fit in what is left).
 */
function callOptions(input: LoopInput, role: Role): RoleCallOptions {
  const signals = [input.signal, input.meter.deadlineSignal()].filter(
    (signal): signal is AbortSignal => signal !== undefined,
  );
  return {
    taskId: input.taskId,
    ...(signals.length ? { signal: signals.length === 1 ? signals[0]! : AbortSignal.any(signals) } : {}),
    beforeSend: (candidate, estimatedInputTokens) => {
      const refusal = input.meter.costRefusal(role, candidate, estimatedInputTokens, 0);
      if (refusal) throw refusal;
    },
  };
}

async function plan(iteration: OpenIteration, { input, executeOnly, previous }: StepContext): Promise<void> {
  if (executeOnly) {
    iteration.plan = taskAsPlan(input.task);
    return;
  }
  const refinement =
    previous?.plan && previous.evaluation
      ? { previous: { plan: previous.plan, output: previous.output, findings: previous.evaluation.findings, score: previous.evaluation.score } }
      : {};
  const planned = await makePlan(input.gateway, { task: input.task, soul: input.soul, evaluators: input.evaluators, ...refinement }, callOptions(input, 'planner'));
  iteration.plan = planned.plan;
  input.events.progress('plan', planLine(planned, iteration.number));
}

async function executePlan(iteration: OpenIteration, { input, executeOnly, lastNumber }: StepContext): Promise<void> {
  const tag = stepTag(iteration.number, lastNumber, executeOnly);
  const { events } = input;
  events.progress(tag, 'executing');
  const { meter } = input;
  let executed;
  try {
    executed = await execute(
      input.gateway,
      {
        task: input.task,
        soul: input.soul,
        // The plan step always runs first: nextStep never moves to execute without it.
        plan: iteration.plan!,
        tools: input.tools,
        stream: input.stream,
        ...(input.executorLimits ? { limits: input.executorLimits } : {}),
        // A streamed reply is stopped once its estimated cost would cross the cost budget; what
        // it cost is charged as estimated, since a stopped stream never reports its usage.
        spendGuard: (candidate, inputTokens, outputTokens) => {
          const refusal = meter.costRefusal('executor', candidate, inputTokens, outputTokens);
          if (refusal) meter.addEstimatedCost(meter.estimateCost('executor', candidate, inputTokens, outputTokens) ?? 0);
          return refusal;
        },
      },
      callOptions(input, 'executor'),
      {
        onText: events.onText,
        ...(events.onModelSwitch ? { onModelSwitch: events.onModelSwitch } : {}),
        onNote: (note) => events.progress(tag, note),
        onToolCall: (call) => events.progress(tag, `tool ${call.toolName}`),
      },
    );
  } catch (error) {
    // A reply stopped by the budget is the best answer so far when nothing better exists.
    if (error instanceof BudgetRefusal && error.partialOutput !== undefined) iteration.output = error.partialOutput;
    throw error;
  }
  iteration.output = executed.output;
}

async function evaluateOutput(iteration: OpenIteration, { input, executeOnly, lastNumber }: StepContext): Promise<void> {
  input.events.progress(stepTag(iteration.number, lastNumber, executeOnly), 'evaluating');
  // Plan and output are there: nextStep moves to evaluate only after both steps ended well.
  const plan = iteration.plan!;
  const skill = input.evaluators.find((candidate) => candidate.name === plan.evaluator) ?? input.evaluators[0]!;
  iteration.evaluation = await evaluate(input.gateway, { task: input.task, plan, output: iteration.output!, skill }, callOptions(input, 'evaluator'));
}

const STEPS: Record<StepName, (iteration: OpenIteration, context: StepContext) => Promise<void>> = {
  plan,
  execute: executePlan,
  evaluate: evaluateOutput,
};

/** Runs one step on the open iteration. A step that throws ends with its error, for nextStep to weigh. */
export async function runStep(step: StepName, iteration: OpenIteration, context: StepContext): Promise<StepEnd> {
  try {
    await STEPS[step](iteration, context);
    return { step };
  } catch (error) {
    return { step, error: error instanceof Error ? error : new Error(String(error)) };
  }
}
