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

/** Running totals of a task's model use, fed by every attempt the gateway reports. */
export class BudgetMeter {
  usage: Usage = emptyUsage();
  costUsd = 0;
  /** Attempts whose price was unknown: the cost figure is then a lower bound. */
  unpricedAttempts = 0;
  private readonly startedAt: number;

  constructor(
    private readonly budgets: Budgets,
    private readonly priceAttempt: PriceAttempt | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  add(attempt: AttemptRecord): void {
    if (!attempt.usage) return;
    this.usage = addUsage(this.usage, attempt.usage);
    const cost = this.priceAttempt?.(attempt);
    if (cost === undefined) this.unpricedAttempts++;
    else this.costUsd += cost;
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

  /** The first budget that is spent, if any. */
  exceeded(): BudgetStop | undefined {
    if (this.budgets.maxTokens !== undefined && this.totalTokens >= this.budgets.maxTokens) return 'budget-tokens';
    if (this.budgets.maxCostUsd !== undefined && this.costUsd >= this.budgets.maxCostUsd) return 'budget-cost';
    if (this.budgets.maxDurationMs !== undefined && this.elapsedMs >= this.budgets.maxDurationMs) return 'budget-time';
    return undefined;
  }
}
