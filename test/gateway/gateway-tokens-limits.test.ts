import { request as httpRequest } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, GatewayHarness, type GatewayHarnessOptions } from './gateway-harness.js';

let gateway: GatewayHarness | undefined;
async function start(options: GatewayHarnessOptions = {}): Promise<GatewayHarness> {
  gateway = await GatewayHarness.start(options);
  return gateway;
}
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

const ASK = { model: 'openai/gpt-5.2', messages: [{ role: 'user' as const, content: 'Hi' }] };
const failure = (promise: Promise<unknown>): Promise<any> => promise.then(
  () => {
    throw new Error('expected the call to fail');
  },
  (error: unknown) => error,
);

describe('a missing, wrong, expired or revoked token gets 401 before anything goes upstream', () => {
  it('a wrong token: 401 in OpenAI shape and in Anthropic shape', async () => {
    const harness = await start();
    const openaiError = await failure(harness.openai('okg_not-a-token').chat.completions.create(ASK));
    expect(openaiError).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(openaiError.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    const anthropicError = await failure(harness.anthropic('okg_not-a-token').messages.create({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 5, messages: ASK.messages }));
    expect(anthropicError).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(anthropicError.error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('no token at all: 401 that says how to send one', async () => {
    const harness = await start();
    const response = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(ASK), headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as any).error.message).toContain('Authorization: Bearer');
  });

  it('a Bearer token (ANTHROPIC_AUTH_TOKEN style) works like x-api-key', async () => {
    const harness = await start();
    const client = new Anthropic({ authToken: harness.secret, apiKey: null, baseURL: `${harness.url}/anthropic`, maxRetries: 0 });
    const message = await client.messages.create({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 5, messages: ASK.messages });
    expect(message.content[0]).toMatchObject({ type: 'text' });
  });

  it('a token revoked while the server runs is refused on the next request', async () => {
    const harness = await start();
    const secret = harness.createToken({ name: 'laptop' });
    await harness.openai(secret).chat.completions.create(ASK);
    expect(harness.tokens.revoke('laptop')).toBe(true);
    const error = await failure(harness.openai(secret).chat.completions.create(ASK));
    expect(error.status).toBe(401);
    expect(error.message).toContain('revoked');
    expect(harness.fake.requestsTo('openai.chat')).toHaveLength(1);
  });

  it('an expired token is refused', async () => {
    const harness = await start();
    const secret = harness.createToken({ name: 'old', expiresAt: harness.clock.now() - 1000 });
    const error = await failure(harness.openai(secret).chat.completions.create(ASK));
    expect(error.status).toBe(401);
    expect(error.message).toContain('expired');
    expect(harness.fake.requests).toHaveLength(0);
  });
});

describe('token scopes and budgets', () => {
  it('a model outside the token pattern gets 403; one inside is served', async () => {
    const harness = await start({ aliases: { 'claude-x': 'anthropic/claude-sonnet-4-6' } });
    const secret = harness.createToken({ name: 'openai-only', modelPattern: 'openai/*' });
    const error = await failure(harness.openai(secret).chat.completions.create({ ...ASK, model: 'claude-x' }));
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(error.message).toContain('openai/*');
    const ok = await harness.openai(secret).chat.completions.create(ASK);
    expect(ok.choices[0]!.message.content).toBe('Hello from the fake.');
    expect(harness.fake.requestsTo('anthropic.messages')).toHaveLength(0);
    const models = await harness.openai(secret).models.list();
    expect(models.data.map((model) => model.id)).not.toContain('claude-x');
  });

  it('a token over its budget gets 429, and its spend is counted from its own usage rows', async () => {
    const harness = await start({ pricing: { 'openai/gpt-5.2': { input: 1_000_000, output: 1_000_000 } } });
    // $1 per token at that price: the first call (10 in, 5 out) spends $15 of a $10 budget.
    const secret = harness.createToken({ name: 'capped', budgetUsd: 10 });
    await harness.openai(secret).chat.completions.create(ASK);
    expect(harness.tokens.spentUsd(harness.tokens.list().find((token) => token.name === 'capped')!)).toBeCloseTo(15);
    const error = await failure(harness.openai(secret).chat.completions.create(ASK));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.message).toContain('budget');
    expect(harness.fake.requestsTo('openai.chat')).toHaveLength(1);
    // Another token's spend is its own.
    await harness.openai().chat.completions.create(ASK);
    expect(harness.fake.requestsTo('openai.chat')).toHaveLength(2);
  });
});

describe('limits', () => {
  it('a body above the size limit gets 413 and nothing goes upstream', async () => {
    const harness = await start({ limits: { maxBodyBytes: 2048 } });
    const error = await failure(harness.openai().chat.completions.create({ ...ASK, messages: [{ role: 'user', content: 'x'.repeat(5000) }] }));
    expect(error.status).toBe(413);
    expect(error.message).toContain('2048 bytes');
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('a token with its streams all open gets 429 for one more', async () => {
    const harness = await start({ limits: { maxStreamsPerToken: 1 } });
    harness.fake.script('openai.chat', { chunks: ['a', 'b', 'c', 'd'], eventIntervalMs: 100 });
    const first = await harness.openai().chat.completions.create({ ...ASK, stream: true });
    const iterator = first[Symbol.asyncIterator]();
    await iterator.next();
    const error = await failure(harness.openai().chat.completions.create({ ...ASK, stream: true }));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.message).toContain('max_streams_per_token');
    for (let next = await iterator.next(); !next.done; next = await iterator.next());
    // The slot is free again once the first stream ended.
    await eventually(() => harness.server.openStreams('ci') === 0, 'the first stream to close');
    const again = await harness.openai().chat.completions.create({ ...ASK, stream: true });
    for await (const _chunk of again);
  });
});

describe('a client that stops reading', () => {
  it('is cut off after the idle timeout, the upstream call is aborted, and its usage so far recorded', async () => {
    const harness = await start({ limits: { idleTimeoutMs: 300 } });
    // About 40 MB of reply: far more than the socket buffers hold for a client that reads nothing.
    harness.fake.script('anthropic.messages', { chunks: Array.from({ length: 1280 }, () => 'x'.repeat(32 * 1024)), usage: { input: 40, output: 9999 } });
    const body = JSON.stringify({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    let client: ReturnType<typeof httpRequest> | undefined;
    const answered = new Promise<void>((resolve) => {
      client = httpRequest(`${harness.url}/anthropic/v1/messages`, { method: 'POST', headers: { 'x-api-key': harness.secret, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' } }, (response) => {
        expect(response.statusCode).toBe(200);
        // Never read: the socket's buffers fill up and the gateway's writes stop draining.
        response.pause();
        response.socket.pause();
        resolve();
      });
      client.on('error', () => {});
      client.end(body);
    });
    await answered;
    // A paused socket never sees the gateway hang up; the usage row shows it did.
    await eventually(() => harness.usageRows().length > 0, 'the usage row of the cut stream', 1000);
    client!.destroy();
    expect(harness.usageRows()).toEqual([{ source: 'ci', provider: 'anthropic', model: 'claude-sonnet-4-6', input: 40, output: 1, outcome: 'error' }]);
  });
});

describe('a client that disconnects mid-stream', () => {
  it('aborts the upstream request and records the usage the vendor reported so far', async () => {
    const harness = await start();
    harness.fake.script('anthropic.messages', { chunks: Array.from({ length: 50 }, (_, index) => `w${index} `), eventIntervalMs: 20, usage: { input: 40, output: 99 } });
    const controller = new AbortController();
    const stream = harness.anthropic().messages.stream({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 500, messages: ASK.messages }, { signal: controller.signal });
    let seen = 0;
    await new Promise<void>((resolve) => {
      stream.on('text', () => {
        if (++seen === 3) {
          controller.abort();
          resolve();
        }
      });
      stream.on('error', () => resolve());
      stream.on('abort', () => resolve());
    });
    await eventually(() => harness.usageRows().length > 0, 'the usage row of the aborted call');
    expect(harness.usageRows()).toEqual([{ source: 'ci', provider: 'anthropic', model: 'claude-sonnet-4-6', input: 40, output: 1, outcome: 'error' }]);
    // The fake saw its response closed long before the 50 events were written.
    const upstream = harness.fake.requestsTo('anthropic.messages');
    expect(upstream).toHaveLength(1);
  });
});

describe('subscription credentials', () => {
  const subscription = (provider: string): boolean => provider === 'openai';

  it('are not routed to clients by default', async () => {
    const harness = await start({ isSubscription: subscription, aliases: { mixed: ['openai/gpt-5.2', 'anthropic/claude-sonnet-4-6'] } });
    const error = await failure(harness.openai().chat.completions.create(ASK));
    expect(error.status).toBe(403);
    expect(error.message).toContain('allow_subscriptions');
    // In a chain, the subscription candidate is skipped and the others serve.
    const served = await harness.openai().chat.completions.create({ ...ASK, model: 'mixed' });
    expect(served.choices[0]!.message.content).toBe('Hello from the fake.');
    expect(harness.fake.requestsTo('openai.chat')).toHaveLength(0);
  });

  it('are routed with allow_subscriptions on loopback, never on another host', async () => {
    const local = await start({ isSubscription: subscription, allowSubscriptions: true });
    await local.openai().chat.completions.create(ASK);
    expect(local.fake.requestsTo('openai.chat')).toHaveLength(1);
    await local.stop();
    const shared = await start({ isSubscription: subscription, allowSubscriptions: true, loopback: false });
    const error = await failure(shared.openai().chat.completions.create(ASK));
    expect(error.status).toBe(403);
  });
});
