import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.js';
import { ConfigError } from '../../src/config/config-error.js';
import { openDatabase } from '../../src/memory/database.js';
import type { ModelRef } from '../../src/model/model-ref.js';
import { buildRoleChains } from '../../src/routing/build-role-chains.js';
import { MemoryCooldownStore, SqliteCooldownStore, type CooldownStore } from '../../src/routing/cooldown-store.js';
import { describeRouting } from '../../src/routing/describe-routing.js';
import { knownContextWindow } from '../../src/routing/known-context-windows.js';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, retryPolicyFromConfig } from '../../src/routing/retry-policy.js';
import { T0, TemporaryDatabase } from './routing-harness.js';

const GPT: ModelRef = { provider: 'openai', model: 'gpt-5.2' };
const CLAUDE: ModelRef = { provider: 'anthropic', model: 'claude-sonnet-4-6' };
const KNOWN = ['openai', 'anthropic', 'ollama'];

let database: TemporaryDatabase;
beforeEach(() => {
  database = new TemporaryDatabase();
});
afterEach(() => {
  database.close();
});

describe.each([
  ['SQLite', (): CooldownStore => new SqliteCooldownStore(database.database)],
  ['memory', (): CooldownStore => new MemoryCooldownStore()],
])('a cooldown only ever grows (%s store)', (_name, makeStore) => {
  it('keeps the later deadline and the newest error', () => {
    const store = makeStore();
    store.coolDown(GPT, { untilMs: T0 + 30_000, errorKind: 'rate-limit', status: 429, message: 'first', now: T0 });
    const after = store.coolDown(GPT, { untilMs: T0 + 5_000, errorKind: 'server', status: 500, message: 'second', now: T0 + 1_000 });

    expect(after).toEqual({ candidate: GPT, endpoint: '', untilMs: T0 + 30_000, errorKind: 'server', status: 500, message: 'second', updatedAt: T0 + 1_000 });
    expect(store.coolDown(GPT, { untilMs: T0 + 90_000, errorKind: 'rate-limit', now: T0 + 2_000 }).untilMs).toBe(T0 + 90_000);
  });

  it('lists only cooldowns still running, earliest first', () => {
    const store = makeStore();
    store.coolDown(GPT, { untilMs: T0 + 9_000, errorKind: 'rate-limit', now: T0 });
    store.coolDown(CLAUDE, { untilMs: T0 + 4_000, errorKind: 'overloaded', now: T0 });

    expect(store.active(T0).map((row) => row.candidate)).toEqual([CLAUDE, GPT]);
    expect(store.active(T0 + 5_000).map((row) => row.candidate)).toEqual([GPT]);
  });
});

describe('cooldowns are shared through openkoi.db', () => {
  it('a second connection (another process) reads what the first wrote, and cannot shorten it', () => {
    const first = new SqliteCooldownStore(database.database);
    first.coolDown(GPT, { untilMs: T0 + 60_000, errorKind: 'rate-limit', status: 429, now: T0 });
    const otherProcess = openDatabase(database.path);
    const second = new SqliteCooldownStore(otherProcess);

    expect(second.get(GPT)?.untilMs).toBe(T0 + 60_000);
    second.coolDown(GPT, { untilMs: T0 + 10_000, errorKind: 'rate-limit', status: 429, now: T0 + 1 });
    otherProcess.close();
    expect(first.get(GPT)?.untilMs).toBe(T0 + 60_000);
  });
});

