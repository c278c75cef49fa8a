import type { Database } from '../memory/database.js';
import { addUsage, emptyUsage, type Usage } from '../model/usage.js';
import type { AttemptListener, AttemptRecord } from '../model/attempt-record.js';
import type { PricingOverrides } from './find-model-price.js';
import { priceAttempt } from './price-attempt.js';

export interface UsageRecorderOptions {
  /** Where rows go; undefined keeps running totals only (tests, or a database that failed to open). */
  database?: Database;
  /** `[pricing]` from config. */
  pricing?: PricingOverrides;
  /** Told when a row could not be written; the task goes on and the total still counts it. */
  onWriteError?: (error: unknown) => void;
}

/** What the engine's budgets read: the running total of one task (or of every call made). */
export interface UsageTotals {
  usage: Usage;
  /** Sum of the calls whose price is known. */
  costUsd: number;
  /** Calls with a recorded usage. */
  calls: number;
  /** Calls whose price is unknown: their tokens count, their cost cannot. */
  unpricedCalls: number;
}

/** One row of the `usage` table, as written. */
export interface UsageRow {
  at: number;
  taskId: string | undefined;
  role: string;
  provider: string;
  requestedModel: string;
  responseModel: string | undefined;
  usage: Usage;
  costUsd: number | undefined;
  priceKnown: boolean;
  priceSource: string | undefined;
  cacheSavedUsd: number | undefined;
  cacheWritePremiumUsd: number | undefined;
  outcome: 'ok' | 'error';
  /** Who asked: a gateway token's name; undefined for openkoi's own runs. */
  source?: string;
}

/**
 * Records every model attempt that reported usage: all roles, and every retry and fallback
 * attempt that got a reply, failed ones included (a stream cut after replying still used tokens).
 *
 * An attempt without usage writes no row. That is a refused call (429, 401, a cooling candidate
 * skipped) which the vendor bills nothing for; a row of zeros would only inflate the call count.
 * The gateway reports those attempts to the iteration record, which is where they belong.
 */
export class UsageRecorder {
  private readonly insert: ReturnType<Database['prepare']> | undefined;
  private readonly totalsByTask = new Map<string, UsageTotals>();
  private readonly everything: UsageTotals = emptyTotals();

  constructor(private readonly options: UsageRecorderOptions = {}) {
    this.insert = options.database?.prepare(`
      INSERT INTO usage (at, task_id, role, provider, requested_model, response_model,
        input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,
        cost_usd, price_known, price_source, cache_saved_usd, cache_write_premium_usd, outcome, source)
      VALUES (@at, @taskId, @role, @provider, @requestedModel, @responseModel,
        @inputTokens, @outputTokens, @cacheReadTokens, @cacheWriteTokens, @reasoningTokens,
        @costUsd, @priceKnown, @priceSource, @cacheSavedUsd, @cacheWritePremiumUsd, @outcome, @source)`);
  }

  /** The gateway's `onAttempt`. Never throws: losing a usage row must not fail the task. */
  readonly onAttempt: AttemptListener = (attempt) => {
    this.record(attempt);
  };

  /**
   * Prices and stores one attempt; returns the row, or undefined when the attempt had no usage.
   * `source` names who asked (the gateway passes the client token's name).
   */
  record(attempt: AttemptRecord, source?: string): UsageRow | undefined {
    if (!attempt.usage || attempt.outcome === 'skipped') return undefined;
    const row = this.rowOf(attempt, attempt.usage);
    if (source !== undefined) row.source = source;
    this.addToTotals(row);
    this.write(row);
    return row;
  }

  /** Running totals of one task, or of every call this recorder saw when no id is given. */
  totals(taskId?: string): UsageTotals {
    const totals = taskId === undefined ? this.everything : (this.totalsByTask.get(taskId) ?? emptyTotals());
    return { ...totals, usage: { ...totals.usage } };
  }

  private rowOf(attempt: AttemptRecord, usage: Usage): UsageRow {
    const cost = priceAttempt(attempt, this.options.pricing);
    return {
      at: attempt.startedAt + attempt.durationMs,
      taskId: attempt.taskId,
      role: attempt.role,
      provider: attempt.candidate.provider,
      requestedModel: attempt.candidate.model,
      responseModel: attempt.responseModel,
      usage,
      costUsd: cost?.costUsd,
      priceKnown: cost !== undefined,
      priceSource: cost?.source,
      cacheSavedUsd: cost?.cacheSavedUsd,
      cacheWritePremiumUsd: cost?.cacheWritePremiumUsd,
      outcome: attempt.outcome === 'ok' ? 'ok' : 'error',
    };
  }

  private addToTotals(row: UsageRow): void {
    const keys = row.taskId === undefined ? [] : [row.taskId];
    for (const totals of [this.everything, ...keys.map((key) => this.taskTotals(key))]) {
      totals.usage = addUsage(totals.usage, row.usage);
      totals.calls += 1;
      if (row.costUsd !== undefined) totals.costUsd += row.costUsd;
      else totals.unpricedCalls += 1;
    }
  }

  private taskTotals(taskId: string): UsageTotals {
    let totals = this.totalsByTask.get(taskId);
    if (!totals) {
      totals = emptyTotals();
      this.totalsByTask.set(taskId, totals);
    }
    return totals;
  }

  private write(row: UsageRow): void {
    if (!this.insert) return;
    try {
      this.insert.run({
        at: row.at,
        taskId: row.taskId ?? null,
        role: row.role,
        provider: row.provider,
        requestedModel: row.requestedModel,
        responseModel: row.responseModel ?? null,
        inputTokens: row.usage.inputTokens,
        outputTokens: row.usage.outputTokens,
        cacheReadTokens: row.usage.cacheReadTokens,
        cacheWriteTokens: row.usage.cacheWriteTokens,
        reasoningTokens: row.usage.reasoningTokens ?? null,
        costUsd: row.costUsd ?? null,
        priceKnown: row.priceKnown ? 1 : 0,
        priceSource: row.priceSource ?? null,
        cacheSavedUsd: row.cacheSavedUsd ?? null,
        cacheWritePremiumUsd: row.cacheWritePremiumUsd ?? null,
        outcome: row.outcome,
        source: row.source ?? null,
      });
    } catch (error) {
      this.options.onWriteError?.(error);
    }
  }
}

function emptyTotals(): UsageTotals {
  return { usage: emptyUsage(), costUsd: 0, calls: 0, unpricedCalls: 0 };
}
