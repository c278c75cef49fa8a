import { describe, expect, it, vi } from 'vitest';
import type { AssistantPart } from '../../src/model/content-part.js';
import type { ChatRequest } from '../../src/model/chat-request.js';
import type { Message } from '../../src/model/message.js';
import type { StreamEvent } from '../../src/model/stream-event.js';
import type { Usage } from '../../src/model/usage.js';
import { AnthropicAdapter } from '../../src/providers/anthropic/anthropic-adapter.js';
import { GoogleAdapter } from '../../src/providers/google/google-adapter.js';
import { OpenAIChatAdapter } from '../../src/providers/openai/openai-chat-adapter.js';
import { anthropicRoutes } from '../fakes/anthropic-routes.js';
import { FakeServer } from '../fakes/fake-server.js';
import { geminiRoutes } from '../fakes/gemini-routes.js';
import { openaiRoutes } from '../fakes/openai-routes.js';
import { CLAUDE_TURN_SENT_BACK, claudeThinkingThenToolEvents, GEMINI_PARTS_SENT_BACK, geminiThoughtThenCallEvents } from '../fakes/reasoning-wire-events.js';
import { useFakeServer } from './adapter-conformance.js';
import { collect, textOfEvents } from './stream-test-helpers.js';

// Fixtures below are written from each vendor's documented wire format (API references and
// guides for xAI usage, DeepSeek thinking mode, Mistral Magistral content parts, Anthropic
// extended thinking, Gemini thought signatures); none is a copied recording.

const openai = useFakeServer(new FakeServer(openaiRoutes));
const anthropic = useFakeServer(new FakeServer(anthropicRoutes));
const gemini = useFakeServer(new FakeServer(geminiRoutes));

function compatible(id: string): OpenAIChatAdapter {
  return new OpenAIChatAdapter({ id, name: id, apiKey: 'sk-test-key', baseURL: `${openai.url}/v1` });
}

const TOOLS = [{ name: 'read_file', description: 'Read a file', inputSchema: { type: 'object', properties: { path: { type: 'string' } } } }];

function ask(model: string, messages: Message[] = [{ role: 'user', content: 'What is in README.md?' }], extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model, messages, tools: TOOLS, ...extra };
}

function chunk(delta: Record<string, unknown>, finish: string | null = null, usage?: unknown): Record<string, unknown> {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1_760_000_000,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  };
}

function usageTotal(usage: Usage): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens + usage.outputTokens;
}

function expectUsageInvariants(usage: Usage, vendorTotal: number): void {
  expect(usage.reasoningTokens ?? 0).toBeLessThanOrEqual(usage.outputTokens);
  expect(usageTotal(usage)).toBe(vendorTotal);
}

/** The assistant turn an engine would write back from a stream's events. */
function assistantTurnOf(events: StreamEvent[], provider: string): AssistantPart[] {
  const parts: AssistantPart[] = [];
  const open = new Map<string, Extract<AssistantPart, { type: 'reasoning' }>>();
  for (const event of events) {
    if (event.type === 'reasoning-start') {
      const part = { type: 'reasoning' as const, text: '', provider };
      open.set(event.id, part);
      parts.push(part);
    } else if (event.type === 'reasoning-delta') open.get(event.id)!.text += event.text;
    else if (event.type === 'reasoning-end') {
      const part = open.get(event.id)!;
      if (event.signature !== undefined) part.signature = event.signature;
      if (event.encrypted !== undefined) part.encrypted = event.encrypted;
    } else if (event.type === 'tool-call') parts.push({ type: 'tool-call', toolCallId: event.toolCallId, toolName: event.toolName, input: event.input });
  }
  return parts;
}

