import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/memory/database.js';
import type { Usage } from '../../src/model/usage.js';
import type { AttemptRecord } from '../../src/routing/model-gateway.js';
import { SqliteCooldownStore } from '../../src/routing/cooldown-store.js';
import type { UsageReport } from '../../src/usage/usage-report.js';
import { UsageRecorder } from '../../src/usage/usage-recorder.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi, temporaryHome } from './run-openkoi.js';

const OPENAI_KEY = 'sk-proj-fake-openai-key-0123456789';
const ANTHROPIC_KEY = 'sk-ant-api03-fake-anthropic-key-0123456789';

let fake: FakeServer;
beforeAll(async () => {
  fake = await startFakeVendors();
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  fake.defaultReply = { text: 'Hello from the fake.' };
});

/** A home shared by several openkoi runs (runOpenkoi alone gives each run a fresh one). */
function sharedHome(): { home: string; openkoiHome: string; environment: Record<string, string> } {
  const { home, openkoiHome } = temporaryHome();
  mkdirSync(openkoiHome, { recursive: true });
  return { home, openkoiHome, environment: { HOME: home, OPENKOI_HOME: openkoiHome } };
}

function usage(inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0): Usage {
  return { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens };
}

/**
 * Records calls the way the engine does (the recorder is the gateway's onAttempt), then closes
 * the database so only the `status` subprocess reads it.
 */
function seedUsage(openkoiHome: string, calls: Array<Partial<AttemptRecord> & Pick<AttemptRecord, 'candidate' | 'usage'>>, pricing = {}): void {
  const database = openDatabase(join(openkoiHome, 'openkoi.db'));
  const recorder = new UsageRecorder({ database, pricing });
  for (const call of calls) {
    recorder.onAttempt({ role: 'executor', taskId: 'seeded', startedAt: Date.now(), durationMs: 0, waitedMs: 0, outcome: 'ok', ...call });
  }
  database.close();
}

async function costsJson(environment: Record<string, string>, ...extra: string[]): Promise<UsageReport> {
  const result = await runOpenkoi(['status', '--costs', '--json', ...extra], environment);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as UsageReport;
}

const threeDaysAgoAtNoon = (() => {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - 3, 12).getTime();
})();

describe('openkoi status --costs reports what recorded calls cost', () => {
  function seedKnownSpend(openkoiHome: string): void {
    seedUsage(
      openkoiHome,
      [
        // catalog, gpt-4.1 ($2 in, $8 out, $0.50 cached): 1000×2 + 500×8 + 200×0.5 = 6100 → $0.0061, twice
        { candidate: { provider: 'openai', model: 'gpt-4.1' }, usage: usage(1000, 500, 200) },
        { candidate: { provider: 'openai', model: 'gpt-4.1' }, usage: usage(1000, 500, 200), role: 'evaluator', startedAt: threeDaysAgoAtNoon },
        // config price ($4 in, $5 out): 1000×4 + 100×5 = 4500 → $0.0045
        { candidate: { provider: 'openai', model: 'in-house' }, usage: usage(1000, 100), role: 'planner' },
        // catalog, claude-sonnet-4-5 ($3, $15, $0.30 read, $3.75 write): 300 + 750 + 600 + 3750 = 5400 → $0.0054
        { candidate: { provider: 'anthropic', model: 'claude-sonnet-4-5' }, usage: usage(100, 50, 2000, 1000) },
        // no price anywhere
        { candidate: { provider: 'openai', model: 'mystery-model' }, usage: usage(100, 10) },
      ],
      { 'openai/in-house': { input: 4, output: 5 } },
    );
  }

  it('--json totals equal the hand-computed sum; unknown prices stay unknown', async () => {
    const { openkoiHome, environment } = sharedHome();
    seedKnownSpend(openkoiHome);
    const report = await costsJson(environment);
    // 0.0061 × 2 + 0.0045 + 0.0054
    expect(report.totals.costUsd).toBeCloseTo(0.0221, 10);
    expect(report.totals).toMatchObject({ calls: 5, unpricedCalls: 1, inputTokens: 3200, outputTokens: 1160, cacheReadTokens: 2400, cacheWriteTokens: 1000 });
    expect(report.byModel.find((line) => line.model === 'openai/mystery-model')).toMatchObject({ costUsd: null, unpricedCalls: 1 });
    expect(report.unpricedModels).toEqual(['openai/mystery-model']);
    expect(report.byRole.map((line) => line.role).sort()).toEqual(['evaluator', 'executor', 'planner']);
    expect(report.byDay).toHaveLength(2);
    // reads at input minus their cost: 2×200×(2 − 0.5) + 2000×(3 − 0.3) = 600 + 5400 → $0.006
    expect(report.caching.savedUsd).toBeCloseTo(0.006, 10);
  });

  it('--since narrows the period', async () => {
    const { openkoiHome, environment } = sharedHome();
    seedKnownSpend(openkoiHome);
    const report = await costsJson(environment, '--since', '1d');
    expect(report.totals.calls).toBe(4);
    expect(report.totals.costUsd).toBeCloseTo(0.016, 10);
  });

  it('the human report shows aligned tables and flags unknown prices', async () => {
    const { openkoiHome, environment } = sharedHome();
    seedKnownSpend(openkoiHome);
    const result = await runOpenkoi(['status', '--costs'], environment);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('$0.0221 + unknown');
    expect(result.stdout).toMatch(/openai\/mystery-model\s+1\s+100\s+10\s+0\s+0\s+unknown/);
    expect(result.stdout).toContain('1 calls have no known price (openai/mystery-model)');
    for (const title of ['By day', 'By model', 'By role', 'By provider']) expect(result.stdout).toContain(title);
    // The cost column is right-aligned: the header and every row end at the same column.
    const modelTable = result.stdout.split('By model\n')[1]!.split('\n\n')[0]!.split('\n');
    expect(modelTable.length).toBe(5);
    expect(new Set(modelTable.map((line) => line.length)).size).toBe(1);
  });

  it('a bad --since is a usage error naming the accepted forms', async () => {
    const result = await runOpenkoi(['status', '--costs', '--since', 'last-week'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('30d');
    expect(result.stdout).toBe('');
  });

  it('no database yet: an empty report, and none is created', async () => {
    const { openkoiHome, environment } = sharedHome();
    const report = await costsJson(environment);
    expect(report.totals).toMatchObject({ calls: 0, costUsd: 0 });
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(openkoiHome, 'openkoi.db'))).toBe(false);
  });
});

