import { describe, expect, it, vi } from 'vitest';
import type { ChatRequest } from '../../src/model/chat-request.js';
import { OpenAIChatAdapter } from '../../src/providers/openai/openai-chat-adapter.js';
import { FakeServer, type RouteDefinition } from '../fakes/fake-server.js';
import { FAKE_OPENAI_MODELS, fakeEmbedding, openaiRoutes, REVERSE_EMBEDDING_ORDER_HEADER } from '../fakes/openai-routes.js';
import { describeAdapterConformance, useFakeServer } from './adapter-conformance.js';
import { collect, collectUntilFailure, failureOf, textOfEvents } from './stream-test-helpers.js';

// Shaped like a real key so that both the exact-secret and the pattern redaction are exercised.
const API_KEY = 'sk-test-Secret1234567890abcdef';

const server = useFakeServer(new FakeServer(openaiRoutes));

function adapter(overrides: Partial<ConstructorParameters<typeof OpenAIChatAdapter>[0]> = {}): OpenAIChatAdapter {
  return new OpenAIChatAdapter({ id: 'openai', name: 'OpenAI', apiKey: API_KEY, baseURL: `${server.url}/v1`, ...overrides });
}

function ask(text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'gpt-5.2',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: text },
    ],
    ...extra,
  };
}

describe('a streamed reply arrives as it is written', () => {
  it('yields text deltas that join into the whole text, metadata first and exactly one finish last', async () => {
    server.script('openai.chat', { chunks: ['Hel', 'lo, ', 'wor', 'ld!'], model: 'gpt-5.2-2026-01-01', usage: { input: 12, output: 4 } });

    const events = await collect(adapter().chatStream(ask('Say hello')));

    expect(textOfEvents(events)).toBe('Hello, world!');
    expect(events.filter((event) => event.type === 'text-delta')).toHaveLength(4);
    expect(events[0]).toMatchObject({ type: 'response-metadata', responseModel: 'gpt-5.2-2026-01-01' });
    expect(events.filter((event) => event.type === 'response-metadata')).toHaveLength(1);
    expect(events.map((event) => event.type).slice(-2)).toEqual(['usage', 'finish']);
    expect(events.filter((event) => event.type === 'finish')).toHaveLength(1);
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', rawFinishReason: 'stop' });
  });

  it('asks for usage in the stream and passes the request options on the wire', async () => {
    await collect(adapter().chatStream(ask('Hi', { maxOutputTokens: 256, temperature: 0.2, promptCacheKey: 'task-42' })));

    const [recorded] = server.requestsTo('openai.chat');
    expect(recorded?.path).toBe('/v1/chat/completions');
    expect(recorded?.headers['authorization']).toBe(`Bearer ${API_KEY}`);
    expect(recorded?.body).toMatchObject({
      model: 'gpt-5.2',
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 256,
      temperature: 0.2,
      prompt_cache_key: 'task-42',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hi' },
      ],
    });
  });
});

describe('a whole reply comes back in one piece', () => {
  it('returns the text, the finish reason and the model that served it', async () => {
    server.script('openai.chat', { text: 'The answer is 42.', model: 'gpt-5.2-2026-01-01' });

    const response = await adapter().chat(ask('What is the answer?'));

    expect(response.text).toBe('The answer is 42.');
    expect(response.content).toEqual([{ type: 'text', text: 'The answer is 42.' }]);
    expect(response.toolCalls).toEqual([]);
    expect(response.finishReason).toBe('stop');
    expect(response.responseModel).toBe('gpt-5.2-2026-01-01');
    expect(server.requestsTo('openai.chat')[0]?.body.stream).not.toBe(true);
  });

  it.each([
    ['length', 'length'],
    ['content_filter', 'content-filter'],
    ['function_call', 'tool-calls'],
    ['something_new', 'other'],
  ])('maps the finish reason %s to %s and keeps the raw one', async (raw, unified) => {
    server.script('openai.chat', { text: 'cut', finishReason: raw });

    const response = await adapter().chat(ask('Go'));

    expect(response.finishReason).toBe(unified);
    expect(response.rawFinishReason).toBe(raw);
  });
});

