import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/model/chat-request.js';
import type { StreamEvent } from '../../src/model/stream-event.js';
import { OllamaAdapter } from '../../src/providers/ollama/ollama-adapter.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import { FakeServer } from '../fakes/fake-server.js';
import { fakeEmbedding } from '../fakes/openai-routes.js';
import { FAKE_OLLAMA_MODELS, ollamaRoutes } from '../fakes/ollama-routes.js';
import { collect, collectUntilFailure, failureOf } from './stream-test-helpers.js';

const server = new FakeServer(ollamaRoutes);

function adapter(): OllamaAdapter {
  return new OllamaAdapter({ host: server.url });
}

function ask(text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'llama3.3', messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: text }], ...extra };
}

const textOf = (events: StreamEvent[]): string => events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');

beforeAll(async () => {
  await server.start();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => server.reset());

describe('a streamed Ollama reply arrives as it is written', () => {
  it('yields the text in pieces, then usage from the counts and one finish', async () => {
    server.script('ollama.chat', { chunks: ['Hel', 'lo ', 'there.'], usage: { input: 21, output: 3 } });
    const events = await collect(adapter().chatStream(ask('say hi')));
    expect(events[0]).toEqual({ type: 'response-metadata', responseModel: 'llama3.3' });
    expect(textOf(events)).toBe('Hello there.');
    expect(events.filter((event) => event.type === 'text-delta').length).toBe(3);
    expect(events.at(-2)).toEqual({ type: 'usage', usage: { inputTokens: 21, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0 } });
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', rawFinishReason: 'stop' });
    const [request] = server.requestsTo('ollama.chat');
    expect(request?.body.stream).toBe(true);
    expect(request?.body.messages).toEqual([{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'say hi' }]);
  });

  it('maps done_reason "length" and sends max tokens and temperature as options', async () => {
    server.script('ollama.chat', { text: 'cut', finishReason: 'length' });
    const events = await collect(adapter().chatStream(ask('long', { maxOutputTokens: 5, temperature: 0.2 })));
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'length', rawFinishReason: 'length' });
    expect(server.requestsTo('ollama.chat')[0]?.body.options).toEqual({ num_predict: 5, temperature: 0.2 });
  });
});

describe('a whole Ollama reply (--no-stream)', () => {
  it('returns the text, usage and finish in one response', async () => {
    server.script('ollama.chat', { text: 'The whole reply.', usage: { input: 9, output: 4 } });
    const response = await adapter().chat(ask('hi'));
    expect(response.text).toBe('The whole reply.');
    expect(response.usage).toEqual({ inputTokens: 9, outputTokens: 4, cacheReadTokens: 0, cacheWriteTokens: 0 });
    expect(response.finishReason).toBe('stop');
    expect(response.responseModel).toBe('llama3.3');
    expect(server.requestsTo('ollama.chat')[0]?.body.stream).toBe(false);
  });
});

describe('Ollama tool calls', () => {
  const tools = [{ name: 'read_file', description: 'Read a file', inputSchema: { type: 'object', properties: { path: { type: 'string' } } } }];

  it('streamed: a whole tool call with parsed input, finish tool-calls', async () => {
    server.script('ollama.chat', { toolCalls: [{ name: 'read_file', arguments: { path: 'README.md' } }] });
    const events = await collect(adapter().chatStream(ask('read it', { tools })));
    expect(events.filter((event) => event.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCallId: 'call_0', toolName: 'read_file', input: { path: 'README.md' } },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls' });
    expect(server.requestsTo('ollama.chat')[0]?.body.tools[0]).toEqual({ type: 'function', function: { name: 'read_file', description: 'Read a file', parameters: tools[0]!.inputSchema } });
  });

  it('whole: tool calls in the response, and results go back by tool name', async () => {
    server.script('ollama.chat', { toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] }, { text: 'done' });
    const first = await adapter().chat(ask('read', { tools }));
    expect(first.toolCalls).toEqual([{ type: 'tool-call', toolCallId: 'call_0', toolName: 'read_file', input: { path: 'a.txt' } }]);
    expect(first.finishReason).toBe('tool-calls');
    await adapter().chat({
      ...ask('read', { tools }),
      messages: [
        { role: 'user', content: 'read' },
        { role: 'assistant', content: first.content },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_0', toolName: 'read_file', output: 'no such file', isError: true }] },
      ],
    });
    const sent = server.requestsTo('ollama.chat')[1]?.body.messages;
    expect(sent[1]).toEqual({ role: 'assistant', content: '', tool_calls: [{ function: { name: 'read_file', arguments: { path: 'a.txt' } } }] });
    expect(sent[2]).toEqual({ role: 'tool', tool_name: 'read_file', content: 'Error: no such file' });
  });
});

