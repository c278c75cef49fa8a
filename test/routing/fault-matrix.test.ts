import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
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
 * one. A new adapter joins by adding an entry to ADAPTERS; a vendor that cannot send a row's fault
 * as the row scripts it says so, with its reason, in its `exceptions`.
 */
type Mode = 'chat' | 'stream';

/** The wait a 429 asks for, in one of the forms the matrix covers. */
type RetryAfter = { seconds: number } | { milliseconds: number } | { date: Date };

interface AdapterUnderTest {
  name: string;
  provider: string;
  /** Two models of the same provider: the primary and its fallback. */
  primary: string;
  fallback: string;
  /** The fake's route family that answers chat requests, per mode (some vendors have one per mode). */
  routes: Record<Mode, string>;
  /** How many chat requests (either mode) the fake saw for one model: its wire carries the model in the body or the path. */
  requestsFor(fake: FakeServer, model: string): number;
  /** Streamed events the fake sends before the first text delta (cut/malformed/stall positions). */
  eventsBeforeFirstText: number;
  /** A 429 asking for a wait, in the vendor's own form (a header, or the error body). */
  rateLimited(retryAfter: RetryAfter): ScriptedFault;
  contextLengthFault: ScriptedFault;
  /**
   * Rows this vendor cannot express as the row scripts them, by row name: skipped, or replaced by
   * the vendor's own form of the same failure. Each says why.
   */
  exceptions?: Record<string, AdapterException>;
}

type AdapterException =
  | { skip: string }
  | { because: string; row: Pick<FaultRow, 'errorKind' | 'status' | 'reply' | 'withFallback' | 'alone'> };

/** The model as the request body names it (OpenAI, Anthropic, Ollama). */
const byBodyModel = (route: string) => (fake: FakeServer, model: string) =>
  fake.requestsTo(route).filter((request) => request.body?.model === model).length;

/** The model as the URL path names it (Gemini `/v1beta/models/{model}:action`, Bedrock `/model/{modelId}/operation`). */
const byPathModel = (routes: string[], modelInPath: RegExp) => (fake: FakeServer, model: string) =>
  fake.requests.filter((request) => routes.includes(request.route) && decodeURIComponent(modelInPath.exec(request.path)?.[1] ?? '') === model).length;

/** Retry-After as headers: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
function retryAfterHeaders(retryAfter: RetryAfter): Record<string, string> {
  if ('seconds' in retryAfter) return { 'retry-after': String(retryAfter.seconds) };
  if ('milliseconds' in retryAfter) return { 'retry-after-ms': String(retryAfter.milliseconds) };
  return { 'retry-after': retryAfter.date.toUTCString() };
}

const rateLimitedWithHeaders = (retryAfter: RetryAfter): ScriptedFault => ({ status: 429, headers: retryAfterHeaders(retryAfter) });

/**
 * Gemini's 429: RESOURCE_EXHAUSTED with the wait as RetryInfo's `retryDelay` in the body. The
 * SDK's ApiError carries no response headers, so the body is the only place the adapter can read a
 * wait from, and a google.protobuf.Duration is relative: it has seconds with a fraction, never a
 * date.
 */
