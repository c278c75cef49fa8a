import { describe, expect, it, vi } from 'vitest';
import type { ChatRequest } from '../../src/model/chat-request.js';
import { AnthropicAdapter } from '../../src/providers/anthropic/anthropic-adapter.js';
import { anthropicRoutes } from '../fakes/anthropic-routes.js';
import { FakeServer } from '../fakes/fake-server.js';
import { describeAdapterConformance, useFakeServer } from './adapter-conformance.js';
import { collect, failureOf, textOfEvents } from './stream-test-helpers.js';

const API_KEY = 'sk-ant-api03-fake-key-for-tests-0123456789';
const MODEL = 'claude-sonnet-4-6';

const fake = useFakeServer(new FakeServer(anthropicRoutes), () => {
  // The SDK reads these when constructed; a developer's own settings must not leak into a test.
  vi.stubEnv('ANTHROPIC_BASE_URL', '');
  vi.stubEnv('ANTHROPIC_AUTH_TOKEN', '');
  vi.stubEnv('ANTHROPIC_CUSTOM_HEADERS', '');
});

function adapter(): AnthropicAdapter {
  return new AnthropicAdapter({ apiKey: API_KEY, baseURL: fake.url });
}

function ask(text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: MODEL, messages: [{ role: 'user', content: text }], ...extra };
}

function lastMessagesRequest(): any {
  const requests = fake.requestsTo('anthropic.messages');
  expect(requests.length).toBeGreaterThan(0);
  return requests.at(-1)!.body;
}

describe('a streamed reply arrives as text deltas, then usage, then one finish', () => {
  it('yields the text in pieces, the response model first and exactly one usage and finish at the end', async () => {
    fake.script('anthropic.messages', {
      chunks: ['Hel', 'lo, ', 'world', '!'],
      model: 'claude-sonnet-4-6-20260101',
      usage: { input: 21, output: 7 },
    });

    const events = await collect(adapter().chatStream(ask('Say hello')));

    expect(events[0]).toEqual({ type: 'response-metadata', responseModel: 'claude-sonnet-4-6-20260101', responseId: expect.stringMatching(/^msg_/) });
    expect(events.filter((event) => event.type === 'text-delta').map((event) => (event as { text: string }).text)).toEqual(['Hel', 'lo, ', 'world', '!']);
    expect(events.filter((event) => event.type === 'usage')).toEqual([
      { type: 'usage', usage: { inputTokens: 21, outputTokens: 7, cacheReadTokens: 0, cacheWriteTokens: 0 } },
    ]);
    expect(events.filter((event) => event.type === 'finish')).toHaveLength(1);
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', rawFinishReason: 'end_turn' });
    expect(lastMessagesRequest()).toMatchObject({ model: MODEL, stream: true, max_tokens: 8192 });
  });

  it('reports a reply cut by max_tokens as length', async () => {
    fake.script('anthropic.messages', { text: 'Once upon a', finishReason: 'max_tokens' });

    const events = await collect(adapter().chatStream(ask('Tell a story', { maxOutputTokens: 3 })));

    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'length', rawFinishReason: 'max_tokens' });
    expect(lastMessagesRequest().max_tokens).toBe(3);
  });
});

