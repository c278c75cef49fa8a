import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ModelRef } from '../../src/model/model-ref.js';
import type { ProviderErrorKind } from '../../src/providers/provider-error.js';
import type { GatewayStreamEvent } from '../../src/routing/model-gateway.js';
import type { FakeServer } from '../fakes/fake-server.js';
import type { ScriptedFault, ScriptedReply } from '../fakes/scripted-reply.js';
import { startFakeVendors } from '../fakes/start-fake-vendors.js';
import { ASK, chains, collectStream, fakePool, failureOf, gatewayFor, storeOf, TemporaryDatabase, type CooldownRowView } from './routing-harness.js';

/**
 * The fault matrix: every SDK adapter × every way a vendor fails, through the real SDKs against
 * the fake server. Each row says what routing must do with a fallback in the chain and without
 * one. A new adapter (google, bedrock, ollama) joins by adding an entry to ADAPTERS.
 */
interface AdapterUnderTest {
  name: string;
  provider: string;
  /** Two models of the same provider: the primary and its fallback. */
  primary: string;
  fallback: string;
  /** The fake's route family that answers chat requests. */
  route: string;
  /** How many requests the fake saw for one model (its wire may carry the model in the body or the path). */
  requestsFor(fake: FakeServer, model: string): number;
  /** Streamed events the fake sends before the first text delta (cut/malformed/stall positions). */
  eventsBeforeFirstText: number;
  contextLengthFault: ScriptedFault;
}

const byBodyModel = (route: string) => (fake: FakeServer, model: string) =>
  fake.requestsTo(route).filter((request) => request.body?.model === model).length;

const ADAPTERS: AdapterUnderTest[] = [
  {
    name: 'openai',
    provider: 'openai',
    primary: 'gpt-5.2',
    fallback: 'gpt-4.1-mini',
    route: 'openai.chat',
    requestsFor: byBodyModel('openai.chat'),
    // The role chunk (empty content) comes first.
    eventsBeforeFirstText: 1,
    contextLengthFault: { status: 400, code: 'context_length_exceeded', message: "This model's maximum context length is 128000 tokens." },
  },
  {
    name: 'anthropic',
    provider: 'anthropic',
    primary: 'claude-sonnet-4-6',
    fallback: 'claude-haiku-4-5',
    route: 'anthropic.messages',
    requestsFor: byBodyModel('anthropic.messages'),
    // message_start, ping, content_block_start.
    eventsBeforeFirstText: 3,
    contextLengthFault: { status: 400, message: 'prompt is too long: 250000 tokens > 200000 maximum' },
  },
];

type Mode = 'chat' | 'stream';

interface Expected {
  /** switch: the fallback serves; retry: the same model serves after a wait; stop: the call fails. */
  action: 'switch' | 'retry' | 'stop';
  requests: { primary: number; fallback: number };
  /** Waits routing slept, in ms; a pair is an inclusive range for a single wait. */
  waits: number[] | [[number, number]];
  /** The primary's cooldown row (deadline as ms after the start); undefined: no row at all. */
  cooldown?: { errorKind: ProviderErrorKind; status?: number; forMs: number | [number, number] };
  /** stop: the error message; otherwise the first attempt's message. */
  message: RegExp;
  /** Streams: whether text had reached the caller when the switch happened. */
  afterOutput?: boolean;
}

interface FaultRow {
  name: string;
  modes: Mode[];
  errorKind: ProviderErrorKind;
  status?: number;
  /** The primary's reply; built per test so dates are fresh. */
  reply(adapter: AdapterUnderTest): ScriptedReply;
  withFallback: Expected;
  alone: Expected;
}

const PRIMARY_CHUNKS = ['Primary ', 'partial', ' text.'];
const FALLBACK_REPLY: ScriptedReply = { chunks: ['Fallback ', 'answer.'] };
const DEFAULT_COOLDOWN_MS = 60_000;
/** Backoff of the first retry with jitter fixed at 0.5: 1000 ms step, half fixed, half random. */
const FIRST_BACKOFF_MS = 750;
const IDLE_TIMEOUT_MS = 400;

const ENDS_PERMANENTLY = (kind: string): Expected => ({
  action: 'stop',
  requests: { primary: 1, fallback: 0 },
  waits: [],
  message: new RegExp(`\\(executor\\) failed: .*${kind}[\\s\\S]*Stopped: a permanent error is not retried and does not fall back\\. To fix: `),
});

