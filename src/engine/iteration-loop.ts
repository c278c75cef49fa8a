import { ENGINE_DEFAULTS } from '../model/engine-defaults.js';
import type { ModelRef } from '../model/model-ref.js';
import { addUsage, emptyUsage, type Usage } from '../model/usage.js';
import type { TaskStore } from '../memory/task-store.js';
import { ProviderError } from '../providers/provider-error.js';
import type { AttemptRecord, ModelGateway, RoleCallOptions } from '../routing/model-gateway.js';
import type { AttemptLog } from './attempt-log.js';
import type { BudgetMeter, BudgetStop } from './budget-meter.js';
import type { Evaluation } from './evaluation.js';
import { evaluate } from './evaluator.js';
import { execute, type ExecutorLimits } from './executor.js';
import type { Plan } from './plan.js';
import { makePlan } from './planner.js';
import type { Skill } from './skills/skill.js';
import type { ToolRunner } from './tool-runner.js';

export interface LoopSettings {
  /** Accept when the composite score reaches this. */
  quality: number;
  /** Iterations at most; 0 executes once without planning or evaluation. */
  maxIterations: number;
  /** Stop when a score falls this far below the best so far (the best is kept). */
  regressionThreshold: number;
  /** Stop when a score gains less than this over the best so far. */
  minImprovement: number;
}

export const DEFAULT_LOOP_SETTINGS: LoopSettings = {
  quality: ENGINE_DEFAULTS.quality,
  maxIterations: ENGINE_DEFAULTS.iterations,
  regressionThreshold: ENGINE_DEFAULTS.regression_threshold,
  minImprovement: ENGINE_DEFAULTS.min_improvement,
};

export type Decision =
  | 'accepted'
  | 'executed'
  | 'continue'
  | 'iteration-limit'
  | 'regression'
  | 'no-improvement'
  | 'unscored'
  | BudgetStop
  | 'interrupted'
  | 'failed';

export interface LoopEvents {
  progress(tag: string, text: string): void;
  /** Executor text as it arrives. */
  onText(text: string): void;
  onModelSwitch?(from: ModelRef, to: ModelRef, reason: string, afterOutput: boolean): void;
}

export interface LoopInput {
  task: string;
  taskId: string;
  soul: string;
  /** Evaluator skills on offer; the first is the default. Empty only with maxIterations 0. */
  evaluators: Skill[];
  gateway: ModelGateway;
  tools: ToolRunner;
  stream: boolean;
  settings: LoopSettings;
  meter: BudgetMeter;
  attempts: AttemptLog;
  events: LoopEvents;
  store?: TaskStore;
  signal?: AbortSignal;
  executorLimits?: ExecutorLimits;
}

export interface IterationSummary {
  number: number;
  score: number | undefined;
  decision: Decision;
  plan: Plan | undefined;
  output: string;
  evaluation: Evaluation | undefined;
  usage: Usage;
  durationMs: number;
  attempts: AttemptRecord[];
}

export interface LoopResult {
  decision: Decision;
  answer: string | undefined;
  score: number | undefined;
  bestIteration: number | undefined;
  iterations: IterationSummary[];
  /** The error that ended the loop, when one did. */
  error?: Error;
}

function usageOf(attempts: AttemptRecord[]): Usage {
  return attempts.reduce((total, attempt) => (attempt.usage ? addUsage(total, attempt.usage) : total), emptyUsage());
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}

function describeDecision(decision: Decision): string {
  return {
    accepted: 'accept',
    executed: 'done (no evaluation)',
    continue: 'continue',
    'iteration-limit': 'stop: iteration limit, keeping the best',
    regression: 'stop: score regressed, keeping the best',
    'no-improvement': 'stop: no improvement, keeping the best',
    unscored: 'stop: no usable evaluation',
    'budget-tokens': 'stop: token budget spent',
    'budget-cost': 'stop: cost budget spent',
    'budget-time': 'stop: time budget spent',
    interrupted: 'stop: interrupted',
    failed: 'stop: failed',
  }[decision];
}