describe('a whole reply arrives at once without streaming', () => {
  it('returns the text, finish reason and the model that served it', async () => {
    fake.script('anthropic.messages', { text: 'The answer is 4.', model: 'claude-sonnet-4-6-20260101' });

    const response = await adapter().chat(ask('What is 2+2?'));

    expect(response.text).toBe('The answer is 4.');
    expect(response.content).toEqual([{ type: 'text', text: 'The answer is 4.' }]);
    expect(response.toolCalls).toEqual([]);
    expect(response.finishReason).toBe('stop');
    expect(response.rawFinishReason).toBe('end_turn');
    expect(response.responseModel).toBe('claude-sonnet-4-6-20260101');
    expect(lastMessagesRequest().stream).toBeUndefined();
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

  it('streams the arguments, yields the parsed call, and sends tool_use and tool_result back with matching ids', async () => {
    fake.script(
      'anthropic.messages',
      {
        text: 'Let me look.',
        toolCalls: [{ id: 'toolu_01ABC', name: 'read_file', arguments: { path: 'src/index.ts' } }],
      },
      { text: 'The file exports main().' },
    );
    const provider = adapter();

    const first = await collect(provider.chatStream(ask('What does src/index.ts export?', { tools })));

    const argumentText = first
      .filter((event) => event.type === 'tool-input-delta')
      .map((event) => (event as { delta: string }).delta)
      .join('');
    expect(JSON.parse(argumentText)).toEqual({ path: 'src/index.ts' });
    const calls = first.filter((event) => event.type === 'tool-call');
    expect(calls).toEqual([{ type: 'tool-call', toolCallId: 'toolu_01ABC', toolName: 'read_file', input: { path: 'src/index.ts' } }]);
    expect(first.at(-1)).toEqual({ type: 'finish', finishReason: 'tool-calls', rawFinishReason: 'tool_use' });

    const second = await collect(
      provider.chatStream({
        model: MODEL,
        tools,
        messages: [
          { role: 'system', content: 'You are a careful engineer.' },
          { role: 'user', content: 'What does src/index.ts export?' },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Let me look.' },
              { type: 'tool-call', toolCallId: 'toolu_01ABC', toolName: 'read_file', input: { path: 'src/index.ts' } },
            ],
          },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_01ABC', toolName: 'read_file', output: 'export function main() {}' }] },
        ],
      }),
    );
    expect(textOfEvents(second)).toBe('The file exports main().');

    const sent = fake.requestsTo('anthropic.messages')[1]!.body;
    expect(sent.system).toEqual([{ type: 'text', text: 'You are a careful engineer.', cache_control: { type: 'ephemeral' } }]);
    expect(sent.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'What does src/index.ts export?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool_use', id: 'toolu_01ABC', name: 'read_file', input: { path: 'src/index.ts' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01ABC', content: 'export function main() {}' }] },
    ]);
  });

  it('returns the call with its input object from a whole reply', async () => {
    fake.script('anthropic.messages', { toolCalls: [{ id: 'toolu_02', name: 'read_file', arguments: { path: 'README.md' } }] });

    const response = await adapter().chat(ask('Read the readme', { tools }));

    expect(response.toolCalls).toEqual([{ type: 'tool-call', toolCallId: 'toolu_02', toolName: 'read_file', input: { path: 'README.md' } }]);
    expect(response.finishReason).toBe('tool-calls');
  });

  it('gives a call streamed without any argument JSON an empty input object', async () => {
    fake.script('anthropic.messages', { toolCalls: [{ id: 'toolu_03', name: 'list_files', arguments: '' }] });

    const events = await collect(adapter().chatStream(ask('List the files')));

    expect(events.filter((event) => event.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCallId: 'toolu_03', toolName: 'list_files', input: {} },
    ]);
  });

  it('merges a tool result and the next user text into one user turn, results first', async () => {
    await adapter().chat({
      model: MODEL,
      messages: [
        { role: 'user', content: 'Run the tests' },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'toolu_04', toolName: 'run_tests', input: {} }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_04', toolName: 'run_tests', output: '2 failed', isError: true }] },
        { role: 'user', content: 'Now fix them.' },
      ],
    });

    expect(lastMessagesRequest().messages.at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_04', content: '2 failed', is_error: true },
        { type: 'text', text: 'Now fix them.' },
      ],
    });
  });
});