describe('xAI usage: completion_tokens exclude reasoning, and the total proves it', () => {
  // xAI's documented example: prompt 307 + completion 26 + reasoning 227 = total 560.
  const XAI_USAGE = {
    prompt_tokens: 307,
    completion_tokens: 26,
    total_tokens: 560,
    prompt_tokens_details: { cached_tokens: 0, text_tokens: 307 },
    completion_tokens_details: { reasoning_tokens: 227 },
  };

  it('a whole reply is billed 253 output tokens, reasoning inside them, and the total adds up', async () => {
    openai.script('openai.chat', {
      wire: {
        body: {
          id: 'x1',
          object: 'chat.completion',
          created: 1,
          model: 'grok-3-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.', reasoning_content: 'The capital of France…' }, finish_reason: 'stop' }],
          usage: XAI_USAGE,
        },
      },
    });

    const response = await compatible('xai').chat(ask('grok-3-mini'));

    expect(response.usage).toEqual({ inputTokens: 307, outputTokens: 253, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 227 });
    expectUsageInvariants(response.usage!, 560);
    expect(response.reasoning).toBe('The capital of France…');
  });

  it('a stream reports the same, and OpenAI itself still counts reasoning inside completion_tokens', async () => {
    const events = [chunk({ role: 'assistant', content: 'Paris.' }), chunk({}, 'stop'), { ...chunk({}), choices: [], usage: XAI_USAGE }];
    openai.script('openai.chat', { wire: { events } }, { wire: { events } });

    const xai = (await collect(compatible('xai').chatStream(ask('grok-3-mini')))).find((event) => event.type === 'usage');
    const plain = (await collect(compatible('openai').chatStream(ask('o4-mini')))).find((event) => event.type === 'usage');

    expect(xai).toEqual({ type: 'usage', usage: { inputTokens: 307, outputTokens: 253, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 227 } });
    // OpenAI's convention: reasoning is inside completion_tokens (its total would be 333); the
    // count is clamped so reasoning never exceeds output.
    expect(plain).toMatchObject({ type: 'usage', usage: { outputTokens: 26, reasoningTokens: 26 } });
  });
});

describe('array-shaped content (Mistral Magistral and other compatible servers)', () => {
  it('streamed: text parts are the answer, thinking parts are reasoning, nothing is dropped', async () => {
    openai.script('openai.chat', {
      wire: {
        events: [
          chunk({ role: 'assistant', content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Two plus ' }] }] }),
          chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'two is four.' }] }] }),
          chunk({ content: [{ type: 'text', text: 'The answer ' }] }),
          chunk({ content: [{ type: 'text', text: 'is 4.' }] }),
          chunk({}, 'stop', { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 }),
        ],
      },
    });

    const events = await collect(compatible('mistral').chatStream(ask('magistral-medium-latest')));

    expect(textOfEvents(events)).toBe('The answer is 4.');
    const reasoning = events.filter((event) => event.type === 'reasoning-delta').map((event) => (event.type === 'reasoning-delta' ? event.text : '')).join('');
    expect(reasoning).toBe('Two plus two is four.');
    expect(events.map((event) => event.type).filter((type) => type.startsWith('reasoning-')).at(-1)).toBe('reasoning-end');
  });

  it('whole: the text is a string, the thinking is reasoning', async () => {
    openai.script('openai.chat', {
      wire: {
        body: {
          id: 'm1',
          object: 'chat.completion',
          created: 1,
          model: 'magistral-medium-latest',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Easy.' }] }, { type: 'text', text: 'It is 4.' }] },
              finish_reason: 'stop',
            },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        },
      },
    });

    const response = await compatible('mistral').chat(ask('magistral-medium-latest'));

    expect(response.text).toBe('It is 4.');
    expect(typeof response.text).toBe('string');
    expect(response.reasoning).toBe('Easy.');
  });
});

