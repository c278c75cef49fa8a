import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ChatRequest } from '../../src/model/chat-request.js';
import { BedrockAdapter } from '../../src/providers/bedrock/bedrock-adapter.js';
import { bedrockRoutes } from '../fakes/bedrock-routes.js';
import { FakeServer } from '../fakes/fake-server.js';
import { fakeEmbedding } from '../fakes/openai-routes.js';
import { describeAdapterConformance, useFakeServer } from './adapter-conformance.js';
import { collect, failureOf, textOfEvents } from './stream-test-helpers.js';

const ACCESS_KEY_ID = 'AKIAFAKEACCESSKEY123';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKESECRETKEY';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjFAKESESSIONTOKEN0123456789abcdef';
const MODEL = 'anthropic.claude-sonnet-4-20250514';

// Installed before any client exists: the AWS SDK checks the Node version once per process, when
// its first client is constructed.
const emitWarning = vi.spyOn(process, 'emitWarning');

afterAll(() => {
  emitWarning.mockRestore();
});

const fake = useFakeServer(new FakeServer(bedrockRoutes), () => {
  // The credential chain reads these; a developer's own AWS setup must not leak into a test.
  vi.stubEnv('AWS_ACCESS_KEY_ID', ACCESS_KEY_ID);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', SECRET_ACCESS_KEY);
  vi.stubEnv('AWS_SESSION_TOKEN', SESSION_TOKEN);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_BEARER_TOKEN_BEDROCK', undefined);
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ENDPOINT_URL_BEDROCK_RUNTIME', fake.url);
  vi.stubEnv('AWS_MAX_ATTEMPTS', undefined);
});

function adapter(): BedrockAdapter {
  return new BedrockAdapter();
}

function ask(text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: MODEL, messages: [{ role: 'user', content: text }], ...extra };
}

