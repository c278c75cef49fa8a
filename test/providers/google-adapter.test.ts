import { describe, expect, it, vi } from 'vitest';
import type { ChatRequest } from '../../src/model/chat-request.js';
import { GoogleAdapter } from '../../src/providers/google/google-adapter.js';
import { FakeServer } from '../fakes/fake-server.js';
import { FAKE_THOUGHT_SIGNATURE, geminiRoutes } from '../fakes/gemini-routes.js';
import { fakeEmbedding } from '../fakes/openai-routes.js';
import { describeAdapterConformance, useFakeServer } from './adapter-conformance.js';
import { collect, collectUntilFailure, failureOf, textOfEvents } from './stream-test-helpers.js';

const API_KEY = 'AIzaSyFakeGeminiKeyForTests0123456789';
const MODEL = 'gemini-2.5-pro';

const fake = useFakeServer(new FakeServer(geminiRoutes), () => {
  // The SDK reads these when constructed; a developer's own settings must not leak into a test.
  vi.stubEnv('GOOGLE_GEMINI_BASE_URL', '');
  vi.stubEnv('GOOGLE_GENAI_USE_VERTEXAI', '');
});

function adapter(): GoogleAdapter {
  return new GoogleAdapter({ apiKey: API_KEY, baseURL: fake.url });
}

function ask(text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: MODEL, messages: [{ role: 'user', content: text }], ...extra };
}

describe('a streamed reply arrives as text deltas, then usage, then one finish', () => {
  it('streams over SSE with the key in x-goog-api-key, the response model first', async () => {
    fake.script('google.stream', { chunks: ['Hel', 'lo, ', 'world!'], model: 'gemini-2.5-pro-preview-06-05', usage: { input: 21, output: 7 } });

    const events = await collect(adapter().chatStream(ask('Say hello')));

    expect(events[0]).toEqual({ type: 'response-metadata', responseModel: 'gemini-2.5-pro-preview-06-05', responseId: expect.stringMatching(/^fakeResponse/) });
    expect(events.filter((event) => event.type === 'text-delta').map((event) => (event as { text: string }).text)).toEqual(['Hel', 'lo, ', 'world!']);
    expect(events.filter((event) => event.type === 'usage')).toEqual([
      { type: 'usage', usage: { inputTokens: 21, outputTokens: 7, cacheReadTokens: 0, cacheWriteTokens: 0 } },
    ]);
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', rawFinishReason: 'STOP' });
    const [request] = fake.requestsTo('google.stream');
    expect(request!.path).toBe(`/v1beta/models/${MODEL}:streamGenerateContent`);
    expect(request!.query.get('alt')).toBe('sse');
    expect(request!.headers['x-goog-api-key']).toBe(API_KEY);
    expect(request!.body.contents).toEqual([{ role: 'user', parts: [{ text: 'Say hello' }] }]);
  });

  it('sends system messages as systemInstruction and the limits as generationConfig', async () => {
    await collect(
      adapter().chatStream({
        model: MODEL,
        maxOutputTokens: 256,
        temperature: 0.2,
        messages: [
          { role: 'system', content: 'Soul: be careful.' },
          { role: 'user', content: 'Fix the bug' },
        ],
      }),
    );

    const body = fake.requestsTo('google.stream')[0]!.body;
    expect(body.systemInstruction).toEqual({ role: 'user', parts: [{ text: 'Soul: be careful.' }] });
    expect(body.generationConfig).toEqual({ maxOutputTokens: 256, temperature: 0.2 });
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'Fix the bug' }] }]);
  });

  it.each([
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content-filter'],
    ['RECITATION', 'content-filter'],
    ['PROHIBITED_CONTENT', 'content-filter'],
    ['MALFORMED_FUNCTION_CALL', 'error'],
    ['OTHER', 'other'],
  ])('reports finishReason %s as %s', async (raw, unified) => {
    fake.script('google.stream', { text: 'Once upon', finishReason: raw });

    const events = await collect(adapter().chatStream(ask('Tell a story')));

    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: unified, rawFinishReason: raw });
  });
});

