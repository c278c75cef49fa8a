import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/memory/database.js';
import type { AttemptRecord } from '../../src/routing/model-gateway.js';
import { InvalidSinceError, parseSince } from '../../src/usage/parse-since.js';
import { buildUsageReport } from '../../src/usage/usage-report.js';
import { UsageRecorder } from '../../src/usage/usage-recorder.js';

// Flat prices, so every figure below is easy to check by hand (USD per million tokens).
const PRICING = {
  'openai/cheap': { input: 1, output: 2, cache_read: 0.5 },
  'anthropic/claude-dear': { input: 10, output: 20, cache_read: 1, cache_write: 12.5 },
};

// Local noon keeps every call well inside its local day, whatever the machine's time zone.
const NOV_1 = new Date(2026, 10, 1, 12).getTime();
const NOV_2 = new Date(2026, 10, 2, 12).getTime();
const NOW = new Date(2026, 10, 3, 12);

let database: Database;
afterEach(() => database?.close());

function seed(): void {
  database = openDatabase(':memory:');
  const recorder = new UsageRecorder({ database, pricing: PRICING });
  const call = (at: number, role: AttemptRecord['role'], provider: string, model: string, tokens: [number, number, number, number], outcome: 'ok' | 'error' = 'ok') =>
    recorder.onAttempt({
      role,
      candidate: { provider, model },
      taskId: 't',
      startedAt: at,
      durationMs: 0,
      waitedMs: 0,
      outcome,
      usage: { inputTokens: tokens[0], outputTokens: tokens[1], cacheReadTokens: tokens[2], cacheWriteTokens: tokens[3] },
    });
  // 1000×1 + 100×2 + 400×0.5 = 1400 → $0.0014; saved 400×0.5 = $0.0002
  call(NOV_1, 'planner', 'openai', 'cheap', [1000, 100, 400, 0]);
  // 100×10 + 10×20 + 1000×1 + 200×12.5 = 1000 + 200 + 1000 + 2500 = 4700 → $0.0047; saved 1000×9 = $0.009; write premium 200×2.5 = $0.0005
  call(NOV_1, 'executor', 'anthropic', 'claude-dear', [100, 10, 1000, 200]);
  // 2000×1 + 1000×2 = 4000 → $0.004, a call that failed after replying
  call(NOV_2, 'executor', 'openai', 'cheap', [2000, 1000, 0, 0], 'error');
  // unknown price: tokens counted, cost not
  call(NOV_2, 'evaluator', 'openai', 'mystery-model', [50, 5, 30, 0]);
  // before the period
  call(new Date(2026, 9, 1, 12).getTime(), 'executor', 'openai', 'cheap', [999_999, 0, 0, 0]);
}

describe('openkoi status --costs: spend since a date', () => {
  it('totals every call in the period, unknown prices counted apart', () => {
    seed();
    const report = buildUsageReport(database, new Date(2026, 10, 1), NOW);
    expect(report.totals).toMatchObject({
      calls: 4,
      failedCalls: 1,
      inputTokens: 3150,
      outputTokens: 1115,
      cacheReadTokens: 1430,
      cacheWriteTokens: 200,
      unpricedCalls: 1,
    });
    // 0.0014 + 0.0047 + 0.004
    expect(report.totals.costUsd).toBeCloseTo(0.0101, 12);
    expect(report.unpricedModels).toEqual(['openai/mystery-model']);
  });

  it('groups spend by local day, model, role and provider', () => {
    seed();
    const report = buildUsageReport(database, new Date(2026, 10, 1), NOW);
    expect(report.byDay.map((line) => [line.day, line.calls, round(line.costUsd)])).toEqual([
      ['2026-11-01', 2, 0.0061],
      ['2026-11-02', 2, 0.004],
    ]);
    expect(report.byModel.map((line) => [line.model, line.calls, round(line.costUsd)])).toEqual([
      ['openai/cheap', 2, 0.0054],
      ['anthropic/claude-dear', 1, 0.0047],
      ['openai/mystery-model', 1, null],
    ]);
    expect(report.byRole.map((line) => [line.role, round(line.costUsd)])).toEqual([
      ['executor', 0.0087],
      ['planner', 0.0014],
      ['evaluator', null],
    ]);
    expect(report.byProvider.map((line) => [line.provider, round(line.costUsd), line.unpricedCalls])).toEqual([
      ['openai', 0.0054, 1],
      ['anthropic', 0.0047, 0],
    ]);
  });

  it('says what caching saved: cache reads at input price minus their cost, and what writes cost extra', () => {
    seed();
    const { caching } = buildUsageReport(database, new Date(2026, 10, 1), NOW);
    expect(caching.cacheReadTokens).toBe(1430);
    expect(caching.unpricedCacheReadTokens).toBe(30);
    expect(caching.savedUsd).toBeCloseTo(0.0092, 12);
    expect(caching.writePremiumUsd).toBeCloseTo(0.0005, 12);
    expect(caching.netSavedUsd).toBeCloseTo(0.0087, 12);
  });

  it('a period without calls costs 0', () => {
    seed();
    const report = buildUsageReport(database, new Date(2026, 10, 3), NOW);
    expect(report.totals).toMatchObject({ calls: 0, costUsd: 0 });
    expect(report.byDay).toEqual([]);
  });
});

describe('--since takes days or a date', () => {
  const now = new Date(2026, 10, 23, 15, 30);
  it('7d starts at local midnight six days ago, so seven days are shown', () => {
    expect(parseSince('7d', now)).toEqual(new Date(2026, 10, 17));
    expect(parseSince('1d', now)).toEqual(new Date(2026, 10, 23));
    expect(parseSince('30d', now)).toEqual(new Date(2026, 9, 25));
  });
  it('a date starts at its local midnight', () => {
    expect(parseSince('2026-11-01', now)).toEqual(new Date(2026, 10, 1));
  });
  it.each(['0d', '3x', '2026-02-31', 'yesterday', ''])('rejects %j with a message naming the forms', (text) => {
    expect(() => parseSince(text, now)).toThrow(InvalidSinceError);
    expect(() => parseSince(text, now)).toThrow(/30d.*2026-11-01/);
  });
});

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1e8) / 1e8;
}
