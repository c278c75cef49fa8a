import type { ModelRef } from '../model/model-ref.js';
import { formatModelRef } from '../model/model-ref.js';
import type { Role } from '../model/role.js';
import { addUsage, emptyUsage, type Usage } from '../model/usage.js';
import type { AttemptRecord } from '../routing/model-gateway.js';

export interface Budgets {
  maxTokens?: number;
  maxCostUsd?: number;
  maxDurationMs?: number;
}

export type BudgetStop = 'budget-tokens' | 'budget-cost' | 'budget-time';

/** Prices one attempt in USD; undefined when the price is unknown. */
export type PriceAttempt = (attempt: AttemptRecord) => number | undefined;

/**
 * A request that was not sent, or a streamed reply that was stopped, because it would cross a
 * budget. The loop ends with `stop` as its decision; `partialOutput` is what a stopped reply had
 * said (the best answer so far when nothing better exists).
 */
export class BudgetRefusal extends Error {
  partialOutput?: string;

  constructor(
    readonly stop: BudgetStop,
    message: string,
  ) {
    super(message);
    this.name = 'BudgetRefusal';
  }
}

function usd(value: number): string {
  return `$${value.toFixed(4)}`;
}

/** Time as the budgets see it; tests pass a controlled one so that no test waits for a real deadline. */
export interface BudgetClock {
  now(): number;
  /** A signal that aborts after this many milliseconds. */
  timeoutSignal(milliseconds: number): AbortSignal;
}

export const SYSTEM_BUDGET_CLOCK: BudgetClock = {
  now: () => Date.now(),
  // Not AbortSignal.timeout: combined through AbortSignal.any, Node 20 may collect it before it
  // fires (nothing else holds it), and a stalled stream then outlives its time budget. The timer's
  // closure holds this controller until it fires; unref'd, it keeps no finished process alive.
  timeoutSignal: (milliseconds) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException('The time budget ran out.', 'TimeoutError')), milliseconds).unref();
    return controller.signal;
  },
};

/** Running totals of a task's model use, fed by every attempt the gateway reports. */
export class BudgetMeter {
  usage: Usage = emptyUsage();
  costUsd = 0;
  /** Attempts whose price was unknown: the cost figure is then a lower bound. */
  unpricedAttempts = 0;
  /** Of those, replies that came without token counts (the rest had counts but no price). */
  usageUnknownAttempts = 0;
  private readonly startedAt: number;

  private readonly now: () => number;

  constructor(
    private readonly budgets: Budgets,
    private readonly priceAttempt: PriceAttempt | undefined,
    private readonly clock: BudgetClock = SYSTEM_BUDGET_CLOCK,
  ) {
    this.now = () => clock.now();
    this.startedAt = this.now();
  }

  /** A signal that aborts a call in flight when the time budget runs out; undefined without one. */
  deadlineSignal(): AbortSignal | undefined {
    const remaining = this.remainingMs;
    return remaining === undefined ? undefined : this.clock.timeoutSignal(Math.max(1, remaining));
  }

  add(attempt: AttemptRecord): void {
    if (!attempt.usage) {
      // A reply that came with no usage (a compatible server that reports none) was billed
      // something unknown: the total becomes a lower bound, as the usage table says. A failure
      // before any reply cost nothing. (Embeddings are counted by their own recorder.)
      if (attempt.outcome === 'ok' && attempt.role !== 'embedder') {
        this.unpricedAttempts++;
        this.usageUnknownAttempts++;
      }
      return;
    }
    this.usage = addUsage(this.usage, attempt.usage);
    const cost = this.priceAttempt?.(attempt);
    if (cost === undefined) this.unpricedAttempts++;
    else this.costUsd += cost;
  }

  /**
   * Charges what a reply stopped mid-stream is estimated to have cost: the vendor reports usage
   * only at the end of a stream, and a stopped stream has no end.
   */
  addEstimatedCost(costUsd: number): void {
    this.costUsd += costUsd;
  }

  get totalTokens(): number {
    const { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens } = this.usage;
    return inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens;
  }

  get elapsedMs(): number {
    return this.now() - this.startedAt;
  }

  /** Milliseconds left of the time budget (undefined: no time budget). */
  get remainingMs(): number | undefined {
    return this.budgets.maxDurationMs === undefined ? undefined : Math.max(0, this.budgets.maxDurationMs - this.elapsedMs);
  }

  get maxCostUsd(): number | undefined {
    return this.budgets.maxCostUsd;
  }

  /** The first budget that is spent, if any. */
  exceeded(): BudgetStop | undefined {
    if (this.budgets.maxTokens !== undefined && this.totalTokens >= this.budgets.maxTokens) return 'budget-tokens';
    if (this.budgets.maxCostUsd !== undefined && this.costUsd >= this.budgets.maxCostUsd) return 'budget-cost';
    if (this.budgets.maxDurationMs !== undefined && this.elapsedMs >= this.budgets.maxDurationMs) return 'budget-time';
    return undefined;
  }

  /**
   * What a call of `candidate` with these estimated tokens would cost, in USD; undefined when its
   * price is unknown (a budget cannot be enforced for that model).
   */
  estimateCost(role: Role, candidate: ModelRef, inputTokens: number, outputTokens: number): number | undefined {
    const now = this.now();
    return this.priceAttempt?.({
      role,
      candidate,
      startedAt: now,
      durationMs: 0,
      waitedMs: 0,
      outcome: 'ok',
      usage: { inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
  }

  /**
   * The refusal of a request (or of more streamed output) whose estimated cost would cross what
   * is left of the cost budget; undefined when it fits, no cost budget is set, or the price is unknown.
   */
  costRefusal(role: Role, candidate: ModelRef, inputTokens: number, outputTokens: number): BudgetRefusal | undefined {
    const budget = this.budgets.maxCostUsd;
    if (budget === undefined) return undefined;
    const cost = this.estimateCost(role, candidate, inputTokens, outputTokens);
    if (cost === undefined || this.costUsd + cost <= budget) return undefined;
    const left = Math.max(0, budget - this.costUsd);
    const what =
      outputTokens === 0
        ? `Not sent: the ${role} request to ${formatModelRef(candidate)} (about ${inputTokens} input tokens, estimated at 4 characters a token) would cost about ${usd(cost)}`
        : `Stopped the ${role}'s reply from ${formatModelRef(candidate)} after about ${outputTokens} output tokens: with about ${inputTokens} input tokens it would cost more than ${usd(cost)}`;
    return new BudgetRefusal('budget-cost', `${what}, more than the ${usd(left)} left of the cost budget (${usd(budget)}; --max-cost or [engine] max_cost_usd).`);
  }
}