describe('a whole reply arrives at once without streaming', () => {
  it('returns the text, finish reason and the model that served it through generateContent', async () => {
    fake.script('google.generate', { text: 'The answer is 4.', model: 'gemini-2.5-pro-001' });

    const response = await adapter().chat(ask('What is 2+2?'));

    expect(response).toMatchObject({
      text: 'The answer is 4.',
      content: [{ type: 'text', text: 'The answer is 4.' }],
      toolCalls: [],
      finishReason: 'stop',
      rawFinishReason: 'STOP',
      responseModel: 'gemini-2.5-pro-001',
    });
    expect(fake.requestsTo('google.generate')).toHaveLength(1);
    expect(fake.requestsTo('google.stream')).toHaveLength(0);
  });
});

describe('tool calls make a round trip', () => {
  const tools = [
    {
      name: 'read_file',
      description: 'Read a file in the workspace',
      inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false },
    },
  ];

  it('declares the tools, yields the call, and sends functionCall (signed) and functionResponse back', async () => {
    fake.script('google.stream', { text: 'Let me look.', toolCalls: [{ name: 'read_file', arguments: { path: 'src/index.ts' } }] }, { text: 'It exports main().' });
    const provider = adapter();

    const first = await collect(provider.chatStream(ask('What does src/index.ts export?', { tools })));

    expect(fake.requestsTo('google.stream')[0]!.body.tools).toEqual([
      { functionDeclarations: [{ name: 'read_file', description: 'Read a file in the workspace', parametersJsonSchema: tools[0]!.inputSchema }] },
    ]);
    const calls = first.filter((event) => event.type === 'tool-call') as Array<{ toolCallId: string; toolName: string; input: unknown }>;
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ toolName: 'read_file', input: { path: 'src/index.ts' } });
    // Gemini says STOP after a function call; the reply still ends as a tool call.
    expect(first.at(-1)).toEqual({ type: 'finish', finishReason: 'tool-calls', rawFinishReason: 'STOP' });

    const toolCallId = calls[0]!.toolCallId;
    const second = await collect(
      provider.chatStream({
        model: MODEL,
        tools,
        messages: [
          { role: 'user', content: 'What does src/index.ts export?' },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Let me look.' },
              { type: 'tool-call', toolCallId, toolName: 'read_file', input: { path: 'src/index.ts' } },
            ],
          },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId, toolName: 'read_file', output: 'export function main() {}' }] },
          { role: 'user', content: 'Summarise.' },
        ],
      }),
    );
    expect(textOfEvents(second)).toBe('It exports main().');

    // The call id was made up by the adapter (the API sent none), so no id goes back; the
    // thought signature the API put on the call does.
    expect(fake.requestsTo('google.stream')[1]!.body.contents).toEqual([
      { role: 'user', parts: [{ text: 'What does src/index.ts export?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Let me look.' },
          { functionCall: { name: 'read_file', args: { path: 'src/index.ts' } }, thoughtSignature: FAKE_THOUGHT_SIGNATURE },
        ],
      },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'read_file', response: { output: 'export function main() {}' } } }, { text: 'Summarise.' }],
      },
    ]);
  });

  it('keeps an id the API gave the call, and sends a failed result under error', async () => {
    fake.script('google.generate', { toolCalls: [{ id: 'fc_abc123', name: 'run_tests', arguments: {} }] });
    const provider = adapter();

    const response = await provider.chat(ask('Run the tests', { tools }));
    expect(response.toolCalls).toEqual([{ type: 'tool-call', toolCallId: 'fc_abc123', toolName: 'run_tests', input: {} }]);
    expect(response.finishReason).toBe('tool-calls');

    await provider.chat({
      model: MODEL,
      messages: [
        { role: 'user', content: 'Run the tests' },
        { role: 'assistant', content: response.content },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'fc_abc123', toolName: 'run_tests', output: '2 failed', isError: true }] },
      ],
    });

    const contents = fake.requestsTo('google.generate')[1]!.body.contents;
    expect(contents[1].parts[0].functionCall).toEqual({ id: 'fc_abc123', name: 'run_tests', args: {} });
    expect(contents[2].parts).toEqual([{ functionResponse: { id: 'fc_abc123', name: 'run_tests', response: { error: '2 failed' } } }]);
  });

  it('gives a call from another model or an earlier process the documented stand-in signature', async () => {
    await adapter().chat({
      model: MODEL,
      messages: [
        { role: 'user', content: 'Read it' },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'toolu_01XYZ', toolName: 'read_file', input: { path: 'a.ts' } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_01XYZ', toolName: 'read_file', output: 'x' }] },
      ],
    });

    const modelTurn = fake.requestsTo('google.generate')[0]!.body.contents[1];
    expect(modelTurn.parts[0].thoughtSignature).toBe('skip_thought_signature_validator');
  });
});