describe('each role gets a chain with its primary model first', () => {
  const primaries = { executor: GPT, evaluator: CLAUDE, planner: GPT };

  it('puts the primary first, keeps the listed order and drops repeats', () => {
    const config = configSchema.parse({
      models: { fallback: { executor: ['anthropic/claude-sonnet-4-6', 'openai/gpt-5.2', 'ollama/llama3.3', 'ollama/llama3.3'] } },
    });

    const chains = buildRoleChains(config, primaries, KNOWN);

    expect(chains.executor).toEqual([GPT, CLAUDE, { provider: 'ollama', model: 'llama3.3' }]);
    expect(chains.evaluator).toEqual([CLAUDE]);
    expect(chains.embedder).toEqual([]);
  });

  it('gives a role without a primary its fallback list alone', () => {
    const config = configSchema.parse({ models: { fallback: { embedder: ['openai/text-embedding-3-small'] } } });

    expect(buildRoleChains(config, primaries, KNOWN).embedder).toEqual([{ provider: 'openai', model: 'text-embedding-3-small' }]);
  });

  it('names the key of a fallback entry with an unknown provider', () => {
    const config = configSchema.parse({ models: { fallback: { planner: ['openai/gpt-5.2', 'opnai/gpt-4.1'] } } });

    const error = (() => {
      try {
        buildRoleChains(config, primaries, KNOWN);
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.key).toBe('models.fallback.planner[1]');
    expect(error.message).toMatch(/Unknown provider "opnai".*Did you mean "openai\/gpt-4\.1"/);
  });
});

describe('[routing] in config.toml sets the retry policy', () => {
  it('reads seconds into milliseconds over the defaults', () => {
    const config = configSchema.parse({ routing: { max_attempts: 7, retry_budget: 1, max_retry_wait_s: 5, default_cooldown_s: 90, max_all_cooling_wait_s: 2.5, idle_timeout_s: 45 } });

    expect(retryPolicyFromConfig(config.routing)).toEqual({
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: 7,
      retryBudget: 1,
      maxRetryWaitMs: 5_000,
      defaultCooldownMs: 90_000,
      maxAllCoolingWaitMs: 2_500,
      idleTimeoutMs: 45_000,
    });
    expect(retryPolicyFromConfig(undefined)).toEqual(DEFAULT_RETRY_POLICY);
    expect(DEFAULT_RETRY_POLICY.defaultCooldownMs).toBe(60_000);
  });

  it('max_cooldown_s caps cooldowns, 900 s unless set', () => {
    expect(retryPolicyFromConfig(configSchema.parse({ routing: { max_cooldown_s: 120 } }).routing).maxCooldownMs).toBe(120_000);
    expect(DEFAULT_RETRY_POLICY.maxCooldownMs).toBe(900_000);
  });

  it('rejects an unknown key (a typo would otherwise be a setting silently not applied)', () => {
    expect(configSchema.safeParse({ routing: { max_retries: 3 } }).success).toBe(false);
    expect(configSchema.safeParse({ routing: { max_attempts: 0 } }).success).toBe(false);
  });

  it('backs off exponentially with equal jitter and a ceiling', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, backoffBaseMs: 1_000, maxBackoffMs: 4_000 };

    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(policy, retry, () => 0))).toEqual([500, 1_000, 2_000, 2_000]);
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(policy, retry, () => 0.999999))).toEqual([1_000, 2_000, 4_000, 4_000]);
  });
});

describe('openkoi status can show each chain and what is cooling', () => {
  it('lists every role\'s chain, and the cooling candidates with until when', () => {
    const store = new SqliteCooldownStore(database.database);
    store.coolDown(CLAUDE, { untilMs: T0 + 45_000, errorKind: 'overloaded', status: 529, message: 'Overloaded', now: T0 });
    store.coolDown({ provider: 'openai', model: 'gpt-4o' }, { untilMs: T0 + 10_000, errorKind: 'rate-limit', status: 429, now: T0 });
    store.coolDown(GPT, { untilMs: T0 - 1, errorKind: 'server', now: T0 - 60_000 });

    const description = describeRouting({ executor: [GPT, CLAUDE], evaluator: [CLAUDE], planner: [GPT], embedder: [] }, store, T0);

    expect(description.roles.map((role) => [role.role, role.chain, role.cooling.map((entry) => entry.candidate)])).toEqual([
      ['executor', ['openai/gpt-5.2', 'anthropic/claude-sonnet-4-6'], ['anthropic/claude-sonnet-4-6']],
      ['evaluator', ['anthropic/claude-sonnet-4-6'], ['anthropic/claude-sonnet-4-6']],
      ['planner', ['openai/gpt-5.2'], []],
      ['embedder', [], []],
    ]);
    expect(description.cooling).toEqual([
      { candidate: 'openai/gpt-4o', untilMs: T0 + 10_000, until: '2026-01-01T00:00:10.000Z', remainingMs: 10_000, errorKind: 'rate-limit', status: 429 },
      { candidate: 'anthropic/claude-sonnet-4-6', untilMs: T0 + 45_000, until: '2026-01-01T00:00:45.000Z', remainingMs: 45_000, errorKind: 'overloaded', status: 529, message: 'Overloaded' },
    ]);
  });
});

describe('context windows are known for common models only', () => {
  it('matches the longest prefix and knows nothing of unknown models', () => {
    expect(knownContextWindow({ provider: 'openai', model: 'gpt-4.1-mini' })).toBe(1_047_576);
    expect(knownContextWindow({ provider: 'openai', model: 'gpt-4o-mini' })).toBe(128_000);
    expect(knownContextWindow(CLAUDE)).toBe(200_000);
    expect(knownContextWindow({ provider: 'mylab', model: 'qwen2.5-coder-32b' })).toBeUndefined();
  });
});