describe("DeepSeek's thinking mode: a tool-call turn carries its reasoning_content back", () => {
  it('reasoning streamed before a tool call goes back on that assistant turn, and only to DeepSeek', async () => {
    openai.script('openai.chat', {
      wire: {
        events: [
          chunk({ role: 'assistant', content: null, reasoning_content: 'I should read ' }),
          chunk({ reasoning_content: 'the README.' }),
          chunk({ tool_calls: [{ index: 0, id: 'call_0', type: 'function', function: { name: 'read_file', arguments: '{"path":"README.md"}' } }] }),
          chunk({}, 'tool_calls', { prompt_tokens: 20, completion_tokens: 30, total_tokens: 50, completion_tokens_details: { reasoning_tokens: 12 } }),
        ],
      },
    });
    const deepseek = compatible('deepseek');
    const first = await collect(deepseek.chatStream(ask('deepseek-reasoner')));
    const turn = assistantTurnOf(first, 'deepseek');
    const history: Message[] = [
      { role: 'user', content: 'What is in README.md?' },
      { role: 'assistant', content: turn },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_0', toolName: 'read_file', output: '# openkoi' }] },
    ];

    await collect(deepseek.chatStream(ask('deepseek-reasoner', history)));
    await collect(compatible('groq').chatStream(ask('qwen-qwq', history)));

    const [, toDeepSeek, toGroq] = openai.requestsTo('openai.chat');
    expect(toDeepSeek!.body.messages[1]).toMatchObject({ role: 'assistant', reasoning_content: 'I should read the README.', tool_calls: [{ id: 'call_0' }] });
    expect(toGroq!.body.messages[1].reasoning_content).toBeUndefined();
  });
});

describe('refusals are refusals, not answers', () => {
  it('an OpenAI refusal is a refusal event and a content-filter finish, not text', async () => {
    openai.script('openai.chat', {
      wire: { events: [chunk({ role: 'assistant', content: null, refusal: "I can't help with that." }), chunk({}, 'stop')] },
    });

    const events = await collect(compatible('openai').chatStream(ask('gpt-5.2')));

    expect(textOfEvents(events)).toBe('');
    expect(events).toContainEqual({ type: 'refusal', text: "I can't help with that." });
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'content-filter', rawFinishReason: 'stop' });
  });

  it('an Anthropic refusal carries the explanation from stop_details', async () => {
    anthropic.script('anthropic.messages', {
      wire: {
        body: {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4-6',
          content: [],
          stop_reason: 'refusal',
          stop_sequence: null,
          stop_details: { type: 'refusal', category: 'cyber', explanation: 'This request could enable malware development.' },
          usage: { input_tokens: 40, output_tokens: 1 },
        },
      },
    });

    const response = await new AnthropicAdapter({ apiKey: 'sk-ant-test', baseURL: anthropic.url }).chat(ask('claude-sonnet-4-6'));

    expect(response.finishReason).toBe('content-filter');
    expect(response.refusal).toBe('This request could enable malware development.');
    expect(response.text).toBe('');
  });
});

describe('a compatible server that sends no usage leaves it unknown, never zero', () => {
  it('whole and streamed', async () => {
    openai.script(
      'openai.chat',
      { wire: { body: { id: 'l1', object: 'chat.completion', created: 1, model: 'llama', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }] } } },
      { wire: { events: [chunk({ role: 'assistant', content: 'hi' }), chunk({}, 'stop')] } },
    );

    const response = await compatible('local').chat(ask('llama'));
    const events = await collect(compatible('local').chatStream(ask('llama')));

    expect(response.usage).toBeUndefined();
    expect(events.some((event) => event.type === 'usage')).toBe(false);
  });
});