describe('Ollama embeddings and installed models', () => {
  it('embeds texts through /api/embed', async () => {
    const vectors = await adapter().embed!(['alpha', 'beta'], { model: 'nomic-embed-text' });
    expect(vectors.map((vector) => Array.from(vector))).toEqual([fakeEmbedding('alpha'), fakeEmbedding('beta')]);
  });

  it('lists installed models from /api/tags', async () => {
    const models = await adapter().models();
    expect(models.map((model) => model.id)).toEqual(FAKE_OLLAMA_MODELS);
    expect(models.find((model) => model.id.startsWith('nomic'))?.capabilities).toEqual(['embeddings']);
  });
});

describe('Ollama failures become classified ProviderErrors, each from exactly one request', () => {
  it.each([
    [404, 'not-found', false],
    [400, 'invalid-request', false],
    [429, 'rate-limit', true],
    [500, 'server', true],
    [503, 'server', true],
  ] as const)('HTTP %i → %s', async (status, kind, retryable) => {
    server.script('ollama.chat', { fault: { status } });
    const error = await failureOf(adapter().chat(ask('hi')));
    expect(error.kind).toBe(kind);
    expect(error.retryable).toBe(retryable);
    expect(error.status).toBe(status);
    expect(server.requestsTo('ollama.chat')).toHaveLength(1);
  });

  it('a missing model says how to pull it', async () => {
    server.script('ollama.chat', { fault: { status: 404, message: 'model "qwen9" not found, try pulling it first' } });
    const error = await failureOf(adapter().chat(ask('hi', { model: 'qwen9' })));
    expect(error.message).toContain('ollama pull qwen9');
  });

  it('a streamed request with an HTTP error fails before any event, Retry-After kept', async () => {
    server.script('ollama.chat', { fault: { status: 429, headers: { 'retry-after': '3' } } });
    const { events, error } = await collectUntilFailure(adapter().chatStream(ask('hi')));
    expect(events).toEqual([]);
    expect(error.retryAfterMs).toBe(3000);
    expect(server.requestsTo('ollama.chat')).toHaveLength(1);
  });

  it('an error page that is not JSON is classified without console noise', async () => {
    server.script('ollama.chat', { fault: { status: 502, body: '<html>Bad Gateway</html>' } });
    const error = await failureOf(adapter().chat(ask('hi')));
    expect(error.kind).toBe('server');
  });

  it('an {error} line mid-stream keeps the text seen so far and fails as a server error', async () => {
    server.script('ollama.chat', { chunks: ['one ', 'two'], fault: { status: 500, message: 'runner crashed' }, faultAfterEvents: 1 });
    const { events, error } = await collectUntilFailure(adapter().chatStream(ask('hi')));
    expect(textOf(events)).toBe('one ');
    expect(error.kind).toBe('server');
    expect(error.message).toContain('runner crashed');
  });

  it('a stream cut before done is a network error, never a complete reply', async () => {
    server.script('ollama.chat', { chunks: ['a', 'b', 'c'], cutAfterEvents: 2 });
    const { events, error } = await collectUntilFailure(adapter().chatStream(ask('hi')));
    expect(events.some((event) => event.type === 'finish')).toBe(false);
    expect(error.kind).toBe('network');
  });

  it('a malformed line is a malformed reply, not a silently skipped one', async () => {
    server.script('ollama.chat', { chunks: ['a', 'b'], malformedAfterEvents: 1 });
    const { error } = await collectUntilFailure(adapter().chatStream(ask('hi')));
    expect(error.kind).toBe('server');
    expect(error.message).toContain('malformed');
  });

  it('a stalled stream times out on the idle deadline', async () => {
    server.script('ollama.chat', { chunks: ['a', 'b'], stallAfterEvents: 1 });
    const { error } = await collectUntilFailure(adapter().chatStream(ask('hi'), { idleTimeoutMs: 200 }));
    expect(error.kind).toBe('timeout');
  });

  it('a whole reply that never comes times out too (the deadline reaches non-streaming calls)', async () => {
    server.script('ollama.chat', { text: 'late', delayMs: 5_000 });
    const error = await failureOf(adapter().chat(ask('hi'), { idleTimeoutMs: 200 }));
    expect(error.kind).toBe('timeout');
  });

  it('the caller aborting ends the call as aborted', async () => {
    server.script('ollama.chat', { text: 'late', delayMs: 5_000 });
    const controller = new AbortController();
    const pending = failureOf(adapter().chat(ask('hi'), { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect((await pending).kind).toBe('aborted');
  });

  it('nothing listening: a network error that says to start Ollama', async () => {
    const idle = new FakeServer([]);
    await idle.start();
    const url = idle.url;
    await idle.stop();
    const error = await failureOf(new OllamaAdapter({ host: url }).chat(ask('hi')));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('ollama serve');
  });
});
