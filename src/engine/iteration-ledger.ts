import type { FinishReason } from '../model/finish-reason.js';
import { addUsage, emptyUsage, type Usage } from '../model/usage.js';
import type { AttemptRecord } from '../routing/model-gateway.js';
import { betterAnswer } from './best-answer.js';
import type { Decision } from './decision.js';
import type { Evaluation } from './evaluation.js';
import type { IterationSummary, LoopInput, LoopResult } from './loop-types.js';
import type { Plan } from './plan.js';
import type { ToolCallRecord } from './tool-runner.js';

/** An iteration under way: each step fills in what it produced. */
export interface OpenIteration {
  readonly number: number;
  readonly startedAt: number;
  plan?: Plan;
  /** Set once the executor has finished: from then on the iteration has an answer to offer. */
  output?: string;
  evaluation?: Evaluation;
  reasoning?: string;
  finishReason?: FinishReason;
  rawFinishReason?: string;
  refusal?: string;
  /** The executor's tool calls, in order (executePlan records them). */
  toolCalls?: ToolCallRecord[];
}

export function openIteration(number: number): OpenIteration {
  return { number, startedAt: Date.now() };
}

function usageOf(attempts: AttemptRecord[]): Usage {
  return attempts.reduce((total, attempt) => (attempt.usage ? addUsage(total, attempt.usage) : total), emptyUsage());
}

/**
 * The iterations closed so far and the best answer among them. Closing an iteration is the only
 * way either changes, so the best is chosen in one place whatever stopped the loop.
 */
export class IterationLedger {
  private readonly closed: IterationSummary[] = [];
  private best: IterationSummary | undefined;

  constructor(private readonly input: Pick<LoopInput, 'taskId' | 'attempts' | 'store' | 'memory'>) {}

  /** The last closed iteration, whose findings refine the next plan. */
  get last(): IterationSummary | undefined {
    return this.closed.at(-1);
  }

  /** The best score so far (undefined while nothing is scored). */
  get bestScore(): number | undefined {
    return this.best?.score;
  }

  /** Ends an iteration with its decision: it takes the attempts made since the last one, is recorded, and competes for best. */
  close(iteration: OpenIteration, decision: Decision): IterationSummary {
    const attempts = this.input.attempts.drain();
    const summary: IterationSummary = {
      number: iteration.number,
      score: iteration.evaluation?.score,
      decision,
      plan: iteration.plan,
      output: iteration.output ?? '',
      evaluation: iteration.evaluation,
      usage: usageOf(attempts),
      durationMs: Date.now() - iteration.startedAt,
      attempts,
      reasoning: iteration.reasoning ?? '',
      ...(iteration.finishReason !== undefined ? { finishReason: iteration.finishReason } : {}),
      ...(iteration.rawFinishReason !== undefined ? { rawFinishReason: iteration.rawFinishReason } : {}),
      ...(iteration.refusal !== undefined ? { refusal: iteration.refusal } : {}),
    };
    this.closed.push(summary);
    // Only an iteration whose executor finished with some text has an answer; one stopped before that,
    // or whose reply was empty, has none to offer.
    if (iteration.output !== undefined && iteration.output.trim() !== '') this.best = betterAnswer(this.best, summary);
    this.input.store?.recordIteration(this.input.taskId, {
      number: summary.number,
      startedAt: iteration.startedAt,
      plan: summary.plan,
      output: summary.output,
      score: summary.score,
      decision,
      usage: summary.usage,
      durationMs: summary.durationMs,
      attempts: summary.attempts,
      ...(summary.finishReason !== undefined ? { finishReason: summary.finishReason } : {}),
      findings: summary.evaluation?.findings ?? [],
      ...(this.input.memory ? { recalled: this.input.memory.recalled } : {}),
      ...(iteration.toolCalls?.length ? { toolCalls: iteration.toolCalls } : {}),
    });
    return summary;
  }

  /** The loop's result: the best answer so far, whatever the decision that ended it. */
  result(decision: Decision, error?: Error): LoopResult {
    return {
      decision,
      // An executor that replied with nothing gave no answer to print.
      answer: this.best?.output || undefined,
      score: this.best?.score,
      bestIteration: this.best?.number,
      iterations: this.closed,
      ...(error ? { error } : {}),
    };
  }
}