describe('the model calls a tool and reads its result', () => {
  const tools = [
    {
      name: 'read_file',
      description: 'Reads a file in the workspace.',
      inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
    },
  ];

  it('streams the call, then sends the assistant tool call and the tool result back in the next request', async () => {
    server.script(
      'openai.chat',
      { toolCalls: [{ id: 'call_abc123', name: 'read_file', arguments: { path: 'src/index.ts' } }], usage: { input: 50, output: 20 } },
      { text: 'The file exports main().' },
    );
    const provider = adapter();
    const request = ask('What does src/index.ts export?', { tools });

    const firstEvents = await collect(provider.chatStream(request));

    const inputDeltas = firstEvents.filter((event) => event.type === 'tool-input-delta');
    expect(inputDeltas.length).toBeGreaterThan(1);
    expect(inputDeltas.map((event) => (event.type === 'tool-input-delta' ? event.delta : '')).join('')).toBe('{"path":"src/index.ts"}');
    expect(inputDeltas[0]).toMatchObject({ toolCallId: 'call_abc123', toolName: 'read_file' });
    const toolCalls = firstEvents.filter((event) => event.type === 'tool-call');
    expect(toolCalls).toEqual([{ type: 'tool-call', toolCallId: 'call_abc123', toolName: 'read_file', input: { path: 'src/index.ts' } }]);
    expect(firstEvents.map((event) => event.type).slice(-3)).toEqual(['tool-call', 'usage', 'finish']);
    expect(firstEvents.at(-1)).toEqual({ type: 'finish', finishReason: 'tool-calls', rawFinishReason: 'tool_calls' });

    const followUp: ChatRequest = {
      ...request,
      messages: [
        ...request.messages,
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_abc123', toolName: 'read_file', input: { path: 'src/index.ts' } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_abc123', toolName: 'read_file', output: 'export function main() {}' }] },
      ],
    };
    const secondEvents = await collect(provider.chatStream(followUp));
    expect(textOfEvents(secondEvents)).toBe('The file exports main().');

    const [first, second] = server.requestsTo('openai.chat');
    expect(first?.body.tools).toEqual([
      { type: 'function', function: { name: 'read_file', description: 'Reads a file in the workspace.', parameters: tools[0]!.inputSchema } },
    ]);
    expect(second?.body.messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_abc123', type: 'function', function: { name: 'read_file', arguments: '{"path":"src/index.ts"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_abc123', content: 'export function main() {}' },
    ]);
  });

  it('returns parsed tool calls from a whole reply, in order after the text', async () => {
    server.script('openai.chat', {
      text: 'Reading both.',
      toolCalls: [
        { id: 'call_1', name: 'read_file', arguments: { path: 'a.ts' } },
        { id: 'call_2', name: 'read_file', arguments: { path: 'b.ts' } },
      ],
    });

    const response = await adapter().chat(ask('Read a.ts and b.ts', { tools }));

    expect(response.finishReason).toBe('tool-calls');
    expect(response.content.map((part) => part.type)).toEqual(['text', 'tool-call', 'tool-call']);
    expect(response.toolCalls).toEqual([
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'read_file', input: { path: 'a.ts' } },
      { type: 'tool-call', toolCallId: 'call_2', toolName: 'read_file', input: { path: 'b.ts' } },
    ]);
  });

  it('keeps arguments that are not valid JSON as their raw text instead of failing the reply', async () => {
    server.script(
      'openai.chat',
      { toolCalls: [{ id: 'call_bad', name: 'read_file', arguments: '{"path": "a.ts"' }] },
      { toolCalls: [{ id: 'call_bad', name: 'read_file', arguments: '{"path": "a.ts"' }] },
    );

    const response = await adapter().chat(ask('Read a.ts', { tools }));
    const events = await collect(adapter().chatStream(ask('Read a.ts', { tools })));

    expect(response.toolCalls[0]?.input).toBe('{"path": "a.ts"');
    expect(events.find((event) => event.type === 'tool-call')).toMatchObject({ toolCallId: 'call_bad', input: '{"path": "a.ts"' });
  });

  it('marks a failed tool result so the model can tell it from an answer', async () => {
    await adapter().chat({
      model: 'gpt-5.2',
      messages: [
        { role: 'user', content: 'Read x' },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_x', toolName: 'read_file', input: { path: 'x' } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_x', toolName: 'read_file', output: 'ENOENT: x', isError: true }] },
      ],
    });

    expect(server.requestsTo('openai.chat')[0]?.body.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_x', content: 'Error: ENOENT: x' });
  });
});

describe('token usage is normalised', () => {
  it('yields no usage event, rather than a fake zero, when the server ignores include_usage', async () => {
    // A compatible server that does not implement stream_options: the same OpenAI rendering,
    // but it never sees the option and so never sends the usage chunk.
    const chatRoute = openaiRoutes.find((route) => route.name === 'openai.chat')!;
    const ignoringUsage: RouteDefinition = {
      ...chatRoute,
      handle: (context) => chatRoute.handle({ ...context, body: { ...context.body, stream_options: undefined } }),
    };
    const compatibleServer = await new FakeServer([ignoringUsage]).start();
    try {
      compatibleServer.script('openai.chat', { text: 'no usage here' });

      const events = await collect(adapter({ baseURL: `${compatibleServer.url}/v1` }).chatStream(ask('Hi')));

      expect(textOfEvents(events)).toBe('no usage here');
      expect(events.some((event) => event.type === 'usage')).toBe(false);
      expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    } finally {
      await compatibleServer.stop();
    }
  });
});

