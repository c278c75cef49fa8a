import type { Role } from '../model/role.js';
import type { RoleCallOptions } from '../routing/model-gateway.js';
import { combineChecks } from './checks/combine-checks.js';
import type { CheckResult } from './checks/check-command.js';
import { BudgetRefusal } from './budget-meter.js';
import { evaluate } from './evaluator.js';
import { execute } from './executor.js';
import type { OpenIteration } from './iteration-ledger.js';
import { planLine, stepTag } from './loop-progress.js';
import type { IterationSummary, LoopInput } from './loop-types.js';
import type { Plan } from './plan.js';
import { makePlan } from './planner.js';
import type { ToolRunner } from './tool-runner.js';
import { redactSecrets } from '../providers/redact-secrets.js';

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
    ...(input.roleSettings ? { roleSettings: input.roleSettings } : {}),
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
  const memories = input.memory?.text ? { memories: input.memory.text } : {};
  const planned = await makePlan(
    input.gateway,
    { task: input.task, soul: input.soul, evaluators: input.evaluators, ...(input.taskSkills?.length ? { taskSkills: input.taskSkills } : {}), ...memories, ...refinement },
    callOptions(input, 'planner'),
  );
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
        ...(input.projectInstructions ? { projectInstructions: input.projectInstructions } : {}),
        taskSkills: (input.taskSkills ?? []).filter((skill) => iteration.plan!.skills?.includes(skill.name)),
        // The plan step always runs first: nextStep never moves to execute without it.
        plan: iteration.plan!,
        tools: recordingToolCalls(input.tools, iteration),
        stream: input.stream,
        ...(input.memory?.text ? { memories: input.memory.text } : {}),
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
        ...(events.onReasoning ? { onReasoning: events.onReasoning } : {}),
        onWarning: (message) => events.progress('warning', message),
      },
    );
  } catch (error) {
    // A reply stopped by the budget is the best answer so far when nothing better exists.
    if (error instanceof BudgetRefusal && error.partialOutput !== undefined) iteration.output = error.partialOutput;
    throw error;
  }
  iteration.output = executed.output;
  iteration.reasoning = executed.reasoning;
  if (executed.finishReason !== undefined) iteration.finishReason = executed.finishReason;
  if (executed.rawFinishReason !== undefined) iteration.rawFinishReason = executed.rawFinishReason;
  if (executed.refusal !== undefined) iteration.refusal = executed.refusal;
  // A truncated or refused answer is never a silent success: the progress line says so.
  if (executed.finishReason === 'length') events.progress(tag, `the answer was cut short: the model hit its output limit (${executed.rawFinishReason ?? 'length'})`);
  if (executed.finishReason === 'content-filter') {
    events.progress(tag, `the model refused${executed.refusal ? `: ${executed.refusal}` : ` (${executed.rawFinishReason ?? 'content filter'})`}`);
  }
}

async function evaluateOutput(iteration: OpenIteration, { input, executeOnly, lastNumber }: StepContext): Promise<void> {
  const tag = stepTag(iteration.number, lastNumber, executeOnly);
  const checks = input.checks ? await input.checks.run(callOptions(input, 'evaluator').signal) : [];
  for (const result of checks) input.events.progress(tag, checkLine(result));
  input.events.progress(tag, 'evaluating');
  // Plan and output are there: nextStep moves to evaluate only after both steps ended well.
  const plan = iteration.plan!;
  const skill = input.evaluators.find((candidate) => candidate.name === plan.evaluator) ?? input.evaluators[0]!;
  const judged = await evaluate(input.gateway, { task: input.task, plan, output: iteration.output!, skill, checks }, callOptions(input, 'evaluator'));
  iteration.evaluation = combineChecks(judged, checks, input.settings.quality);
}

/** `check tests npm test → exit 1 in 4.2 s`, one progress line per check. */
function checkLine(result: CheckResult): string {
  const how = result.passed ? 'passed' : result.timedOut ? 'timed out' : `exit ${result.exitCode ?? 'by signal'}`;
  return `check ${result.check.kind} ${result.check.command} → ${how} in ${(result.durationMs / 1000).toFixed(1)} s${result.sandboxed ? '' : ' (not sandboxed)'}`;
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

/** The tools, with each call's one-line summary kept on the iteration for `openkoi history`. */
function recordingToolCalls(tools: ToolRunner, iteration: OpenIteration): ToolRunner {
  const calls = (iteration.toolCalls ??= []);
  return {
    definitions: () => tools.definitions(),
    async run(call, signal) {
      const outcome = await tools.run(call, signal);
      // A command line may carry a token: the stored line goes through the same redaction as errors.
      calls.push({
        tool: call.toolName,
        summary: redactSecrets(outcome.summary ?? call.toolName),
        isError: outcome.isError,
        ...(outcome.durationMs !== undefined ? { durationMs: Math.round(outcome.durationMs * 10) / 10 } : {}),
      });
      return outcome;
    },
  };
}
