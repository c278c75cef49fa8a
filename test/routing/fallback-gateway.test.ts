import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ModelRef } from '../../src/model/model-ref.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import { openDatabase } from '../../src/memory/database.js';
import { AllCandidatesExhausted } from '../../src/routing/all-candidates-exhausted.js';
import { SqliteCooldownStore, type CooldownStore } from '../../src/routing/cooldown-store.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { startFakeVendors } from '../fakes/start-fake-vendors.js';
import {
  ASK,
  chains,
  collectStream,
  fakePool,
  failureOf,
  FakeClock,
  gatewayFor,
  storeOf,
  T0,
  TemporaryDatabase,
} from './routing-harness.js';

const GPT: ModelRef = { provider: 'openai', model: 'gpt-5.2' };
const MINI: ModelRef = { provider: 'openai', model: 'gpt-4.1-mini' };
const CLAUDE: ModelRef = { provider: 'anthropic', model: 'claude-sonnet-4-6' };

let fake: FakeServer;
let database: TemporaryDatabase;

beforeAll(async () => {
  fake = await startFakeVendors();
  await Promise.all([import('openai'), import('@anthropic-ai/sdk')]);
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  fake.reset();
  database = new TemporaryDatabase();
});

afterEach(() => {
  database.close();
});

const requestsTo = (route: string, model: string): number => fake.requestsTo(route).filter((request) => request.body?.model === model).length;

describe('LiteLLM regressions stay fixed', () => {
  it('#20722: the wait comes from the current error\'s Retry-After, not the first one\'s', async () => {
    fake.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '1' } } }, { fault: { status: 429, headers: { 'retry-after': '4' } } }, { text: 'third time' });
    const { gateway, clock } = gatewayFor({ chains: chains([GPT]), pool: fakePool(fake), cooldowns: storeOf(database) });

    const response = await gateway.chat('executor', ASK);

    expect(response.text).toBe('third time');
    expect(clock.waits).toEqual([1_000, 4_000]);
    expect(requestsTo('openai.chat', GPT.model)).toBe(3);
  });

  it('#40130: a second 429 with a shorter Retry-After never shortens a cooldown', async () => {
    fake.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '30' } } }, { text: 'from the mini' });
    const first = gatewayFor({ chains: chains([GPT, MINI]), pool: fakePool(fake), cooldowns: storeOf(database) });
    await first.gateway.chat('executor', ASK);
    expect(database.cooldownRows()).toEqual([{ candidate: 'openai/gpt-5.2', forMs: 30_000, errorKind: 'rate-limit', status: 429 }]);

    // Another process, a second later, had read the table before the first one wrote (so it
    // does not skip the model): it sends, gets a 429 with a 2 s wait, and writes the shorter deadline.
    fake.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '2' } } });
    const shared = storeOf(database);
    let wrote = false;
    const readBeforeTheWrite: CooldownStore = {
      get: (candidate, endpoint) => (wrote ? shared.get(candidate, endpoint) : undefined),
      active: (now) => (wrote ? shared.active(now) : []),
      clear: (candidate) => shared.clear(candidate),
      coolDown: (candidate, request) => {
        wrote = true;
        return shared.coolDown(candidate, request);
      },
    };
    const second = gatewayFor({ chains: chains([GPT]), pool: fakePool(fake), cooldowns: readBeforeTheWrite, clock: new FakeClock(T0 + 1_000), policy: { retryBudget: 0 } });
    await gateway429(second.gateway);

    // The merge was exercised: the second process really met the 429 and wrote its 3 s deadline.
    expect(requestsTo('openai.chat', GPT.model)).toBe(2);
    expect(database.cooldownRows()).toEqual([{ candidate: 'openai/gpt-5.2', forMs: 30_000, errorKind: 'rate-limit', status: 429 }]);
  });

  it('#19985: retries do not multiply across fallbacks; one budget and one attempt limit cover the chain', async () => {
    const failing = { fault: { status: 500 } };
    fake.script('openai.chat', failing, failing, failing, failing, failing, failing, failing, failing, failing);
    fake.script('anthropic.messages', failing, failing, failing, failing);
    const { gateway, clock } = gatewayFor({ chains: chains([GPT, CLAUDE, MINI]), pool: fakePool(fake), cooldowns: storeOf(database), policy: { retryBudget: 2, maxAttempts: 10 } });

    const error = await failureOf(gateway.chat('executor', ASK));

    expect(error).toBeInstanceOf(AllCandidatesExhausted);
    // Each candidate once; only the last free one is retried, twice, from the one chain-wide budget.
    expect([requestsTo('openai.chat', GPT.model), requestsTo('anthropic.messages', CLAUDE.model), requestsTo('openai.chat', MINI.model)]).toEqual([1, 1, 3]);
    expect(clock.waits).toEqual([750, 1_500]);
  });

  it('#19985: max_attempts bounds the requests even with budget to spare', async () => {
    const failing = { fault: { status: 503, message: 'unavailable' } };
    fake.script('openai.chat', failing, failing, failing, failing, failing);
    const { gateway } = gatewayFor({ chains: chains([GPT]), pool: fakePool(fake), cooldowns: storeOf(database), policy: { retryBudget: 10, maxAttempts: 3 } });

    const error = await failureOf(gateway.chat('executor', ASK));

    expect(error).toBeInstanceOf(AllCandidatesExhausted);
    expect(requestsTo('openai.chat', GPT.model)).toBe(3);
  });

  it('#40404 / #6957: a stream that fails after its first token reaches the fallback, the partial text kept and the switch announced', async () => {
    fake.script('openai.chat', { chunks: ['The answer ', 'is'], cutAfterEvents: 2 });
    fake.script('anthropic.messages', { chunks: ['The answer is 42.'] });
    const { gateway } = gatewayFor({ chains: chains([GPT, CLAUDE]), pool: fakePool(fake), cooldowns: storeOf(database) });

    const outcome = await collectStream(gateway.chatStream('executor', ASK));

    expect(outcome.error).toBeUndefined();
    const visible = outcome.events.filter((event) => ['text-delta', 'model-switch', 'served-by'].includes(event.type));
    expect(visible).toEqual([
      { type: 'served-by', candidate: GPT },
      { type: 'text-delta', text: 'The answer ' },
      { type: 'model-switch', from: GPT, to: CLAUDE, reason: expect.stringMatching(/^openai\/gpt-5\.2: network error/), afterOutput: true },
      { type: 'served-by', candidate: CLAUDE },
      { type: 'text-delta', text: 'The answer is 42.' },
    ]);
    expect(requestsTo('anthropic.messages', CLAUDE.model)).toBe(1);
  });
});