describe('vendor errors become ProviderErrors that routing can act on', () => {
  const cases = [
    { label: '429 with retry-after seconds', fault: { status: 429, headers: { 'retry-after': '7' } }, kind: 'rate-limit', retryable: true, retryAfterMs: 7000 },
    { label: '429 with retry-after-ms', fault: { status: 429, headers: { 'retry-after-ms': '1500' } }, kind: 'rate-limit', retryable: true, retryAfterMs: 1500 },
    { label: '500', fault: { status: 500 }, kind: 'server', retryable: true, retryAfterMs: undefined },
    { label: '503 overloaded', fault: { status: 503 }, kind: 'overloaded', retryable: true, retryAfterMs: undefined },
    { label: '401', fault: { status: 401 }, kind: 'auth', retryable: false, retryAfterMs: undefined },
    {
      label: '400 context_length_exceeded',
      fault: { status: 400, code: 'context_length_exceeded', message: "This model's maximum context length is 128000 tokens." },
      kind: 'context-length',
      retryable: false,
      retryAfterMs: undefined,
    },
    { label: '404 model not found', fault: { status: 404 }, kind: 'not-found', retryable: false, retryAfterMs: undefined },
  ] as const;

  for (const mode of ['whole', 'streamed'] as const) {
    it.each(cases)(`$label (${mode} reply) → kind $kind`, async ({ fault, kind, retryable, retryAfterMs }) => {
      server.script('openai.chat', { fault: { ...fault } });
      const provider = adapter();

      const error =
        mode === 'whole' ? await failureOf(provider.chat(ask('Hi'))) : (await collectUntilFailure(provider.chatStream(ask('Hi')))).error;

      expect(error.kind).toBe(kind);
      expect(error.status).toBe(fault.status);
      expect(error.retryable).toBe(retryable);
      expect(error.retryAfterMs).toBe(retryAfterMs);
      expect(error.provider).toBe('openai');
      expect(error.model).toBe('gpt-5.2');
    });
  }
});