function transient(kind: string, cooldownMs: number | [number, number], options: { retryAfter?: boolean; afterOutput?: boolean; errorKind: ProviderErrorKind; status?: number }): Pick<FaultRow, 'withFallback' | 'alone'> {
  const cooldown = { errorKind: options.errorKind, ...(options.status !== undefined ? { status: options.status } : {}) };
  const waits: Expected['waits'] = options.retryAfter ? (typeof cooldownMs === 'number' ? [cooldownMs] : [cooldownMs]) : [FIRST_BACKOFF_MS];
  return {
    withFallback: {
      action: 'switch',
      requests: { primary: 1, fallback: 1 },
      // A free candidate is taken at once: no sleeping.
      waits: [],
      cooldown: { ...cooldown, forMs: cooldownMs },
      message: new RegExp(kind, 'i'),
      afterOutput: options.afterOutput ?? false,
    },
    alone: {
      action: 'retry',
      requests: { primary: 2, fallback: 0 },
      waits,
      // A Retry-After is published for other processes even while this one waits it out.
      ...(options.retryAfter ? { cooldown: { ...cooldown, forMs: cooldownMs } } : {}),
      message: new RegExp(kind, 'i'),
      afterOutput: options.afterOutput ?? false,
    },
  };
}

const FAULTS: FaultRow[] = [
  {
    name: '429 with Retry-After in seconds',
    modes: ['chat', 'stream'],
    errorKind: 'rate-limit',
    status: 429,
    reply: () => ({ fault: { status: 429, headers: { 'retry-after': '2' } } }),
    ...transient('rate limit', 2_000, { retryAfter: true, errorKind: 'rate-limit', status: 429 }),
  },
  {
    name: '429 with retry-after-ms',
    modes: ['chat', 'stream'],
    errorKind: 'rate-limit',
    status: 429,
    reply: () => ({ fault: { status: 429, headers: { 'retry-after-ms': '1500' } } }),
    ...transient('rate limit', 1_500, { retryAfter: true, errorKind: 'rate-limit', status: 429 }),
  },
  {
    name: '429 with Retry-After as an HTTP date',
    modes: ['chat', 'stream'],
    errorKind: 'rate-limit',
    status: 429,
    // Five seconds ahead, truncated to the second by the date format, less the time the test takes.
    reply: () => ({ fault: { status: 429, headers: { 'retry-after': new Date(Date.now() + 5_000).toUTCString() } } }),
    ...transient('rate limit', [3_000, 5_000], { retryAfter: true, errorKind: 'rate-limit', status: 429 }),
  },
  {
    name: '500',
    modes: ['chat', 'stream'],
    errorKind: 'server',
    status: 500,
    reply: () => ({ fault: { status: 500 } }),
    ...transient('server error', DEFAULT_COOLDOWN_MS, { errorKind: 'server', status: 500 }),
  },
  {
    name: '503',
    modes: ['chat', 'stream'],
    errorKind: 'server',
    status: 503,
    reply: () => ({ fault: { status: 503, message: 'Service unavailable.' } }),
    ...transient('server error', DEFAULT_COOLDOWN_MS, { errorKind: 'server', status: 503 }),
  },
  {
    name: '529 overloaded',
    modes: ['chat', 'stream'],
    errorKind: 'overloaded',
    status: 529,
    reply: () => ({ fault: { status: 529, message: 'Overloaded' } }),
    ...transient('overloaded', DEFAULT_COOLDOWN_MS, { errorKind: 'overloaded', status: 529 }),
  },
  {
    name: '401',
    modes: ['chat', 'stream'],
    errorKind: 'auth',
    status: 401,
    reply: () => ({ fault: { status: 401 } }),
    withFallback: ENDS_PERMANENTLY('authentication failed'),
    alone: ENDS_PERMANENTLY('authentication failed'),
  },
  {
    name: '403',
    modes: ['chat', 'stream'],
    errorKind: 'permission',
    status: 403,
    reply: () => ({ fault: { status: 403 } }),
    withFallback: ENDS_PERMANENTLY('permission denied'),
    alone: ENDS_PERMANENTLY('permission denied'),
  },
  {
    name: '400',
    modes: ['chat', 'stream'],
    errorKind: 'invalid-request',
    status: 400,
    reply: () => ({ fault: { status: 400 } }),
    withFallback: ENDS_PERMANENTLY('invalid request'),
    alone: ENDS_PERMANENTLY('invalid request'),
  },
  {
    name: 'context length exceeded',
    modes: ['chat', 'stream'],
    errorKind: 'context-length',
    status: 400,
    reply: (adapter) => ({ fault: adapter.contextLengthFault }),
    // The fallback's window is larger (see contextWindowOf below): it gets the request; nothing cools.
    withFallback: { action: 'switch', requests: { primary: 1, fallback: 1 }, waits: [], message: /context length exceeded/, afterOutput: false },
    alone: {
      action: 'stop',
      requests: { primary: 1, fallback: 0 },
      waits: [],
      message: /context length exceeded[\s\S]*Stopped: no other candidate has a known context window larger than .* \(100000 tokens\)\. To fix: shorten the conversation/,
    },
  },
  {
    name: 'timeout (no byte within the idle timeout)',
    modes: ['stream'],
    errorKind: 'timeout',
    reply: () => ({ stallAfterEvents: 0 }),
    ...transient('timeout', DEFAULT_COOLDOWN_MS, { errorKind: 'timeout' }),
  },
  {
    name: 'timeout of a whole reply',
    modes: ['chat'],
    errorKind: 'timeout',
    reply: () => ({ text: 'too late', delayMs: IDLE_TIMEOUT_MS * 3 }),
    ...transient('timeout', DEFAULT_COOLDOWN_MS, { errorKind: 'timeout' }),
  },
  {
    name: 'connection reset',
    modes: ['stream'],
    errorKind: 'network',
    reply: () => ({ chunks: PRIMARY_CHUNKS, cutAfterEvents: 0 }),
    ...transient('network error', DEFAULT_COOLDOWN_MS, { errorKind: 'network' }),
  },
  {
    name: 'cut before the first token',
    modes: ['stream'],
    errorKind: 'network',
    reply: (adapter) => ({ chunks: PRIMARY_CHUNKS, cutAfterEvents: adapter.eventsBeforeFirstText }),
    ...transient('network error|ended before', DEFAULT_COOLDOWN_MS, { errorKind: 'network' }),
  },
  {
    name: 'cut after the first token',
    modes: ['stream'],
    errorKind: 'network',
    reply: (adapter) => ({ chunks: PRIMARY_CHUNKS, cutAfterEvents: adapter.eventsBeforeFirstText + 1 }),
    ...transient('network error|ended before', DEFAULT_COOLDOWN_MS, { errorKind: 'network', afterOutput: true }),
  },
  {
    name: 'malformed chunk',
    modes: ['stream'],
    errorKind: 'server',
    reply: (adapter) => ({ chunks: PRIMARY_CHUNKS, malformedAfterEvents: adapter.eventsBeforeFirstText }),
    ...transient('malformed', DEFAULT_COOLDOWN_MS, { errorKind: 'server' }),
  },
  {
    name: 'stall after the first token',
    modes: ['stream'],
    errorKind: 'timeout',
    reply: (adapter) => ({ chunks: PRIMARY_CHUNKS, stallAfterEvents: adapter.eventsBeforeFirstText + 1 }),
    ...transient('timeout', DEFAULT_COOLDOWN_MS, { errorKind: 'timeout', afterOutput: true }),
  },
];