/** Plan → execute → evaluate, refined until accepted or something stops it. The answer is the best iteration's. */
export async function runIterationLoop(input: LoopInput): Promise<LoopResult> {
  const { settings, meter, events, gateway } = input;
  const iterations: IterationSummary[] = [];
  let best: IterationSummary | undefined;
  const evaluatorsByName = new Map(input.evaluators.map((skill) => [skill.name, skill]));
  const callOptions = (): RoleCallOptions => {
    const remaining = meter.remainingMs;
    const signals = [input.signal, remaining === undefined ? undefined : AbortSignal.timeout(Math.max(1, remaining))].filter(
      (signal): signal is AbortSignal => signal !== undefined,
    );
    return { taskId: input.taskId, ...(signals.length ? { signal: signals.length === 1 ? signals[0]! : AbortSignal.any(signals) } : {}) };
  };
  const finish = (decision: Decision, error?: Error): LoopResult => {
    const answer = best?.output ?? iterations.at(-1)?.output;
    return { decision, answer: answer || undefined, score: best?.score, bestIteration: best?.number, iterations, ...(error ? { error } : {}) };
  };
  const stopFor = (error: unknown): Decision => {
    if (input.signal?.aborted) return 'interrupted';
    if (error instanceof ProviderError && error.kind === 'aborted' && meter.remainingMs === 0) return 'budget-time';
    return meter.exceeded() ?? 'failed';
  };

  const executeOnly = settings.maxIterations === 0;
  const limit = Math.max(1, settings.maxIterations);
  let plan: Plan | undefined;
  let previousEvaluation: Evaluation | undefined;

  for (let number = 1; number <= limit; number++) {
    const startedAt = Date.now();
    const iteration: IterationSummary = {
      number, score: undefined, decision: 'continue', plan: undefined, output: '', evaluation: undefined, usage: emptyUsage(), durationMs: 0, attempts: [],
    };
    const close = (decision: Decision): void => {
      iteration.decision = decision;
      iteration.attempts = input.attempts.drain();
      iteration.usage = usageOf(iteration.attempts);
      iteration.durationMs = Date.now() - startedAt;
      iterations.push(iteration);
      input.store?.recordIteration(input.taskId, {
        number,
        startedAt,
        plan: iteration.plan,
        output: iteration.output,
        score: iteration.score,
        decision,
        usage: iteration.usage,
        durationMs: iteration.durationMs,
        attempts: iteration.attempts,
        findings: iteration.evaluation?.findings ?? [],
      });
    };
    const progressTag = executeOnly ? 'run' : `iter ${number}/${limit}`;
    try {
      if (executeOnly) {
        plan = { steps: [input.task], acceptanceCriteria: [], evaluator: 'none', rubric: [], fallback: false };
      } else {
        const planned = await makePlan(
          gateway,
          {
            task: input.task,
            soul: input.soul,
            evaluators: input.evaluators,
            ...(plan && previousEvaluation ? { previous: { plan, output: iterations.at(-1)?.output ?? '', findings: previousEvaluation.findings, score: previousEvaluation.score } } : {}),
          },
          callOptions(),
        );
        plan = planned.plan;
        events.progress(
          'plan',
          planned.fallbackReason
            ? `planner output unusable (${planned.fallbackReason}); falling back to a one-step plan: the task itself`
            : `${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}, evaluator ${plan.evaluator}${number > 1 ? ' (refined from the findings)' : ''}`,
        );
      }
      iteration.plan = plan;
      const spentBeforeExecuting = meter.exceeded();
      if (spentBeforeExecuting) {
        close(spentBeforeExecuting);
        events.progress(`iter ${number}`, describeDecision(spentBeforeExecuting));
        return finish(spentBeforeExecuting);
      }

      events.progress(progressTag, 'executing');
      const executed = await execute(
        gateway,
        { task: input.task, soul: input.soul, plan, tools: input.tools, stream: input.stream, ...(input.executorLimits ? { limits: input.executorLimits } : {}) },
        callOptions(),
        {
          onText: events.onText,
          ...(events.onModelSwitch ? { onModelSwitch: events.onModelSwitch } : {}),
          onNote: (note) => events.progress(progressTag, note),
          onToolCall: (call) => events.progress(progressTag, `tool ${call.toolName}`),
        },
      );
      iteration.output = executed.output;

      if (executeOnly) {
        close('executed');
        best = iteration;
        return finish('executed');
      }
      const spentBeforeEvaluating = meter.exceeded();
      if (spentBeforeEvaluating) {
        // An unjudged output is still the best available when nothing was judged before it.
        if (!best) best = iteration;
        close(spentBeforeEvaluating);
        events.progress(`iter ${number}`, describeDecision(spentBeforeEvaluating));
        return finish(spentBeforeEvaluating);
      }

      events.progress(progressTag, 'evaluating');
      const evaluation = await evaluate(gateway, { task: input.task, plan, output: executed.output, skill: evaluatorsByName.get(plan.evaluator) ?? input.evaluators[0]! }, callOptions());
      iteration.evaluation = evaluation;
      iteration.score = evaluation.score;
      previousEvaluation = evaluation;

      let decision: Decision;
      const score = evaluation.score;
      if (score === undefined) {
        decision = number === limit ? 'unscored' : 'continue';
      } else if (score >= settings.quality) {
        decision = 'accepted';
      } else if (best?.score !== undefined && score < best.score - settings.regressionThreshold) {
        decision = 'regression';
      } else if (best?.score !== undefined && score - best.score < settings.minImprovement) {
        decision = 'no-improvement';
      } else {
        decision = number === limit ? 'iteration-limit' : 'continue';
      }
      if (score !== undefined && (best?.score === undefined || score > best.score)) best = iteration;
      if (!best && decision === 'unscored') best = iteration;
      decision = decision === 'continue' ? (meter.exceeded() ?? 'continue') : decision;
      close(decision);
      const blockers = evaluation.findings.filter((finding) => finding.severity === 'blocker').length;
      events.progress(
        `iter ${number}`,
        `score ${score === undefined ? 'none' : score.toFixed(2)}${evaluation.findings.length ? ` (${count(evaluation.findings.length, 'finding')}, ${count(blockers, 'blocker')})` : ''} → ${describeDecision(decision)}`,
      );
      if (decision !== 'continue') return finish(decision);
    } catch (error) {
      const decision = stopFor(error);
      if (!iterations.includes(iteration)) {
        if (iteration.output && !best) best = iteration;
        close(decision);
      }
      events.progress(`iter ${number}`, describeDecision(decision));
      return finish(decision, error instanceof Error ? error : new Error(String(error)));
    }
  }
  return finish('iteration-limit');
}