async function gateway429(gateway: { chat: (role: 'executor', request: typeof ASK) => Promise<unknown> }): Promise<void> {
  const error = await failureOf(gateway.chat('executor', ASK));
  expect(error).toBeInstanceOf(AllCandidatesExhausted);
}

describe('a cooling candidate is skipped without being sent anything', () => {
  it('a second gateway on the same database goes straight to the fallback and reports the skip', async () => {
    fake.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '20' } } });
    fake.script('anthropic.messages', { text: 'first' }, { text: 'second' });
    const first = gatewayFor({ chains: chains([GPT, CLAUDE]), pool: fakePool(fake), cooldowns: storeOf(database) });
    await first.gateway.chat('executor', ASK);

    // A separate connection to the file, as another openkoi process would open it.
    const otherProcess = openDatabase(database.path);
    const second = gatewayFor({ chains: chains([GPT, CLAUDE]), pool: fakePool(fake), cooldowns: new SqliteCooldownStore(otherProcess), clock: new FakeClock(T0 + 5_000) });
    const response = await second.gateway.chat('executor', ASK);
    otherProcess.close();

    expect(response.text).toBe('second');
    expect(requestsTo('openai.chat', GPT.model)).toBe(1);
    expect(response.attempts.map((attempt) => [attempt.candidate.provider, attempt.outcome, attempt.errorKind])).toEqual([
      ['openai', 'skipped', 'rate-limit'],
      ['anthropic', 'ok', undefined],
    ]);
    expect(response.attempts[0]!.message).toMatch(/cooling down until 2026-01-01T00:00:20\.000Z/);
  });
});