describe('openkoi status shows providers, roles, cooling models and today’s spend', () => {
  it('names where each key came from, masked, without touching the network', async () => {
    const { openkoiHome, environment } = sharedHome();
    writeFileSync(
      join(openkoiHome, 'config.toml'),
      '[models]\nexecutor = "openai/gpt-4.1"\n[models.fallback]\nexecutor = ["anthropic/claude-sonnet-4-5"]\n',
    );
    seedUsage(openkoiHome, [{ candidate: { provider: 'openai', model: 'gpt-4.1' }, usage: usage(1000, 500, 200) }]);
    const database = openDatabase(join(openkoiHome, 'openkoi.db'));
    new SqliteCooldownStore(database).coolDown(
      { provider: 'anthropic', model: 'claude-sonnet-4-5' },
      { untilMs: Date.now() + 10 * 60_000, errorKind: 'rate-limit', status: 429, now: Date.now() },
    );
    database.close();

    const run = { ...fakeVendorEnvironment(fake), ...environment, OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY };
    const human = await runOpenkoi(['status'], run);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/openai\s+yes\s+env OPENAI_API_KEY\s+sk-proj-…6789/);
    expect(human.stdout).toMatch(/anthropic\s+yes\s+env ANTHROPIC_API_KEY\s+sk-ant-…6789/);
    expect(human.stdout).toMatch(/groq\s+no\s+set GROQ_API_KEY/);
    expect(human.stdout).toMatch(/executor\s+openai\/gpt-4\.1\s+anthropic\/claude-sonnet-4-5\s+anthropic\/claude-sonnet-4-5/);
    expect(human.stdout).toMatch(/anthropic\/claude-sonnet-4-5\s+(9|10)m\s+rate-limit \(429\)/);
    expect(human.stdout).toContain('Today  $0.0061 · 1 calls');

    const json = await runOpenkoi(['status', '--json'], run);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.providers.find((provider: { id: string }) => provider.id === 'openai')).toMatchObject({ found: true, source: 'env OPENAI_API_KEY' });
    expect(report.cooling).toEqual([expect.objectContaining({ candidate: 'anthropic/claude-sonnet-4-5', errorKind: 'rate-limit' })]);
    expect(report.today.costUsd).toBeCloseTo(0.0061, 10);

    for (const output of [human.stdout, human.stderr, json.stdout, json.stderr]) {
      expect(output).not.toContain(OPENAI_KEY);
      expect(output).not.toContain(ANTHROPIC_KEY);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('finds keys in every discovery source, and reports a Claude subscription as found but not usable', async () => {
    const { home, openkoiHome, environment } = sharedHome();
    mkdirSync(join(openkoiHome, 'credentials'), { recursive: true });
    writeFileSync(join(openkoiHome, 'credentials', 'groq.key'), 'gsk_saved-groq-key-0123456789\n', { mode: 0o600 });
    mkdirSync(join(home, '.claude'), { recursive: true });
    writeFileSync(join(home, '.claude', '.credentials.json'), JSON.stringify({ claudeAiOauth: { accessToken: 'sk-ant-oat01-subscription-token-0123', expiresAt: Date.now() + 3_600_000 } }));
    const result = await runOpenkoi(['status'], { ...environment, OPENAI_API_KEY: OPENAI_KEY });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/groq\s+yes\s+saved key ~\/\.openkoi\/credentials\/groq\.key\s+gsk_…6789/);
    expect(result.stdout).toMatch(/anthropic\s+no\s+claude cli ~\/\.claude\/\.credentials\.json \(not usable, see below\)/);
    expect(result.stdout).toMatch(/anthropic: Claude subscription .* not usable: Anthropic allows it only in Claude Code/);
    expect(result.stdout).not.toContain('subscription-token');
    expect(result.stdout).not.toContain('saved-groq-key');
  });

  it('what the vendor last reported about its limits is a row of its own, from the run that saw it', async () => {
    const { environment } = sharedHome();
    const run = { ...fakeVendorEnvironment(fake), ...environment, OPENAI_API_KEY: OPENAI_KEY };
    // OpenAI's documented rate-limit headers: limits, what is left, and resets as durations (the
    // request counter's 12ms has passed by the time status runs: it says so).
    fake.script('openai.chat', {
      text: 'Hello.',
      headers: {
        'x-ratelimit-limit-requests': '5000',
        'x-ratelimit-remaining-requests': '4999',
        'x-ratelimit-reset-requests': '12ms',
        'x-ratelimit-limit-tokens': '800000',
        'x-ratelimit-remaining-tokens': '799100',
        'x-ratelimit-reset-tokens': '30m0s',
      },
    });
    const task = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'say hi'], run);
    expect(task.code, task.stderr).toBe(0);

    const human = await runOpenkoi(['status'], run);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/Limits \(as the vendors last reported them\)\n\s+openai: requests 4999\/5000 left, reset \d+s ago · tokens 799100\/800000 left, resets in (29|30)m \(seen \d+s ago\)/);
    // The role row still says what was asked for, not the limits.
    expect(human.stdout).toMatch(/executor\s+openai\/gpt-5\.2/);

    const json = await runOpenkoi(['status', '--json'], run);
    const report = JSON.parse(json.stdout);
    expect(report.limits).toEqual([
      expect.objectContaining({ provider: 'openai', requests: expect.objectContaining({ limit: 5000, remaining: 4999 }), tokens: expect.objectContaining({ limit: 800000, remaining: 799100 }) }),
    ]);
    for (const output of [task.stderr, human.stdout, json.stdout]) expect(output).not.toContain(OPENAI_KEY);
  });

  it('with no limits ever reported there is no Limits section, and --json says limits: []', async () => {
    const { environment } = sharedHome();
    const human = await runOpenkoi(['status'], { ...environment, OPENAI_API_KEY: OPENAI_KEY });
    expect(human.stdout).not.toContain('Limits');
    const json = await runOpenkoi(['status', '--json'], { ...environment, OPENAI_API_KEY: OPENAI_KEY });
    expect(JSON.parse(json.stdout).limits).toEqual([]);
  });

  it('without any provider it still answers, and says how to configure one', async () => {
    const { environment } = sharedHome();
    const result = await runOpenkoi(['status'], environment);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No model provider is configured');
    expect(result.stdout).toContain('Today  $0.0000 · 0 calls');
  });
});