describe('the Gemini base URL comes from GOOGLE_GEMINI_BASE_URL', () => {
  it('reaches the server the variable names when no base URL is given', async () => {
    vi.stubEnv('GOOGLE_GEMINI_BASE_URL', fake.url);
    fake.script('google.generate', { text: 'via the environment' });

    const response = await new GoogleAdapter({ apiKey: API_KEY }).chat(ask('hi'));

    expect(response.text).toBe('via the environment');
  });
});

describe('HTTP failures become ProviderErrors of the right kind', () => {
  it('429 RESOURCE_EXHAUSTED is a retryable rate limit with the RetryInfo delay', async () => {
    fake.script('google.generate', { fault: { status: 429, message: 'You exceeded your current quota', headers: { 'retry-after': '7' } } });

    const error = await failureOf(adapter().chat(ask('hi')));

    expect(error).toMatchObject({ kind: 'rate-limit', status: 429, retryAfterMs: 7000, retryable: true, provider: 'google', model: MODEL, vendorCode: 'RESOURCE_EXHAUSTED' });
  });

  it('503 "model is overloaded" is overloaded, 500 is a server error', async () => {
    fake.script('google.stream', { fault: { status: 503, message: 'The model is overloaded. Please try again later.' } }, { fault: { status: 500, message: 'Internal error encountered.' } });

    const overloaded = await failureOf(collect(adapter().chatStream(ask('hi'))));
    const server = await failureOf(collect(adapter().chatStream(ask('hi'))));

    expect(overloaded).toMatchObject({ kind: 'overloaded', status: 503, retryable: true });
    expect(server).toMatchObject({ kind: 'server', status: 500, retryable: true });
  });

  it('403 PERMISSION_DENIED is permission', async () => {
    fake.script('google.generate', { fault: { status: 403, message: 'Generative Language API has not been used in project 123 before or it is disabled.' } });

    const error = await failureOf(adapter().chat(ask('hi')));

    expect(error).toMatchObject({ kind: 'permission', status: 403, retryable: false });
  });

  it('400 "input token count exceeds the maximum" is context-length', async () => {
    fake.script('google.generate', { fault: { status: 400, message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).' } });

    const error = await failureOf(adapter().chat(ask('hi')));

    expect(error).toMatchObject({ kind: 'context-length', status: 400, retryable: false });
  });

  it('404 NOT_FOUND is not-found', async () => {
    fake.script('google.generate', { fault: { status: 404, message: 'models/gemini-nope is not found for API version v1beta' } });

    const error = await failureOf(adapter().chat(ask('hi', { model: 'gemini-nope' })));

    expect(error).toMatchObject({ kind: 'not-found', status: 404, model: 'gemini-nope' });
  });
});

describe('a broken stream fails loudly, never ends quietly', () => {
  it('a stream that ends cleanly without a finishReason is not taken for a whole reply', async () => {
    // An empty scripted finishReason makes the fake end the stream properly but leave out the
    // final chunk, as a proxy that drops the tail would.
    fake.script('google.stream', { chunks: ['one ', 'two '], finishReason: '' });

    const { events, error } = await collectUntilFailure(adapter().chatStream(ask('hi')));

    expect(textOfEvents(events)).toBe('one two ');
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(events.some((event) => event.type === 'finish' || event.type === 'usage')).toBe(false);
  });
});

describe('texts become embeddings', () => {
  it('embeds a batch through batchEmbedContents, in order', async () => {
    const vectors = await adapter().embed(['first text', 'second text'], { model: 'gemini-embedding-001' });

    expect(vectors.map((vector) => Array.from(vector))).toEqual([fakeEmbedding('first text'), fakeEmbedding('second text')]);
    const [request] = fake.requestsTo('google.embed');
    expect(request!.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(request!.body.requests[1]).toMatchObject({ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'second text' }] } });
  });

  it('splits more than 100 texts into batches the API accepts', async () => {
    const texts = Array.from({ length: 150 }, (_, index) => `text ${index}`);

    const vectors = await adapter().embed(texts, { model: 'text-embedding-004' });

    expect(vectors).toHaveLength(150);
    expect(Array.from(vectors[149]!)).toEqual(fakeEmbedding('text 149'));
    expect(fake.requestsTo('google.embed').map((request) => request.body.requests.length)).toEqual([100, 50]);
  });
});