describe('when every candidate is cooling', () => {
  it('waits for the earliest deadline when it is within max_all_cooling_wait_s, then sends', async () => {
    storeOf(database).coolDown(GPT, { untilMs: T0 + 8_000, errorKind: 'rate-limit', status: 429, now: T0 });
    storeOf(database).coolDown(CLAUDE, { untilMs: T0 + 3_000, errorKind: 'overloaded', status: 529, now: T0 });
    fake.script('anthropic.messages', { text: 'after the wait' });
    const { gateway, clock } = gatewayFor({ chains: chains([GPT, CLAUDE]), pool: fakePool(fake), cooldowns: storeOf(database), policy: { maxAllCoolingWaitMs: 5_000 } });

    const response = await gateway.chat('executor', ASK);

    expect(response.text).toBe('after the wait');
    expect(clock.waits).toEqual([3_000]);
    expect(fake.requests).toHaveLength(1);
  });

  it('fails with AllCandidatesExhausted listing each candidate, its last error and its cooldown when the wait is too long', async () => {
    storeOf(database).coolDown(GPT, { untilMs: T0 + 90_000, errorKind: 'rate-limit', status: 429, message: 'OpenAI rate limit (HTTP 429)', now: T0 });
    const overloaded = { fault: { status: 529 } };
    fake.script('anthropic.messages', overloaded, overloaded, overloaded);
    const { gateway, clock } = gatewayFor({ chains: chains([GPT, CLAUDE]), pool: fakePool(fake), cooldowns: storeOf(database), policy: { maxAllCoolingWaitMs: 30_000 } });

    const error = (await failureOf(gateway.chat('executor', ASK))) as AllCandidatesExhausted;

    expect(error).toBeInstanceOf(AllCandidatesExhausted);
    // Claude, the only free candidate, is retried with backoff until the budget is spent; then it cools too.
    expect(clock.waits).toEqual([750, 1_500]);
    expect(fake.requestsTo('anthropic.messages')).toHaveLength(3);
    expect(fake.requestsTo('openai.chat')).toHaveLength(0);
    expect(error.candidates).toEqual([
      { candidate: GPT, lastError: { kind: 'rate-limit', status: 429, message: 'OpenAI rate limit (HTTP 429)' }, cooldownUntil: T0 + 90_000 },
      { candidate: CLAUDE, lastError: { kind: 'overloaded', status: 529, message: expect.stringMatching(/Overloaded/) }, cooldownUntil: T0 + 2_250 + 60_000 },
    ]);
    expect(error.message).toMatch(/No model could serve the executor role: every candidate is cooling down, the first for another 60 s/);
    expect(error.message).toContain('openai/gpt-5.2: rate limit (HTTP 429): OpenAI rate limit (HTTP 429); cooling until 2026-01-01T00:01:30.000Z (88 s from now)');
    expect(error.message).toMatch(/anthropic\/claude-sonnet-4-6: overloaded \(HTTP 529\): .*; cooling until 2026-01-01T00:01:02\.250Z \(60 s from now\)/);
  });
});

describe('a candidate whose provider cannot be created is passed over', () => {
  it('moves to the next candidate without a request when a key is missing, and reports why', async () => {
    fake.script('openai.chat', { text: 'openai answers' });
    const { gateway } = gatewayFor({ chains: chains([CLAUDE, GPT]), pool: fakePool(fake, { ANTHROPIC_API_KEY: '' }), cooldowns: storeOf(database) });

    const response = await gateway.chat('executor', ASK);

    expect(response.servedBy).toEqual(GPT);
    expect(response.attempts[0]).toMatchObject({ candidate: CLAUDE, outcome: 'error', errorKind: 'auth', message: expect.stringMatching(/ANTHROPIC_API_KEY/) });
    expect(database.cooldownRows()).toEqual([]);
  });

  it('fails with the setup error itself when no candidate could be created', async () => {
    const { gateway } = gatewayFor({ chains: chains([CLAUDE]), pool: fakePool(fake, { ANTHROPIC_API_KEY: '' }), cooldowns: storeOf(database) });

    const error = await failureOf(gateway.chat('executor', ASK));

    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toMatch(/No API key for Anthropic/);
  });
});