// End to end: real tasks through the fakes, then `status`. These pass once the engine passes the
// UsageRecorder to the gateway as its onAttempt (the lead wires it).
describe('tasks run against the fakes leave usage that status --costs adds up', () => {
  const keys = { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY };

  it('every call of a task is recorded and priced; an unknown model shows as unknown', async () => {
    const { environment } = sharedHome();
    const run = { ...fakeVendorEnvironment(fake), ...environment, ...keys };
    // Every reply reports the same usage, so the sum is calls × the cost of one call, whatever
    // number of calls (plan, execute, evaluate) the engine makes.
    fake.defaultReply = { text: 'x', usage: { input: 1000, output: 500, cacheRead: 200 } };

    const known = await runOpenkoi(['-m', 'openai/gpt-4.1', '--no-memory', 'say x'], run);
    expectTaskRan(known);
    const knownCalls = fake.requestsTo('openai.chat').length;
    const unknown = await runOpenkoi(['-m', 'openai/mystery-model', '--no-memory', 'say x'], run);
    expectTaskRan(unknown);
    const unknownCalls = fake.requestsTo('openai.chat').length - knownCalls;

    const report = await costsJson(run);
    expect(report.totals.calls).toBe(knownCalls + unknownCalls);
    // gpt-4.1: 1000×2 + 500×8 + 200×0.5 = 6100 per million per call
    expect(report.totals.costUsd).toBeCloseTo(knownCalls * 0.0061, 10);
    expect(report.totals.unpricedCalls).toBe(unknownCalls);
    expect(report.byModel.find((line) => line.model === 'openai/mystery-model')).toMatchObject({ costUsd: null });
    expect(report.totals.inputTokens).toBe(1000 * (knownCalls + unknownCalls));
    expect(report.totals.cacheReadTokens).toBe(200 * (knownCalls + unknownCalls));
  });

  it('a fallback loses no usage row: the refused attempts bill nothing, every reply is recorded', async () => {
    const { openkoiHome, environment } = sharedHome();
    writeFileSync(
      join(openkoiHome, 'config.toml'),
      '[models.fallback]\nplanner = ["openai/gpt-4.1"]\nexecutor = ["openai/gpt-4.1"]\nevaluator = ["openai/gpt-4.1"]\n',
    );
    const run = { ...fakeVendorEnvironment(fake), ...environment, ...keys };
    // More overloaded replies than the retry budget allows, so the roles fall back to OpenAI.
    const faults = 6;
    fake.script('anthropic.messages', ...Array.from({ length: faults }, () => ({ fault: { status: 529, code: 'overloaded_error', message: 'Overloaded' } })));
    fake.defaultReply = { text: 'x', usage: { input: 1000, output: 500, cacheRead: 200 } };

    const result = await runOpenkoi(['-m', 'anthropic/claude-sonnet-4-6', '--no-memory', 'say x'], run);
    expectTaskRan(result);
    const openaiCalls = fake.requestsTo('openai.chat').length;
    const anthropicReplies = Math.max(0, fake.requestsTo('anthropic.messages').length - faults);
    expect(openaiCalls).toBeGreaterThan(0);
    const report = await costsJson(run);
    expect(report.totals.calls).toBe(openaiCalls + anthropicReplies);
    expect(report.byModel.find((line) => line.model === 'openai/gpt-4.1')?.calls).toBe(openaiCalls);
  });
});

describe('a task stopped early keeps the usage of the calls it made', () => {
  it('a task stopped by its token budget (exit 3) has one priced row per call', async () => {
    const { environment } = sharedHome();
    const run = { ...fakeVendorEnvironment(fake), ...environment, OPENAI_API_KEY: OPENAI_KEY };
    fake.defaultReply = { text: 'x', usage: { input: 1000, output: 500 } };
    const result = await runOpenkoi(['-m', 'openai/gpt-4.1', '--max-tokens', '2000', '--no-memory', 'say x'], run);
    expect(result.code, result.stderr).toBe(3);
    const calls = fake.requestsTo('openai.chat').length;
    expect(calls).toBe(2);
    const report = await costsJson(run);
    expect(report.totals.calls).toBe(calls);
    // gpt-4.1: 1000×2 + 500×8 = 6000 per million per call
    expect(report.totals.costUsd).toBeCloseTo(calls * 0.006, 10);
  });
});

/**
 * The task ran all its iterations: every reply is "x", which the judge step cannot parse, so no
 * iteration is scored and the loop ends below the threshold (exit 4) with "x" as its answer.
 */
function expectTaskRan(result: { code: number | null; stderr: string }): void {
  expect(result.code, result.stderr).toBe(4);
}