function geminiRateLimited(retryAfter: RetryAfter): ScriptedFault {
  if ('date' in retryAfter) throw new Error('Gemini has no absolute-date form of a retry delay (see the google exceptions)');
  const seconds = 'seconds' in retryAfter ? retryAfter.seconds : retryAfter.milliseconds / 1000;
  return {
    status: 429,
    body: {
      error: {
        code: 429,
        message: 'Resource has been exhausted (e.g. check quota).',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${seconds}s` }],
      },
    },
  };
}

/** AWS credentials the SDK's chain reads from the process environment; nothing real. */
const AWS_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIAFAKEACCESSKEY123', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKESECRETKEY' };
/** Keys the new vendors need beside the harness's OpenAI and Anthropic ones (Ollama needs none). */
const VENDOR_KEYS = { GOOGLE_API_KEY: 'fake-gemini-key-routing', ...AWS_CREDENTIALS };

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
  /**
   * The wall clock (Date) the test runs at, frozen: a Retry-After given as an HTTP date is read
   * against Date.now(), so a window measured from a running clock would depend on the test's speed.
   */
  frozenDate?: number;
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
    reply: (adapter) => ({ fault: adapter.rateLimited({ seconds: 2 }) }),
    ...transient('rate limit', 2_000, { retryAfter: true, errorKind: 'rate-limit', status: 429 }),
  },
  {
    name: '429 with retry-after-ms',
    modes: ['chat', 'stream'],
    errorKind: 'rate-limit',
    status: 429,
    reply: (adapter) => ({ fault: adapter.rateLimited({ milliseconds: 1_500 }) }),
    ...transient('rate limit', 1_500, { retryAfter: true, errorKind: 'rate-limit', status: 429 }),
  },
  {
    name: '429 with Retry-After as an HTTP date',
    modes: ['chat', 'stream'],
    errorKind: 'rate-limit',
    status: 429,
    // Five seconds ahead of a frozen wall clock on a whole second: exactly 5 s, whatever the machine's speed.
    frozenDate: Date.UTC(2026, 0, 15, 12, 0, 0),
    reply: (adapter) => ({ fault: adapter.rateLimited({ date: new Date(Date.now() + 5_000) }) }),
    ...transient('rate limit', 5_000, { retryAfter: true, errorKind: 'rate-limit', status: 429 }),
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

const ADAPTERS: AdapterUnderTest[] = [
  {
    name: 'openai',
    provider: 'openai',
    primary: 'gpt-5.2',
    fallback: 'gpt-4.1-mini',
    routes: { chat: 'openai.chat', stream: 'openai.chat' },
    requestsFor: byBodyModel('openai.chat'),
    // The role chunk (empty content) comes first.
    eventsBeforeFirstText: 1,
    rateLimited: rateLimitedWithHeaders,
    contextLengthFault: { status: 400, code: 'context_length_exceeded', message: "This model's maximum context length is 128000 tokens." },
  },
  {
    name: 'anthropic',
    provider: 'anthropic',
    primary: 'claude-sonnet-4-6',
    fallback: 'claude-haiku-4-5',
    routes: { chat: 'anthropic.messages', stream: 'anthropic.messages' },
    requestsFor: byBodyModel('anthropic.messages'),
    // message_start, ping, content_block_start.
    eventsBeforeFirstText: 3,
    rateLimited: rateLimitedWithHeaders,
    contextLengthFault: { status: 400, message: 'prompt is too long: 250000 tokens > 200000 maximum' },
  },
  {
    name: 'ollama',
    provider: 'ollama',
    primary: 'llama3.3:70b',
    fallback: 'mistral:latest',
    // One endpoint; `stream: false` in the body asks for a whole reply.
    routes: { chat: 'ollama.chat', stream: 'ollama.chat' },
    requestsFor: byBodyModel('ollama.chat'),
    // The first NDJSON line already carries text.
    eventsBeforeFirstText: 0,
    // Ollama itself sends no Retry-After, but the proxies and gateways in front of it do, and the
    // adapter reads whichever form arrives.
    rateLimited: rateLimitedWithHeaders,
    // `{error}` with a 400, in the words the server uses when the input does not fit num_ctx.
    contextLengthFault: { status: 400, message: 'input length exceeds maximum context length' },
  },
  {
    name: 'google',
    provider: 'google',
    primary: 'gemini-2.5-pro',
    fallback: 'gemini-2.5-flash',
    routes: { chat: 'google.generate', stream: 'google.stream' },
    requestsFor: byPathModel(['google.generate', 'google.stream'], /^\/v1beta\/models\/([^/:]+):/),
    // Every `data:` chunk carries text, the first one too.
    eventsBeforeFirstText: 0,
    rateLimited: geminiRateLimited,
    contextLengthFault: { status: 400, message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).' },
    exceptions: {
      // Expressed, not skipped: RetryInfo's Duration carries fractions of a second, so 1500 ms is
      // `retryDelay: "1.5s"` (see geminiRateLimited); the row runs unchanged.
      '429 with Retry-After as an HTTP date': {
        skip:
          'Gemini states a wait only as RetryInfo.retryDelay, a relative Duration in the error body; its SDK exposes no response headers, so a Retry-After date has no Gemini form that can reach the adapter.',
      },
    },
  },
  {
    name: 'bedrock',
    provider: 'bedrock',
    // Bedrock model ids carry a colon, which the SDK percent-encodes in the path.
    primary: 'anthropic.claude-sonnet-4-20250514-v1:0',
    fallback: 'anthropic.claude-3-5-haiku-20241022-v1:0',
    routes: { chat: 'bedrock.converse', stream: 'bedrock.converse-stream' },
    requestsFor: byPathModel(['bedrock.converse', 'bedrock.converse-stream'], /^\/model\/([^/]+)\//),
    // messageStart; text blocks have no contentBlockStart.
    eventsBeforeFirstText: 1,
    // ThrottlingException (named by x-amzn-errortype); the SDK keeps the response headers.
    rateLimited: rateLimitedWithHeaders,
    contextLengthFault: { status: 400, code: 'ValidationException', message: 'Input is too long for requested model.' },
    exceptions: {
      '401': {
        because:
          'Bedrock never answers 401: a bad or unknown AWS credential is 403 UnrecognizedClientException, an authentication failure whatever its status.',
        row: {
          errorKind: 'auth',
          status: 403,
          reply: () => ({ fault: { status: 403, code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' } }),
          withFallback: ENDS_PERMANENTLY('authentication failed'),
          alone: ENDS_PERMANENTLY('authentication failed'),
        },
      },
      '503': {
        because:
          "Bedrock's 503 is always ServiceUnavailableException, its way of saying it is overloaded (classify-bedrock-error.ts): the same action as a server error, under the overloaded kind.",
        row: {
          errorKind: 'overloaded',
          status: 503,
          reply: () => ({ fault: { status: 503, message: 'Bedrock is unable to process your request.' } }),
          ...transient('overloaded', DEFAULT_COOLDOWN_MS, { errorKind: 'overloaded', status: 503 }),
        },
      },
      '529 overloaded': {
        skip: 'Bedrock has no 529: an overloaded Bedrock answers 503 ServiceUnavailableException, which the 503 row covers as overloaded.',
      },
    },
  },
];

let fake: FakeServer;
let database: TemporaryDatabase;

/** The harness's environment, plus the keys of the vendors it does not know. */
const vendorPool = (server: FakeServer) => fakePool(server, VENDOR_KEYS);

beforeAll(async () => {
  fake = await startFakeVendors();
  // The AWS SDK's credential chain reads the process environment, not the pool's: fake keys there,
  // and a developer's own AWS setup (profile, session token, Bedrock API key) kept out.
  for (const [name, value] of Object.entries(AWS_CREDENTIALS)) vi.stubEnv(name, value);
  for (const name of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_BEARER_TOKEN_BEDROCK']) vi.stubEnv(name, undefined);
  // The adapters load their SDK and build their client inside the call's idle deadline; done cold
  // on a busy machine that can outlast the tests' short idle timeout, so one call per adapter
  // warms them up first.
  const pool = vendorPool(fake);
  for (const adapter of ADAPTERS) await (await pool.get(adapter.provider)).chat({ model: adapter.primary, ...ASK });
});

afterAll(async () => {
  await fake.stop();
  vi.unstubAllEnvs();
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
  // Both models share the mode's route queue: the first request meets the fault, the next one succeeds.
  fake.script(adapter.routes[mode], row.reply(adapter), FALLBACK_REPLY);
  const { gateway, clock, attempts } = gatewayFor({
    chains: chains(withFallback ? [primary, fallback] : [primary]),
    pool: vendorPool(fake),
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

/** The row as this adapter runs it: the matrix's own, the vendor's form of it, or a skip with its reason. */
function rowFor(adapter: AdapterUnderTest, row: FaultRow): FaultRow | { skip: string } {
  const exception = adapter.exceptions?.[row.name];
  if (!exception) return row;
  if ('skip' in exception) return exception;
  return { ...row, ...exception.row, name: row.name, modes: row.modes };
}

describe.each(ADAPTERS)('$name: each vendor failure gets the action it calls for', (adapter) => {
  it('names only rows that exist in its exceptions', () => {
    expect(Object.keys(adapter.exceptions ?? {}).filter((name) => !FAULTS.some((row) => row.name === name))).toEqual([]);
  });

  for (const matrixRow of FAULTS) {
    const resolved = rowFor(adapter, matrixRow);
    for (const mode of matrixRow.modes) {
      for (const withFallback of [true, false]) {
        const chainLabel = withFallback ? 'with a fallback' : 'alone in its chain';
        if ('skip' in resolved) {
          it.skip(`${matrixRow.name} (${mode}, ${chainLabel}): not expressible for ${adapter.name}: ${resolved.skip}`, () => {});
          continue;
        }
        const row = resolved;
        const expected = withFallback ? row.withFallback : row.alone;
        it(`${row.name} (${mode}, ${chainLabel}): ${expected.action}`, async () => {
          if (row.frozenDate !== undefined) {
            // Only Date is faked: the sockets and timers of the SDK and the fake stay real.
            vi.useFakeTimers({ toFake: ['Date'] });
            vi.setSystemTime(row.frozenDate);
          }
          let result: Awaited<ReturnType<typeof runScenario>>;
          try {
            result = await runScenario(adapter, row, mode, withFallback);
          } finally {
            vi.useRealTimers();
          }

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