describe('a streamed reply arrives as text deltas, then usage, then one finish', () => {
  it('decodes the event stream and signs the request with SigV4 for the region', async () => {
    fake.script('bedrock.converse-stream', { chunks: ['Hel', 'lo, ', 'world!'], usage: { input: 21, output: 7 } });

    const events = await collect(adapter().chatStream(ask('Say hello')));

    expect(events.filter((event) => event.type === 'text-delta').map((event) => (event as { text: string }).text)).toEqual(['Hel', 'lo, ', 'world!']);
    expect(events.filter((event) => event.type === 'usage')).toEqual([
      { type: 'usage', usage: { inputTokens: 21, outputTokens: 7, cacheReadTokens: 0, cacheWriteTokens: 0 } },
    ]);
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', rawFinishReason: 'end_turn' });
    const [request] = fake.requestsTo('bedrock.converse-stream');
    expect(request!.path).toBe(`/model/${MODEL}/converse-stream`);
    expect(request!.headers['authorization']).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/\\d{8}/eu-west-1/bedrock/aws4_request`));
    expect(request!.headers['x-amz-security-token']).toBe(SESSION_TOKEN);
    expect(request!.body.messages).toEqual([{ role: 'user', content: [{ text: 'Say hello' }] }]);
  });

  it('sends system messages with a cache point for Claude, and the limits as inferenceConfig', async () => {
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

    const body = fake.requestsTo('bedrock.converse-stream')[0]!.body;
    expect(body.system).toEqual([{ text: 'Soul: be careful.' }, { cachePoint: { type: 'default' } }]);
    expect(body.inferenceConfig).toEqual({ maxTokens: 256, temperature: 0.2 });
  });

  it('sends no cache point to a model family without prompt caching', async () => {
    await collect(adapter().chatStream({ model: 'meta.llama3-3-70b-instruct-v1:0', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] }));

    const request = fake.requestsTo('bedrock.converse-stream')[0]!;
    expect(request.path).toBe('/model/meta.llama3-3-70b-instruct-v1%3A0/converse-stream');
    expect(request.body.system).toEqual([{ text: 'Be brief.' }]);
  });

  it.each([
    ['max_tokens', 'length'],
    ['stop_sequence', 'stop'],
    ['guardrail_intervened', 'content-filter'],
    ['content_filtered', 'content-filter'],
  ])('reports stopReason %s as %s', async (raw, unified) => {
    fake.script('bedrock.converse-stream', { text: 'Once upon', finishReason: raw });

    const events = await collect(adapter().chatStream(ask('Tell a story')));

    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: unified, rawFinishReason: raw });
  });
});

describe('a stream that ends at messageStop without its metadata event', () => {
  it('is a whole reply whose usage is unknown: no usage event (never zero), one finish', async () => {
    // Recorded Bedrock streams may end at messageStop; the metadata event (usage) is then absent.
    fake.script('bedrock.converse-stream', {
      wire: {
        events: [
          { messageStart: { role: 'assistant' } },
          { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'All done.' } } },
          { contentBlockStop: { contentBlockIndex: 0 } },
          { messageStop: { stopReason: 'end_turn' } },
        ],
      },
    });
    const events = await collect(adapter().chatStream(ask('Finish')));
    expect(textOfEvents(events)).toBe('All done.');
    expect(events.filter((event) => event.type === 'usage')).toEqual([]);
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', rawFinishReason: 'end_turn' });
  });

  it('a stream that ends before messageStop is still a cut stream (a retryable network error)', async () => {
    fake.script('bedrock.converse-stream', {
      wire: { events: [{ messageStart: { role: 'assistant' } }, { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'All do' } } }] },
    });
    const failure = await failureOf(collect(adapter().chatStream(ask('Finish'))));
    expect(failure).toMatchObject({ kind: 'network', retryable: true });
    expect(failure.message).toContain('no messageStop');
  });
});

describe('a whole reply arrives at once without streaming', () => {
  it('returns the text and finish reason through Converse', async () => {
    fake.script('bedrock.converse', { text: 'The answer is 4.' });

    const response = await adapter().chat(ask('What is 2+2?'));

    expect(response).toMatchObject({
      text: 'The answer is 4.',
      content: [{ type: 'text', text: 'The answer is 4.' }],
      toolCalls: [],
      finishReason: 'stop',
      rawFinishReason: 'end_turn',
    });
    expect(fake.requestsTo('bedrock.converse')).toHaveLength(1);
  });
});

describe('tool calls make a round trip', () => {
  const tools = [
    {
      name: 'read_file',
      description: 'Read a file in the workspace',
      inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
    },
  ];

  it('streams the arguments, yields the parsed call, and sends toolUse and toolResult back', async () => {
    fake.script(
      'bedrock.converse-stream',
      { text: 'Let me look.', toolCalls: [{ id: 'tooluse_01ABC', name: 'read_file', arguments: { path: 'src/index.ts' } }] },
      { text: 'It exports main().' },
    );
    const provider = adapter();

    const first = await collect(provider.chatStream(ask('What does src/index.ts export?', { tools })));

    expect(fake.requestsTo('bedrock.converse-stream')[0]!.body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'read_file', description: 'Read a file in the workspace', inputSchema: { json: tools[0]!.inputSchema } } }],
    });
    const argumentText = first
      .filter((event) => event.type === 'tool-input-delta')
      .map((event) => (event as { delta: string }).delta)
      .join('');
    expect(JSON.parse(argumentText)).toEqual({ path: 'src/index.ts' });
    expect(first.filter((event) => event.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCallId: 'tooluse_01ABC', toolName: 'read_file', input: { path: 'src/index.ts' } },
    ]);
    expect(first.at(-1)).toEqual({ type: 'finish', finishReason: 'tool-calls', rawFinishReason: 'tool_use' });

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
              { type: 'tool-call', toolCallId: 'tooluse_01ABC', toolName: 'read_file', input: { path: 'src/index.ts' } },
            ],
          },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'tooluse_01ABC', toolName: 'read_file', output: 'export function main() {}' }] },
          { role: 'user', content: 'Summarise.' },
        ],
      }),
    );
    expect(textOfEvents(second)).toBe('It exports main().');

    expect(fake.requestsTo('bedrock.converse-stream')[1]!.body.messages).toEqual([
      { role: 'user', content: [{ text: 'What does src/index.ts export?' }] },
      {
        role: 'assistant',
        content: [{ text: 'Let me look.' }, { toolUse: { toolUseId: 'tooluse_01ABC', name: 'read_file', input: { path: 'src/index.ts' } } }],
      },
      {
        role: 'user',
        content: [{ toolResult: { toolUseId: 'tooluse_01ABC', content: [{ text: 'export function main() {}' }] } }, { text: 'Summarise.' }],
      },
    ]);
  });

  it('returns the call from a whole reply, and marks a failed result for Claude', async () => {
    fake.script('bedrock.converse', { toolCalls: [{ id: 'tooluse_02', name: 'run_tests', arguments: {} }] });
    const provider = adapter();

    const response = await provider.chat(ask('Run the tests', { tools }));
    expect(response.toolCalls).toEqual([{ type: 'tool-call', toolCallId: 'tooluse_02', toolName: 'run_tests', input: {} }]);
    expect(response.finishReason).toBe('tool-calls');

    await provider.chat({
      model: MODEL,
      messages: [
        { role: 'user', content: 'Run the tests' },
        { role: 'assistant', content: response.content },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'tooluse_02', toolName: 'run_tests', output: '2 failed', isError: true }] },
      ],
    });

    const body = fake.requestsTo('bedrock.converse')[1]!.body;
    expect(body.messages[2].content).toEqual([{ toolResult: { toolUseId: 'tooluse_02', content: [{ text: '2 failed' }], status: 'error' } }]);
    // Converse refuses tool blocks without a toolConfig: a history-only tool is declared.
    expect(body.toolConfig.tools.map((tool: any) => tool.toolSpec.name)).toEqual(['run_tests']);
  });
});

describe('Bedrock exceptions become ProviderErrors of the right kind', () => {
  it('ThrottlingException (429) is a retryable rate limit, with Retry-After when present', async () => {
    fake.script('bedrock.converse', { fault: { status: 429, headers: { 'retry-after': '7' } } });

    const error = await failureOf(adapter().chat(ask('hi')));

    expect(error).toMatchObject({ kind: 'rate-limit', status: 429, retryAfterMs: 7000, retryable: true, provider: 'bedrock', model: MODEL, vendorCode: 'ThrottlingException' });
  });

  it.each([
    [503, 'ServiceUnavailableException', 'overloaded'],
    [500, 'InternalServerException', 'server'],
    [408, 'ModelTimeoutException', 'timeout'],
    [424, 'ModelErrorException', 'server'],
    [429, 'ModelNotReadyException', 'overloaded'],
  ])('%s %s is retryable as %s', async (status, code, kind) => {
    fake.script('bedrock.converse-stream', { fault: { status, code } });

    const error = await failureOf(collect(adapter().chatStream(ask('hi'))));

    expect(error).toMatchObject({ kind, status, retryable: true, vendorCode: code });
  });

  it.each([
    [403, 'UnrecognizedClientException', 'The security token included in the request is invalid.', 'auth'],
    [403, 'ExpiredTokenException', 'The security token included in the request is expired', 'auth'],
    [403, 'AccessDeniedException', "You don't have access to the model with the specified model ID.", 'permission'],
    [404, 'ResourceNotFoundException', 'Could not resolve the foundation model from the provided model identifier.', 'not-found'],
    [400, 'ValidationException', 'The provided model identifier is invalid.', 'invalid-request'],
    [400, 'ValidationException', 'Input is too long for requested model.', 'context-length'],
    [400, 'ValidationException', 'The model returned the following errors: prompt is too long: 215000 tokens > 200000 maximum', 'context-length'],
  ])('%s %s "%s" is permanent: %s', async (status, code, message, kind) => {
    fake.script('bedrock.converse', { fault: { status, code, message } });

    const error = await failureOf(adapter().chat(ask('hi')));

    expect(error).toMatchObject({ kind, status, retryable: false, vendorCode: code });
    expect(error.message).toContain(message);
  });

  it('an empty AWS_BEARER_TOKEN_BEDROCK still signs with the access key', async () => {
    vi.stubEnv('AWS_BEARER_TOKEN_BEDROCK', '');

    await adapter().chat(ask('hi'));

    expect(fake.requestsTo('bedrock.converse')[0]!.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 /);
  });
});

describe('texts become embeddings through InvokeModel', () => {
  it('Titan embeds one text per request', async () => {
    const vectors = await adapter().embed(['first text', 'second text'], { model: 'amazon.titan-embed-text-v2:0' });

    expect(vectors.map((vector) => Array.from(vector))).toEqual([fakeEmbedding('first text'), fakeEmbedding('second text')]);
    expect(fake.requestsTo('bedrock.invoke').map((request) => request.body)).toEqual([{ inputText: 'first text' }, { inputText: 'second text' }]);
  });

  it('Cohere embeds up to 96 texts per request, in order', async () => {
    const texts = Array.from({ length: 100 }, (_, index) => `text ${index}`);

    const vectors = await adapter().embed(texts, { model: 'cohere.embed-english-v3' });

    expect(vectors).toHaveLength(100);
    expect(Array.from(vectors[99]!)).toEqual(fakeEmbedding('text 99'));
    expect(fake.requestsTo('bedrock.invoke').map((request) => request.body.texts.length)).toEqual([96, 4]);
    expect(fake.requestsTo('bedrock.invoke')[0]!.body.input_type).toBe('search_document');
  });

  it('a chat model is an invalid request for embeddings, and nothing is sent', async () => {
    const error = await failureOf(adapter().embed(['x'], { model: MODEL }));

    expect(error).toMatchObject({ kind: 'invalid-request' });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('the model list is the known Bedrock models', () => {
  it('lists the PROVIDERS.md ids and the embedding models, without a request', async () => {
    const ids = (await adapter().models()).map((model) => model.id);

    expect(ids).toEqual(expect.arrayContaining(['anthropic.claude-sonnet-4-20250514', 'anthropic.claude-3-5-haiku-20241022', 'amazon.nova-pro-v1:0', 'meta.llama3-3-70b-instruct-v1:0', 'amazon.titan-embed-text-v2:0']));
    expect(fake.requests).toHaveLength(0);
  });
});

describe('the AWS SDK stays quiet about the Node version', () => {
  it('emits no NodeVersionSupportWarning and leaves the switch it used out of the environment', async () => {
    vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', undefined);
    await adapter().chat(ask('hi'));

    const versionWarnings = emitWarning.mock.calls.filter(([warning]) => String(warning).includes('NodeVersionSupportWarning'));
    expect(versionWarnings).toEqual([]);
    expect(process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED']).toBeUndefined();
  });
});

describeAdapterConformance({
  vendor: 'Bedrock',
  server: fake,
  adapter: () => adapter(),
  routes: { whole: 'bedrock.converse', stream: 'bedrock.converse-stream' },
  request: (text) => ask(text),
  partialUsageOnCut: undefined,
  lengthFinishRaw: 'max_tokens',
  reasoning: {
    // Converse's documented reasoningContent deltas: text pieces, then the signature, in one block.
    reply: {
      wire: {
        events: [
          { messageStart: { role: 'assistant' } },
          { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Think ' } } } },
          { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'first.' } } } },
          { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'EqQBbedrock==' } } } },
          { contentBlockStop: { contentBlockIndex: 0 } },
          { contentBlockDelta: { contentBlockIndex: 1, delta: { text: 'Answer.' } } },
          { contentBlockStop: { contentBlockIndex: 1 } },
          { messageStop: { stopReason: 'end_turn' } },
          { metadata: { usage: { inputTokens: 10, outputTokens: 20, totalTokens: 30 }, metrics: { latencyMs: 100 } } },
        ],
      },
    },
    text: 'Think first.',
    answer: 'Answer.',
    signature: 'EqQBbedrock==',
  },
  // messageStart comes before the first contentBlockDelta.
  eventsBeforeText: 1,
  // Bedrock names the exception in the body; routing must see a bare status as that exception.
  httpFault: (status) => ({ status, code: ({ 429: 'ThrottlingException', 500: 'InternalServerException', 503: 'ServiceUnavailableException' } as Record<number, string>)[status] }),
  retriedStatuses: [429, 500, 503],
  parsesStreamedToolInput: true,
  inStreamFaults: [
    {
      label: 'a ThrottlingException frame',
      fault: { status: 429, code: 'ThrottlingException' },
      expected: { kind: 'rate-limit', retryable: true, vendorCode: 'ThrottlingException' },
    },
  ],
  usage: {
    detail: 'prompt cache reads and writes included, from the metadata event',
    scripted: { input: 12, output: 34, cacheRead: 1500, cacheWrite: 250 },
    expected: { inputTokens: 12, outputTokens: 34, cacheReadTokens: 1500, cacheWriteTokens: 250 },
  },
  credentials: {
    echoed: {
      fault: { status: 403, code: 'UnrecognizedClientException', message: `Invalid token ${SESSION_TOKEN} for ${ACCESS_KEY_ID} / ${SECRET_ACCESS_KEY}` },
      expected: { kind: 'auth' },
      secrets: [SECRET_ACCESS_KEY, SESSION_TOKEN, ACCESS_KEY_ID],
    },
    missing: {
      adapter: () => adapter(),
      arrange() {
        vi.stubEnv('AWS_ACCESS_KEY_ID', '');
        vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
        vi.stubEnv('AWS_SESSION_TOKEN', '');
        vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials');
        vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');
        // No instance metadata service to wait for in a test.
        vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
      },
      names: ['AWS_ACCESS_KEY_ID'],
    },
  },
});