describe('Anthropic extended thinking with tools: the signed thinking block goes back byte-identical', () => {
  it('thinking and signature deltas become one reasoning block, sent back unchanged before the tool_use', async () => {
    anthropic.script('anthropic.messages', { wire: { events: claudeThinkingThenToolEvents() } });
    const adapter = new AnthropicAdapter({ apiKey: 'sk-ant-test', baseURL: anthropic.url });
    const first = await collect(adapter.chatStream(ask('claude-sonnet-4-6', undefined, { reasoning: { budgetTokens: 2048 } })));
    const history: Message[] = [
      { role: 'user', content: 'What is in README.md?' },
      { role: 'assistant', content: assistantTurnOf(first, 'anthropic') },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_01', toolName: 'read_file', output: '# openkoi' }] },
    ];

    await collect(adapter.chatStream(ask('claude-sonnet-4-6', history, { reasoning: { budgetTokens: 2048 } })));

    const [firstRequest, secondRequest] = anthropic.requestsTo('anthropic.messages');
    expect(firstRequest!.body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(firstRequest!.body.max_tokens).toBeGreaterThan(2048);
    expect(secondRequest!.body.messages[1]).toEqual(CLAUDE_TURN_SENT_BACK);
  });

  it('another vendor never receives Anthropic thinking', async () => {
    const history: Message[] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'reasoning', text: 'hm', signature: 'sig', provider: 'bedrock' }, { type: 'text', text: 'hello' }] },
      { role: 'user', content: 'again' },
    ];

    await collect(new AnthropicAdapter({ apiKey: 'sk-ant-test', baseURL: anthropic.url }).chatStream(ask('claude-sonnet-4-6', history)));

    expect(anthropic.requestsTo('anthropic.messages')[0]!.body.messages[1].content).toEqual([{ type: 'text', text: 'hello' }]);
  });
});

describe("the Anthropic SDK's deprecation notice never reaches stderr", () => {
  it('it becomes one warning event for the model, and console.warn is not called', async () => {
    const consoleWarn = vi.spyOn(console, 'warn');
    const adapter = new AnthropicAdapter({ apiKey: 'sk-ant-test', baseURL: anthropic.url });

    const first = await collect(adapter.chatStream(ask('claude-sonnet-4-5')));
    const second = await collect(adapter.chatStream(ask('claude-sonnet-4-5')));

    expect(consoleWarn).not.toHaveBeenCalled();
    expect(first.filter((event) => event.type === 'warning')).toEqual([{ type: 'warning', message: expect.stringContaining("'claude-sonnet-4-5' is deprecated") }]);
    expect(second.some((event) => event.type === 'warning')).toBe(false);
    consoleWarn.mockRestore();
  });
});

describe('Gemini thought parts: reasoning with its thought signature, sent back to Gemini', () => {
  it('a thought summary streams as reasoning, and the next request carries it back with its signature', async () => {
    gemini.script('google.stream', { wire: { events: geminiThoughtThenCallEvents() } });
    const adapter = new GoogleAdapter({ apiKey: 'AIza-test-key', baseURL: gemini.url });
    const first = await collect(adapter.chatStream(ask('gemini-2.5-pro', undefined, { reasoning: { budgetTokens: 1024 } })));
    const usage = first.find((event) => event.type === 'usage');
    const toolCall = first.find((event) => event.type === 'tool-call');
    const history: Message[] = [
      { role: 'user', content: 'What is in README.md?' },
      { role: 'assistant', content: assistantTurnOf(first, 'google') },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: toolCall!.type === 'tool-call' ? toolCall!.toolCallId : '', toolName: 'read_file', output: '# openkoi' }] },
    ];

    await collect(adapter.chatStream(ask('gemini-2.5-pro', history)));

    expect(usage!.type === 'usage' && usage!.usage).toMatchObject({ outputTokens: 45, reasoningTokens: 40 });
    expectUsageInvariants((usage as { usage: Usage }).usage, 75);
    const [firstRequest, secondRequest] = gemini.requestsTo('google.stream');
    expect(firstRequest!.body.generationConfig?.thinkingConfig ?? firstRequest!.body.config?.thinkingConfig).toEqual({ includeThoughts: true, thinkingBudget: 1024 });
    expect(secondRequest!.body.contents[1].parts).toEqual(GEMINI_PARTS_SENT_BACK);
  });
});