describe('the model list comes from the API', () => {
  it('lists ids without the models/ prefix, with limits and capabilities', async () => {
    const models = await adapter().models();

    expect(models.map((model) => model.id)).toEqual(['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-embedding-001']);
    expect(models[0]).toEqual({ id: 'gemini-2.5-pro', contextWindow: 1_048_576, maxOutputTokens: 65_536, capabilities: ['chat', 'tools', 'vision', 'reasoning'] });
    expect(models[2]!.capabilities).toEqual(['embeddings']);
    expect(fake.requestsTo('google.models')[0]!.headers['x-goog-api-key']).toBe(API_KEY);
  });

  it('classifies a failed listing like any call', async () => {
    fake.script('google.models', { fault: { status: 400, code: 'API_KEY_INVALID', message: 'API key not valid.' } });

    const error = await failureOf(adapter().models());

    expect(error).toMatchObject({ kind: 'auth' });
  });
});

describeAdapterConformance({
  vendor: 'Gemini',
  server: fake,
  adapter: () => adapter(),
  routes: { whole: 'google.generate', stream: 'google.stream' },
  request: (text) => ask(text),
  // Every Gemini chunk repeats the running counts: the prompt is known from the first one.
  partialUsageOnCut: { inputTokens: 10, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
  lengthFinishRaw: 'MAX_TOKENS',
  reasoning: {
    reply: {
      wire: {
        events: [
          { candidates: [{ content: { role: 'model', parts: [{ text: 'Think ', thought: true }] }, index: 0 }], usageMetadata: { promptTokenCount: 10, totalTokenCount: 10 } },
          { candidates: [{ content: { role: 'model', parts: [{ text: 'first.', thought: true, thoughtSignature: 'CiQBsig==' }] }, index: 0 }] },
          { candidates: [{ content: { role: 'model', parts: [{ text: 'Answer.' }] }, index: 0, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 2, thoughtsTokenCount: 4, totalTokenCount: 16 } },
        ],
      },
    },
    text: 'Think first.',
    answer: 'Answer.',
    signature: 'CiQBsig==',
  },
  // Every SSE chunk is a whole GenerateContentResponse, text included from the first.
  eventsBeforeText: 0,
  httpFault: (status) => ({ status }),
  retriedStatuses: [429, 500, 503],
  inStreamFaults: [
    { label: 'an error body saying the model is overloaded', fault: { status: 503, message: 'The model is overloaded.' }, expected: { kind: 'overloaded', retryable: true } },
  ],
  usage: {
    // Gemini counts cached tokens inside promptTokenCount and thinking tokens beside candidates.
    detail: 'cached and thinking tokens included',
    scripted: { input: 12, output: 34, cacheRead: 1500, reasoning: 20 },
    expected: { inputTokens: 12, outputTokens: 34, cacheReadTokens: 1500, cacheWriteTokens: 0, reasoningTokens: 20 },
  },
  credentials: {
    echoed: {
      fault: { status: 400, code: 'API_KEY_INVALID', message: `API key not valid: ${API_KEY}. Please pass a valid API key.` },
      expected: { kind: 'auth', status: 400, retryable: false, vendorCode: 'API_KEY_INVALID' },
      messageContains: 'API key not valid',
      secrets: [API_KEY],
    },
    missing: { adapter: () => new GoogleAdapter({ apiKey: undefined, baseURL: fake.url }), names: ['GOOGLE_API_KEY', 'GEMINI_API_KEY'] },
  },
});
