import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelRef } from '../../src/model/model-ref.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import type { GatewayStreamEvent } from '../../src/routing/model-gateway.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { startFakeVendors } from '../fakes/start-fake-vendors.js';
import { ASK, chains, fakePool, failureOf, FakeClock, gatewayFor, storeOf, T0, TemporaryDatabase, textOf } from './routing-harness.js';

const GPT: ModelRef = { provider: 'openai', model: 'gpt-5.2' };

let fake: FakeServer;
let database: TemporaryDatabase;

beforeAll(async () => {
  fake = await startFakeVendors();
  await import('openai');
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

/**
 * A clock whose waits last until the caller aborts, and which aborts as soon as routing starts
 * waiting: the call can only end if the wait itself gives way to the abort.
 */
class AbortingClock extends FakeClock {
  constructor(private readonly controller: AbortController) {
    super();
  }
  override sleep = (milliseconds: number, signal?: AbortSignal): Promise<void> => {
    this.waits.push(milliseconds);
    return new Promise<void>((resolve) => {
      signal?.addEventListener('abort', () => resolve(), { once: true });
      this.controller.abort();
    });
  };
}

describe('the caller aborting during a retry wait ends the call there', () => {
  it('chat: no further request and no further attempt, and the error says it stopped while waiting', async () => {
    fake.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '9' } } }, { text: 'never asked for' });
    const controller = new AbortController();
    const { gateway, attempts } = gatewayFor({ chains: chains([GPT]), pool: fakePool(fake), cooldowns: storeOf(database), clock: new AbortingClock(controller) });

    const error = await failureOf(gateway.chat('executor', ASK, { signal: controller.signal }));

    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('aborted');
    expect(error.message).toMatch(/aborted while waiting to retry/);
    expect(fake.requestsTo('openai.chat')).toHaveLength(1);
    expect(attempts.map((attempt) => [attempt.outcome, attempt.errorKind])).toEqual([['error', 'rate-limit']]);
  });

  it('stream: a retry after output is not sent once the caller aborted during its wait', async () => {
    fake.script('openai.chat', { chunks: ['Partial ', 'text.'], cutAfterEvents: 2 }, { chunks: ['never asked for'] });
    const controller = new AbortController();
    const { gateway, attempts } = gatewayFor({ chains: chains([GPT]), pool: fakePool(fake), cooldowns: storeOf(database), clock: new AbortingClock(controller) });

    const events: GatewayStreamEvent[] = [];
    const error = await failureOf(
      (async () => {
        for await (const event of gateway.chatStream('executor', ASK, { signal: controller.signal })) events.push(event);
      })(),
    );

    expect((error as ProviderError).kind).toBe('aborted');
    expect(error.message).toMatch(/aborted while waiting to retry/);
    expect(textOf(events)).toBe('Partial ');
    expect(fake.requestsTo('openai.chat')).toHaveLength(1);
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(['error']);
  });
});

describe('a consumer that stops reading a stream closes the vendor stream', () => {
  it('stopping at the served-by event, before any text is read, closes the connection', async () => {
    // The fake keeps the connection open after the first text until the client closes it.
    fake.script('openai.chat', { chunks: ['one ', 'two'], stallAfterEvents: 2 });
    const { gateway } = gatewayFor({ chains: chains([GPT]), pool: fakePool(fake), cooldowns: storeOf(database), policy: { idleTimeoutMs: 120_000 } });

    for await (const event of gateway.chatStream('executor', ASK)) {
      if (event.type === 'served-by') break;
    }

    expect(fake.requestsTo('openai.chat')).toHaveLength(1);
    // Closing is asynchronous on the server's side; without the close this waits for the 120 s idle timeout.
    await vi.waitFor(() => expect(fake.openResponseCount).toBe(0), { timeout: 10_000, interval: 20 });
  });
});

describe('one retry budget covers waiting for a cooling chain and retrying a candidate', () => {
  it('a wait for the cooling chain and a same-model retry each spend one of retry_budget', async () => {
    storeOf(database).coolDown(GPT, { untilMs: T0 + 2_000, errorKind: 'rate-limit', status: 429, now: T0 });
    fake.script('openai.chat', { fault: { status: 500 } }, { fault: { status: 500 } }, { text: 'never asked for' });
    const { gateway, clock } = gatewayFor({ chains: chains([GPT]), pool: fakePool(fake), cooldowns: storeOf(database), policy: { retryBudget: 2, maxAttempts: 10 } });

    const error = await failureOf(gateway.chat('executor', ASK));

    // 2 s for the cooldown (retry 1), then the second backoff step, 2 s jittered to 1.5 s (retry 2); then the budget is spent.
    expect(clock.waits).toEqual([2_000, 1_500]);
    expect(fake.requestsTo('openai.chat')).toHaveLength(2);
    expect(error.message).toMatch(/every candidate failed and is cooling down, the first for another 60 s \(more than max_all_cooling_wait_s\)/);
  });
});