describe('the caller aborting stops at once', () => {
  it('is neither retried nor cooled down, and no fallback is asked', async () => {
    fake.script('openai.chat', { chunks: ['a', 'b', 'c'], eventIntervalMs: 50 });
    const controller = new AbortController();
    const { gateway } = gatewayFor({ chains: chains([GPT, CLAUDE]), pool: fakePool(fake), cooldowns: storeOf(database) });

    const events = [];
    let error: unknown;
    try {
      for await (const event of gateway.chatStream('executor', ASK, { signal: controller.signal })) {
        events.push(event);
        if (event.type === 'text-delta') controller.abort();
      }
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('aborted');
    expect(fake.requestsTo('anthropic.messages')).toHaveLength(0);
    expect(database.cooldownRows()).toEqual([]);
  });
});

describe('embeddings go through the embedder chain', () => {
  it('falls back to the next embedder after a 429 and cools the first', async () => {
    const EMBED: ModelRef = { provider: 'openai', model: 'text-embedding-3-small' };
    const EMBED_LARGE: ModelRef = { provider: 'openai', model: 'text-embedding-3-large' };
    fake.script('openai.embeddings', { fault: { status: 429, headers: { 'retry-after': '3' } } });
    const { gateway, attempts } = gatewayFor({ chains: chains([], { embedder: [EMBED, EMBED_LARGE] }), pool: fakePool(fake), cooldowns: storeOf(database) });

    const vectors = await gateway.embed(['hello', 'world']);

    expect(vectors).toHaveLength(2);
    expect(fake.requestsTo('openai.embeddings').map((request) => request.body.model)).toEqual([EMBED.model, EMBED_LARGE.model]);
    expect(attempts.map((attempt) => [attempt.role, attempt.candidate.model, attempt.outcome])).toEqual([
      ['embedder', EMBED.model, 'error'],
      ['embedder', EMBED_LARGE.model, 'ok'],
    ]);
    expect(database.cooldownRows()).toEqual([{ candidate: 'openai/text-embedding-3-small', forMs: 3_000, errorKind: 'rate-limit', status: 429 }]);
  });

  it('stops with a clear message when the embedder\'s provider has no embeddings API', async () => {
    const { gateway } = gatewayFor({ chains: chains([], { embedder: [CLAUDE] }), pool: fakePool(fake), cooldowns: storeOf(database) });

    const error = await failureOf(gateway.embed(['hello']));

    expect(error.message).toMatch(/anthropic\/claude-sonnet-4-6 \(embedder\) failed: .*cannot embed: Anthropic has no embeddings API/);
  });
});

describe('max_cooldown_s caps a cooldown, whatever the vendor asked for', () => {
  it('a 429 with Retry-After of a day cools the model for 900 s, and the error says the vendor asked for longer', async () => {
    fake.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '86400' } } });
    const { gateway } = gatewayFor({ chains: chains([GPT]), pool: fakePool(fake), cooldowns: storeOf(database) });

    const error = await failureOf(gateway.chat('executor', ASK));

    expect(error).toBeInstanceOf(AllCandidatesExhausted);
    expect(database.cooldownRows()).toEqual([{ candidate: 'openai/gpt-5.2', forMs: 900_000, errorKind: 'rate-limit', status: 429 }]);
    expect(error.message).toContain('(900 s from now: the vendor asked for 86400 s; capped at max_cooldown_s = 900 s)');
  });
});

describe('a Retry-After beyond max_retry_wait_s is not waited out', () => {
  it('cools the candidate down for the whole Retry-After and gives up when nothing else is free', async () => {
    fake.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '600' } } });
    const { gateway, clock } = gatewayFor({ chains: chains([GPT]), pool: fakePool(fake), cooldowns: storeOf(database), policy: { maxRetryWaitMs: 30_000 } });

    const error = await failureOf(gateway.chat('executor', ASK));

    expect(error).toBeInstanceOf(AllCandidatesExhausted);
    expect(clock.waits).toEqual([]);
    expect(database.cooldownRows()).toEqual([{ candidate: 'openai/gpt-5.2', forMs: 600_000, errorKind: 'rate-limit', status: 429 }]);
  });
});

