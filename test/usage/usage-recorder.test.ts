import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/memory/database.js';
import type { Usage } from '../../src/model/usage.js';
import type { AttemptRecord } from '../../src/routing/model-gateway.js';
import { UsageRecorder } from '../../src/usage/usage-recorder.js';

const PRICING = { 'openai/priced-model': { input: 2, output: 8, cache_read: 0.5 } };

let database: Database | undefined;
afterEach(() => database?.close());

function freshDatabase(): Database {
  database = openDatabase(':memory:');
  return database;
}

function usage(inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0): Usage {
  return { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens };
}

function attempt(details: Partial<AttemptRecord>): AttemptRecord {
  return {
    role: 'executor',
    candidate: { provider: 'openai', model: 'priced-model' },
    taskId: 'task-1',
    startedAt: 1_700_000_000_000,
    durationMs: 250,
    outcome: 'ok',
    waitedMs: 0,
    ...details,
  };
}

function rows(database: Database): Array<Record<string, unknown>> {
  return database.prepare('SELECT * FROM usage ORDER BY id').all() as Array<Record<string, unknown>>;
}

describe('every attempt that used tokens leaves one usage row', () => {
  it('a reply is recorded with its tokens, models, role, task and cost', () => {
    const recorder = new UsageRecorder({ database: freshDatabase(), pricing: PRICING });
    recorder.onAttempt(attempt({ usage: { ...usage(1000, 500, 200), reasoningTokens: 100 }, responseModel: 'priced-model' }));
    expect(rows(database!)).toEqual([
      expect.objectContaining({
        at: 1_700_000_000_250,
        task_id: 'task-1',
        role: 'executor',
        provider: 'openai',
        requested_model: 'priced-model',
        response_model: 'priced-model',
        input_tokens: 1000,
        output_tokens: 500,
        cache_read_tokens: 200,
        cache_write_tokens: 0,
        reasoning_tokens: 100,
        // 1000×2 + 500×8 + 200×0.5 = 6100 per million
        cost_usd: expect.closeTo(0.0061, 12),
        price_known: 1,
        price_source: 'config',
        cache_saved_usd: expect.closeTo(0.0003, 12),
        outcome: 'ok',
      }),
    ]);
  });

  it('a call that failed after the vendor reported usage is still recorded, as an error', () => {
    const recorder = new UsageRecorder({ database: freshDatabase(), pricing: PRICING });
    recorder.onAttempt(attempt({ outcome: 'error', errorKind: 'network', usage: usage(300, 20) }));
    expect(rows(database!)).toEqual([expect.objectContaining({ outcome: 'error', input_tokens: 300, output_tokens: 20 })]);
  });

  it('a retry and a fallback each keep their own row, every role included', () => {
    const recorder = new UsageRecorder({ database: freshDatabase(), pricing: PRICING });
    recorder.onAttempt(attempt({ role: 'planner', usage: usage(10, 1) }));
    recorder.onAttempt(attempt({ outcome: 'error', errorKind: 'server', usage: usage(20, 2) }));
    recorder.onAttempt(attempt({ candidate: { provider: 'anthropic', model: 'claude-sonnet-4-5' }, usage: usage(30, 3) }));
    recorder.onAttempt(attempt({ role: 'evaluator', usage: usage(40, 4) }));
    expect(rows(database!).map((row) => [row['role'], row['provider'], row['input_tokens'], row['outcome']])).toEqual([
      ['planner', 'openai', 10, 'ok'],
      ['executor', 'openai', 20, 'error'],
      ['executor', 'anthropic', 30, 'ok'],
      ['evaluator', 'openai', 40, 'ok'],
    ]);
  });

  it('an attempt without usage (refused, or skipped while cooling) writes no row', () => {
    const recorder = new UsageRecorder({ database: freshDatabase(), pricing: PRICING });
    recorder.onAttempt(attempt({ outcome: 'error', errorKind: 'rate-limit', status: 429 }));
    recorder.onAttempt(attempt({ outcome: 'skipped' }));
    expect(rows(database!)).toEqual([]);
    expect(recorder.totals('task-1').calls).toBe(0);
  });

  it('an unknown price is recorded as unknown: NULL cost, price_known 0', () => {
    const recorder = new UsageRecorder({ database: freshDatabase() });
    recorder.onAttempt(attempt({ candidate: { provider: 'openai', model: 'no-such-model-anywhere' }, usage: usage(100, 10) }));
    expect(rows(database!)).toEqual([expect.objectContaining({ cost_usd: null, price_known: 0, price_source: null, input_tokens: 100 })]);
  });
});

describe('the running totals the engine budgets read', () => {
  it('add up per task, counting unpriced calls apart', () => {
    const recorder = new UsageRecorder({ database: freshDatabase(), pricing: PRICING });
    recorder.onAttempt(attempt({ usage: usage(1000, 500, 200) }));
    recorder.onAttempt(attempt({ usage: usage(1000, 0) }));
    recorder.onAttempt(attempt({ candidate: { provider: 'openai', model: 'no-such-model-anywhere' }, usage: usage(7, 7) }));
    recorder.onAttempt(attempt({ taskId: 'task-2', usage: usage(1, 1) }));
    const totals = recorder.totals('task-1');
    expect(totals.usage).toEqual(usage(2007, 507, 200));
    // 0.0061 + 1000×2 per million = 0.0081
    expect(totals.costUsd).toBeCloseTo(0.0081, 12);
    expect(totals.calls).toBe(3);
    expect(totals.unpricedCalls).toBe(1);
    expect(recorder.totals('task-2').calls).toBe(1);
    expect(recorder.totals().calls).toBe(4);
    expect(recorder.totals('never-seen')).toEqual({ usage: usage(0, 0), costUsd: 0, calls: 0, unpricedCalls: 0 });
  });

  it('keep counting when the database cannot be written, and say so', () => {
    const writeErrors: unknown[] = [];
    const recorder = new UsageRecorder({ database: freshDatabase(), pricing: PRICING, onWriteError: (error) => writeErrors.push(error) });
    database!.exec('DROP TABLE usage');
    expect(() => recorder.onAttempt(attempt({ usage: usage(1000, 0) }))).not.toThrow();
    expect(writeErrors).toHaveLength(1);
    expect(recorder.totals('task-1').costUsd).toBeCloseTo(0.002, 12);
  });
});