describe('a broken stream never looks like a complete reply', () => {
  it('fails when the server closes the stream cleanly without a finish reason', async () => {
    const truncating: RouteDefinition = {
      name: 'openai.chat',
      method: 'POST',
      path: /\/chat\/completions$/,
      handle({ response }) {
        const chunk = (delta: object) =>
          `data: ${JSON.stringify({ id: 'chatcmpl-cut', object: 'chat.completion.chunk', created: 1, model: 'gpt-5.2', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end(chunk({ role: 'assistant', content: '' }) + chunk({ content: 'half a sen' }));
      },
    };
    const truncatingServer = await new FakeServer([truncating]).start();
    try {
      const { events, error } = await collectUntilFailure(adapter({ baseURL: `${truncatingServer.url}/v1` }).chatStream(ask('Write')));

      expect(error.kind).toBe('network');
      expect(error.message).toMatch(/before the reply was complete/);
      expect(textOfEvents(events)).toBe('half a sen');
    } finally {
      await truncatingServer.stop();
    }
  });
});

describe('embeddings for semantic memory', () => {
  it('asks for base64 and decodes it to the exact floats the server sent', async () => {
    const texts = ['remember the tests', 'prefer small commits'];

    const vectors = await adapter().embed(texts, { model: 'text-embedding-3-small' });

    expect(server.requestsTo('openai.embeddings')[0]?.body).toMatchObject({ model: 'text-embedding-3-small', input: texts, encoding_format: 'base64' });
    expect(vectors).toHaveLength(2);
    expect(vectors[0]).toBeInstanceOf(Float32Array);
    expect(Array.from(vectors[0]!)).toEqual(fakeEmbedding(texts[0]!));
    expect(Array.from(vectors[1]!)).toEqual(fakeEmbedding(texts[1]!));
  });

  it('returns vectors in input order even when the server lists them out of order', async () => {
    const texts = ['first', 'second', 'third'];

    const vectors = await adapter({ defaultHeaders: { [REVERSE_EMBEDDING_ORDER_HEADER]: 'reversed' } }).embed(texts, { model: 'text-embedding-3-small' });

    expect(vectors.map((vector) => Array.from(vector))).toEqual(texts.map((text) => fakeEmbedding(text)));
  });

  it('classifies embedding failures like chat failures', async () => {
    server.script('openai.embeddings', { fault: { status: 429, headers: { 'retry-after': '2' } } });

    const error = await failureOf(adapter().embed(['x'], { model: 'text-embedding-3-small' }));

    expect(error).toMatchObject({ kind: 'rate-limit', retryAfterMs: 2000, model: 'text-embedding-3-small' });
    expect(server.requestsTo('openai.embeddings')).toHaveLength(1);
  });
});

describe('listing models', () => {
  it('lists the server models, telling embedding models from chat models', async () => {
    const models = await adapter().models();

    expect(models.map((model) => model.id)).toEqual(FAKE_OPENAI_MODELS);
    expect(models.find((model) => model.id === 'gpt-5.2')?.capabilities).toEqual(['chat', 'tools']);
    expect(models.find((model) => model.id === 'text-embedding-3-small')?.capabilities).toEqual(['embeddings']);
  });
});

describe('one adapter serves every Chat Completions server', () => {
  it('honours OPENAI_BASE_URL when no base URL is configured', async () => {
    vi.stubEnv('OPENAI_BASE_URL', `${server.url}/v1`);
    server.script('openai.chat', { text: 'via the environment' });

    const response = await adapter({ baseURL: undefined }).chat(ask('Hi'));

    expect(response.text).toBe('via the environment');
  });

  it('reaches a compatible vendor under a path prefix without sending it OpenAI organisation headers', async () => {
    vi.stubEnv('OPENAI_ORG_ID', 'org-private');
    server.script('openai.chat', { text: 'from groq' });

    const response = await adapter({ id: 'groq', name: 'Groq', baseURL: `${server.url}/openai/v1` }).chat(ask('Hi', { model: 'llama-3.3-70b-versatile' }));

    const [recorded] = server.requestsTo('openai.chat');
    expect(response.text).toBe('from groq');
    expect(recorded?.path).toBe('/openai/v1/chat/completions');
    expect(recorded?.headers['openai-organization']).toBeUndefined();
  });

  it('sends OPENAI_ORG_ID to OpenAI itself', async () => {
    vi.stubEnv('OPENAI_ORG_ID', 'org-private');

    await adapter().chat(ask('Hi'));

    expect(server.requestsTo('openai.chat')[0]?.headers['openai-organization']).toBe('org-private');
  });
});

describeAdapterConformance({
  vendor: 'OpenAI',
  server,
  adapter: () => adapter(),
  routes: { whole: 'openai.chat', stream: 'openai.chat' },
  request: (text) => ask(text),
  partialUsageOnCut: undefined,
  lengthFinishRaw: 'length',
  reasoning: {
    // DeepSeek's documented stream: reasoning_content deltas first, then content.
    reply: {
      wire: {
        events: [
          { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'deepseek-reasoner', choices: [{ index: 0, delta: { role: 'assistant', content: null, reasoning_content: 'Think ' }, finish_reason: null }] },
          { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'deepseek-reasoner', choices: [{ index: 0, delta: { reasoning_content: 'first.' }, finish_reason: null }] },
          { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'deepseek-reasoner', choices: [{ index: 0, delta: { content: 'Answer.' }, finish_reason: null }] },
          { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'deepseek-reasoner', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
        ],
      },
    },
    text: 'Think first.',
    answer: 'Answer.',
  },
  // The first chunk carries only the assistant role.
  eventsBeforeText: 1,
  httpFault: (status) => ({ status }),
  retriedStatuses: [429, 500, 503],
  inStreamFaults: [
    { label: 'HTTP 500 type', fault: { status: 500 }, expected: { kind: 'server' } },
    { label: 'HTTP 429 type', fault: { status: 429 }, expected: { kind: 'rate-limit' } },
  ],
  usage: {
    detail: 'cached prompt tokens are subtracted from input, reasoning tokens reported',
    scripted: { input: 100, output: 40, cacheRead: 30, reasoning: 12 },
    expected: { inputTokens: 100, outputTokens: 40, cacheReadTokens: 30, cacheWriteTokens: 0, reasoningTokens: 12 },
  },
  credentials: {
    echoed: {
      fault: { status: 401, message: `Incorrect API key provided: ${API_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.` },
      expected: { kind: 'auth' },
      messageContains: 'Incorrect API key provided',
      secrets: [API_KEY, 'Secret1234567890'],
    },
    missing: { adapter: () => adapter({ id: 'groq', name: 'Groq', apiKey: undefined, apiKeyEnv: 'GROQ_API_KEY' }), names: ['GROQ_API_KEY'] },
  },
});