describe('the stable prefix is marked for prompt caching', () => {
  function blocksWithCacheControl(body: any): string[] {
    const marked: string[] = [];
    (body.system ?? []).forEach((block: any, index: number) => block.cache_control && marked.push(`system[${index}]`));
    body.messages.forEach((message: any, messageIndex: number) =>
      message.content.forEach((block: any, blockIndex: number) => block.cache_control && marked.push(`messages[${messageIndex}][${blockIndex}]`)),
    );
    (body.tools ?? []).forEach((tool: any, index: number) => tool.cache_control && marked.push(`tools[${index}]`));
    return marked;
  }

  it('marks the last system block by default', async () => {
    await adapter().chat({
      model: MODEL,
      messages: [
        { role: 'system', content: 'Soul: be careful.' },
        { role: 'system', content: 'Skills: testing, refactoring.' },
        { role: 'user', content: 'Fix the bug' },
      ],
    });

    const body = lastMessagesRequest();
    expect(body.system).toEqual([
      { type: 'text', text: 'Soul: be careful.' },
      { type: 'text', text: 'Skills: testing, refactoring.', cache_control: { type: 'ephemeral' } },
    ]);
    expect(blocksWithCacheControl(body)).toEqual(['system[1]']);
  });

  it('marks the end of the prefix instead when cacheablePrefixLength is set', async () => {
    await adapter().chat({
      model: MODEL,
      cacheablePrefixLength: 3,
      messages: [
        { role: 'system', content: 'Soul: be careful.' },
        { role: 'user', content: [{ type: 'text', text: 'Project rules.' }, { type: 'text', text: 'Task context.' }] },
        { role: 'assistant', content: 'Understood.' },
        { role: 'user', content: 'Fix the bug' },
      ],
    });

    const body = lastMessagesRequest();
    expect(blocksWithCacheControl(body)).toEqual(['messages[1][0]']);
    expect(body.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Understood.', cache_control: { type: 'ephemeral' } }] });
  });

  it('counts system messages as part of the prefix', async () => {
    await adapter().chat({
      model: MODEL,
      cacheablePrefixLength: 2,
      messages: [
        { role: 'system', content: 'Soul: be careful.' },
        { role: 'user', content: [{ type: 'text', text: 'Project rules.' }, { type: 'text', text: 'Task context.' }] },
        { role: 'user', content: 'Fix the bug' },
      ],
    });

    // The two user messages merge into one turn; the breakpoint stays on the prefix's last block.
    const body = lastMessagesRequest();
    expect(body.messages).toHaveLength(1);
    expect(blocksWithCacheControl(body)).toEqual(['messages[0][1]']);
    expect(body.messages[0].content[1].text).toBe('Task context.');
  });

  it('marks the last tool definition and sends tools as name, description and input_schema', async () => {
    const schema = { type: 'object', properties: { path: { type: 'string' } } };
    await adapter().chat(
      ask('Look around', {
        tools: [
          { name: 'read_file', description: 'Read a file', inputSchema: schema },
          { name: 'list_files', description: 'List files', inputSchema: { type: 'object', properties: {} } },
        ],
      }),
    );

    const body = lastMessagesRequest();
    expect(body.tools).toEqual([
      { name: 'read_file', description: 'Read a file', input_schema: schema },
      { name: 'list_files', description: 'List files', input_schema: { type: 'object', properties: {} }, cache_control: { type: 'ephemeral' } },
    ]);
    expect(blocksWithCacheControl(body)).toEqual(['tools[1]']);
  });
});

describe('only the API key authenticates, as x-api-key', () => {
  it('sends x-api-key and no authorization header', async () => {
    await adapter().chat(ask('hi'));

    const headers = fake.requestsTo('anthropic.messages')[0]!.headers;
    expect(headers['x-api-key']).toBe(API_KEY);
    expect(headers['authorization']).toBeUndefined();
    expect(String(headers['anthropic-beta'] ?? '')).not.toMatch(/oauth/i);
  });

  it('ignores a bearer token in ANTHROPIC_AUTH_TOKEN', async () => {
    vi.stubEnv('ANTHROPIC_AUTH_TOKEN', 'sk-ant-oat01-subscription-token-0123456789');

    await adapter().chat(ask('hi'));

    const headers = fake.requestsTo('anthropic.messages')[0]!.headers;
    expect(headers['authorization']).toBeUndefined();
    expect(JSON.stringify(headers)).not.toContain('sk-ant-oat01');
  });

  it('reaches the server named by ANTHROPIC_BASE_URL when no base URL is given', async () => {
    vi.stubEnv('ANTHROPIC_BASE_URL', fake.url);
    fake.script('anthropic.messages', { text: 'via the environment' });

    const response = await new AnthropicAdapter({ apiKey: API_KEY }).chat(ask('hi'));

    expect(response.text).toBe('via the environment');
  });
});

describe('HTTP failures become ProviderErrors of the right kind', () => {
  it('429 with retry-after in seconds is a retryable rate limit with the wait in milliseconds', async () => {
    fake.script('anthropic.messages', { fault: { status: 429, message: 'Number of request tokens has exceeded your per-minute rate limit', headers: { 'retry-after': '7' } } });

    const error = await failureOf(adapter().chat(ask('hi')));

    expect(error).toMatchObject({ kind: 'rate-limit', status: 429, retryAfterMs: 7000, retryable: true, provider: 'anthropic', model: MODEL });
  });

  it('429 with retry-after-ms keeps the exact wait', async () => {
    fake.script('anthropic.messages', { fault: { status: 429, headers: { 'retry-after-ms': '1500', 'retry-after': '2' } } });

    const error = await failureOf(collect(adapter().chatStream(ask('hi'))));

    expect(error).toMatchObject({ kind: 'rate-limit', status: 429, retryAfterMs: 1500 });
  });

  it('529 is overloaded', async () => {
    fake.script('anthropic.messages', { fault: { status: 529 } });

    const error = await failureOf(collect(adapter().chatStream(ask('hi'))));

    expect(error).toMatchObject({ kind: 'overloaded', status: 529, retryable: true, vendorCode: 'overloaded_error' });
  });

  it('500 is a retryable server error', async () => {
    fake.script('anthropic.messages', { fault: { status: 500, message: 'Internal server error' } });

    const error = await failureOf(adapter().chat(ask('hi')));

    expect(error).toMatchObject({ kind: 'server', status: 500, retryable: true });
  });

  it('400 "prompt is too long" is context-length', async () => {
    fake.script('anthropic.messages', { fault: { status: 400, message: 'prompt is too long: 215000 tokens > 200000 maximum' } });

    const error = await failureOf(adapter().chat(ask('hi')));

    expect(error).toMatchObject({ kind: 'context-length', status: 400, retryable: false });
  });

  it('404 is not-found', async () => {
    fake.script('anthropic.messages', { fault: { status: 404, message: 'model: claude-nope' } });

    const error = await failureOf(adapter().chat(ask('hi', { model: 'claude-nope' })));

    expect(error).toMatchObject({ kind: 'not-found', status: 404, model: 'claude-nope', retryable: false });
  });
});

describe('the model list comes from the API', () => {
  it('lists ids with context window, output limit and capabilities', async () => {
    const models = await adapter().models();

    expect(models.map((model) => model.id)).toEqual(['claude-opus-4-6', 'claude-sonnet-4-6', 'claude-haiku-4-5']);
    expect(models[1]).toEqual({
      id: 'claude-sonnet-4-6',
      contextWindow: 200_000,
      maxOutputTokens: 64_000,
      capabilities: ['chat', 'tools', 'vision', 'reasoning'],
    });
    expect(fake.requestsTo('anthropic.models')[0]!.headers['x-api-key']).toBe(API_KEY);
  });

  it('classifies a failed listing like any call', async () => {
    fake.script('anthropic.models', { fault: { status: 401, message: 'invalid x-api-key' } });

    const error = await failureOf(adapter().models());

    expect(error).toMatchObject({ kind: 'auth', status: 401 });
  });
});

describeAdapterConformance({
  vendor: 'Anthropic',
  server: fake,
  adapter: () => adapter(),
  routes: { whole: 'anthropic.messages', stream: 'anthropic.messages' },
  request: (text) => ask(text),
  partialUsageOnCut: { inputTokens: 10, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
  lengthFinishRaw: 'max_tokens',
  reasoning: {
    reply: {
      wire: {
        events: [
          { type: 'message_start', message: { id: 'msg_r', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } },
          { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Think ' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'first.' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIMsig==' } },
          { type: 'content_block_stop', index: 0 },
          { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Answer.' } },
          { type: 'content_block_stop', index: 1 },
          { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 20 } },
          { type: 'message_stop' },
        ],
      },
    },
    text: 'Think first.',
    answer: 'Answer.',
    signature: 'EqQBCgIYAhIMsig==',
  },
  // message_start, ping and content_block_start come before the first text_delta.
  eventsBeforeText: 3,
  httpFault: (status) => ({ status }),
  retriedStatuses: [429, 529, 500],
  parsesStreamedToolInput: true,
  inStreamFaults: [{ label: 'an overloaded_error event', fault: { status: 529 }, expected: { kind: 'overloaded', retryable: true, vendorCode: 'overloaded_error' } }],
  usage: {
    detail: 'prompt cache reads and writes included, message_start and message_delta counts combined',
    scripted: { input: 12, output: 34, cacheRead: 1500, cacheWrite: 250 },
    expected: { inputTokens: 12, outputTokens: 34, cacheReadTokens: 1500, cacheWriteTokens: 250 },
  },
  credentials: {
    echoed: {
      fault: { status: 401, message: `invalid x-api-key: ${API_KEY}` },
      expected: { kind: 'auth', status: 401, retryable: false },
      messageContains: 'invalid x-api-key',
      secrets: [API_KEY, 'sk-ant-api03'],
    },
    missing: { adapter: () => new AnthropicAdapter({ apiKey: undefined, baseURL: fake.url }), names: ['ANTHROPIC_API_KEY'] },
  },
});