let fake: FakeServer;
let database: TemporaryDatabase;

beforeAll(async () => {
  fake = await startFakeVendors();
  // The adapters load their SDK and build their client inside the call's idle deadline; done cold
  // on a busy machine that can outlast the tests' short idle timeout, so one call per adapter
  // warms them up first.
  const pool = fakePool(fake);
  for (const adapter of ADAPTERS) await (await pool.get(adapter.provider)).chat({ model: adapter.primary, ...ASK });
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

async function runScenario(adapter: AdapterUnderTest, row: FaultRow, mode: Mode, withFallback: boolean) {
  const primary: ModelRef = { provider: adapter.provider, model: adapter.primary };
  const fallback: ModelRef = { provider: adapter.provider, model: adapter.fallback };
  // Both models share the route's queue: the first request meets the fault, the next one succeeds.
  fake.script(adapter.route, row.reply(adapter), FALLBACK_REPLY);
  const { gateway, clock, attempts } = gatewayFor({
    chains: chains(withFallback ? [primary, fallback] : [primary]),
    pool: fakePool(fake),
    cooldowns: storeOf(database),
    policy: { idleTimeoutMs: IDLE_TIMEOUT_MS },
    contextWindowOf: (candidate) => (candidate.model === adapter.primary ? 100_000 : 200_000),
  });
  let error: unknown;
  let text = '';
  let events: GatewayStreamEvent[] = [];
  let servedBy: ModelRef | undefined;
  if (mode === 'chat') {
    try {
      const response = await gateway.chat('executor', ASK);
      text = response.text;
      servedBy = response.servedBy;
      expect(response.attempts).toEqual(attempts);
    } catch (caught) {
      error = caught;
    }
  } else {
    const outcome = await collectStream(gateway.chatStream('executor', ASK));
    ({ error, text, events } = outcome);
    const served = events.filter((event) => event.type === 'served-by');
    servedBy = served.at(-1)?.type === 'served-by' ? served.at(-1)!.candidate : undefined;
    // Every attempt is also a stream event, in order.
    expect(events.flatMap((event) => (event.type === 'attempt' ? [event.attempt] : []))).toEqual(attempts);
  }
  return {
    primary,
    fallback,
    error,
    text,
    events,
    servedBy,
    attempts,
    waits: clock.waits,
    requests: { primary: adapter.requestsFor(fake, adapter.primary), fallback: adapter.requestsFor(fake, adapter.fallback) },
    rows: database.cooldownRows(),
  };
}

function expectWaits(actual: number[], expected: Expected['waits']): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((wait, index) => {
    if (Array.isArray(wait)) {
      expect(actual[index]).toBeGreaterThanOrEqual(wait[0]);
      expect(actual[index]).toBeLessThanOrEqual(wait[1]);
    } else expect(actual[index]).toBe(wait);
  });
}

function expectCooldownRows(rows: CooldownRowView[], primary: ModelRef, expected: Expected['cooldown']): void {
  if (!expected) {
    expect(rows).toEqual([]);
    return;
  }
  expect(rows).toHaveLength(1);
  const [row] = rows;
  expect(row).toMatchObject({ candidate: `${primary.provider}/${primary.model}`, errorKind: expected.errorKind, status: expected.status ?? null });
  if (Array.isArray(expected.forMs)) {
    expect(row!.forMs).toBeGreaterThanOrEqual(expected.forMs[0]);
    expect(row!.forMs).toBeLessThanOrEqual(expected.forMs[1]);
  } else expect(row!.forMs).toBe(expected.forMs);
}

describe.each(ADAPTERS)('$name: each vendor failure gets the action it calls for', (adapter) => {
  for (const row of FAULTS) {
    for (const mode of row.modes) {
      for (const withFallback of [true, false]) {
        const expected = withFallback ? row.withFallback : row.alone;
        const chainLabel = withFallback ? 'with a fallback' : 'alone in its chain';
        it(`${row.name} (${mode}, ${chainLabel}): ${expected.action}`, async () => {
          const result = await runScenario(adapter, row, mode, withFallback);

          expect(result.requests).toEqual(expected.requests);
          expectWaits(result.waits, expected.waits);
          expectCooldownRows(result.rows, result.primary, expected.cooldown);
          const [first] = result.attempts;
          expect(first).toMatchObject({ candidate: result.primary, outcome: 'error', errorKind: row.errorKind });
          if (row.status !== undefined) expect(first?.status).toBe(row.status);

          if (expected.action === 'stop') {
            expect(result.error).toBeInstanceOf(Error);
            expect((result.error as Error).message).toMatch(expected.message);
            expect((result.error as Error).message).toContain(`${adapter.provider}/${adapter.primary}`);
            expect(result.attempts).toHaveLength(1);
            return;
          }
          expect(result.error).toBeUndefined();
          expect(first?.message).toMatch(expected.message);
          const servingModel = expected.action === 'switch' ? result.fallback : result.primary;
          expect(result.servedBy).toEqual(servingModel);
          expect(result.attempts.at(-1)).toMatchObject({ candidate: servingModel, outcome: 'ok', waitedMs: expected.action === 'retry' ? result.waits[0] : 0 });
          expect(result.attempts).toHaveLength(2);
          if (mode === 'chat') {
            expect(result.text).toBe('Fallback answer.');
            return;
          }
          // Streams: text that reached the caller stays, the switch is announced, nothing is spliced silently.
          const switches = result.events.filter((event) => event.type === 'model-switch');
          if (expected.afterOutput) {
            expect(result.text).toBe('Primary Fallback answer.');
            expect(switches).toEqual([{ type: 'model-switch', from: result.primary, to: servingModel, reason: expect.any(String), afterOutput: true }]);
            const switchIndex = result.events.findIndex((event) => event.type === 'model-switch');
            const firstTextIndex = result.events.findIndex((event) => event.type === 'text-delta');
            expect(firstTextIndex).toBeLessThan(switchIndex);
          } else {
            expect(result.text).toBe('Fallback answer.');
            expect(switches).toEqual(
              expected.action === 'switch' ? [{ type: 'model-switch', from: result.primary, to: result.fallback, reason: expect.any(String), afterOutput: false }] : [],
            );
          }
        });
      }
    }
  }
});
