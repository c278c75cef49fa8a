import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/model/chat-request.js';
import { OllamaAdapter } from '../../src/providers/ollama/ollama-adapter.js';
import { FakeServer } from '../fakes/fake-server.js';
import { fakeEmbedding } from '../fakes/openai-routes.js';
import { FAKE_OLLAMA_MODELS, ollamaRoutes } from '../fakes/ollama-routes.js';
import { describeAdapterConformance, useFakeServer } from './adapter-conformance.js';
import { collect, collectUntilFailure, failureOf, textOfEvents } from './stream-test-helpers.js';

const server = useFakeServer(new FakeServer(ollamaRoutes));

function adapter(): OllamaAdapter {
  return new OllamaAdapter({ host: server.url });
}

function ask(text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'llama3.3', messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: text }], ...extra };
}

describe('a streamed Ollama reply arrives as it is written', () => {
  it('yields the text in pieces, then usage from the counts and one finish', async () => {
    server.script('ollama.chat', { chunks: ['Hel', 'lo ', 'there.'], usage: { input: 21, output: 3 } });
    const events = await collect(adapter().chatStream(ask('say hi')));
    expect(events[0]).toEqual({ type: 'response-metadata', responseModel: 'llama3.3' });
    expect(textOfEvents(events)).toBe('Hello there.');
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

describeAdapterConformance({
  vendor: 'Ollama',
  server,
  adapter: () => adapter(),
  routes: { whole: 'ollama.chat', stream: 'ollama.chat' },
  request: (text) => ask(text),
  partialUsageOnCut: undefined,
  lengthFinishRaw: 'length',
  reasoning: {
    // A thinking model with `think`: reasoning in message.thinking, then the answer in content.
    reply: {
      wire: {
        events: [
          { model: 'qwen3', created_at: '2025-06-01T00:00:00Z', message: { role: 'assistant', content: '', thinking: 'Think ' }, done: false },
          { model: 'qwen3', created_at: '2025-06-01T00:00:00Z', message: { role: 'assistant', content: '', thinking: 'first.' }, done: false },
          { model: 'qwen3', created_at: '2025-06-01T00:00:00Z', message: { role: 'assistant', content: 'Answer.' }, done: false },
          { model: 'qwen3', created_at: '2025-06-01T00:00:00Z', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: 10, eval_count: 20 },
        ],
      },
    },
    text: 'Think first.',
    answer: 'Answer.',
  },
  // Every NDJSON line is a message, text included from the first.
  eventsBeforeText: 0,
  httpFault: (status) => ({ status }),
  retriedStatuses: [429, 500, 503],
  inStreamFaults: [{ label: 'an {error} line', fault: { status: 500, message: 'runner crashed' }, expected: { kind: 'server' }, messageContains: 'runner crashed' }],
  malformedSaysSo: true,
  usage: {
    detail: 'prompt_eval_count and eval_count, no prompt cache',
    scripted: { input: 21, output: 3 },
    expected: { inputTokens: 21, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0 },
  },
  // A local server: no credentials to leak or to miss.
});
