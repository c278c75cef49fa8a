import type Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openReasoning, sealReasoning } from '../../src/gateway/reasoning-envelope.js';
import {
  CLAUDE_REDACTED,
  CLAUDE_SIGNATURE,
  CLAUDE_THINKING,
  CLAUDE_TURN_SENT_BACK,
  claudeThinkingThenToolEvents,
  GEMINI_PARTS_SENT_BACK,
  GEMINI_THOUGHT,
  GEMINI_THOUGHT_SIGNATURE,
  geminiThoughtThenCallEvents,
} from '../fakes/reasoning-wire-events.js';
import { GatewayHarness } from './gateway-harness.js';

let gateway: GatewayHarness;
beforeEach(async () => {
  gateway = await GatewayHarness.start({ environment: { GOOGLE_API_KEY: 'AIza-test-gateway' } });
});
afterEach(async () => {
  await gateway.stop();
});

const tools: Anthropic.Tool[] = [{ name: 'read_file', description: 'Read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } }];

describe('Claude Code with extended thinking through openkoi serve to Anthropic', () => {
  it('streamed: thinking and redacted thinking reach the client with their signatures, and go back byte-identical with the tool result', async () => {
    gateway.fake.script('anthropic.messages', { wire: { events: claudeThinkingThenToolEvents() } }, { text: 'It holds the title.' });
    const thinking = { type: 'enabled' as const, budget_tokens: 2048 };
    const stream = gateway.anthropic().messages.stream({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 4096, thinking, tools, messages: [{ role: 'user', content: 'What is in README.md?' }] });
    const thinkingDeltas: string[] = [];
    stream.on('thinking', (delta) => thinkingDeltas.push(delta));
    const first = await stream.finalMessage();

    expect(thinkingDeltas.join('')).toBe(CLAUDE_THINKING);
    expect(first.content).toEqual([
      { type: 'thinking', thinking: CLAUDE_THINKING, signature: CLAUDE_SIGNATURE },
      { type: 'redacted_thinking', data: CLAUDE_REDACTED },
      expect.objectContaining({ type: 'tool_use', id: 'toolu_01', name: 'read_file', input: { path: 'README.md' } }),
    ]);
    expect(first.stop_reason).toBe('tool_use');

    await gateway.anthropic().messages.create({
      model: 'anthropic/claude-sonnet-4-6',
      max_tokens: 4096,
      thinking,
      tools,
      messages: [
        { role: 'user', content: 'What is in README.md?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '# openkoi' }] },
      ],
    });

    const [toAnthropicFirst, toAnthropicSecond] = gateway.fake.requestsTo('anthropic.messages');
    expect(toAnthropicFirst!.body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(toAnthropicSecond!.body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(toAnthropicSecond!.body.messages[1]).toEqual(CLAUDE_TURN_SENT_BACK);
  });

  it('whole: the same blocks in a non-streamed message', async () => {
    gateway.fake.script('anthropic.messages', {
      wire: {
        body: {
          id: 'msg_w',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4-6',
          content: [
            { type: 'thinking', thinking: CLAUDE_THINKING, signature: CLAUDE_SIGNATURE },
            { type: 'redacted_thinking', data: CLAUDE_REDACTED },
            { type: 'text', text: 'Reading it.' },
          ],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 50, output_tokens: 20 },
        },
      },
    });
    const message = await gateway.anthropic().messages.create({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Hi' }] });
    expect(message.content).toEqual([
      { type: 'thinking', thinking: CLAUDE_THINKING, signature: CLAUDE_SIGNATURE },
      { type: 'redacted_thinking', data: CLAUDE_REDACTED },
      { type: 'text', text: 'Reading it.' },
    ]);
  });

  it('thinking enabled without a budget is a 400 naming the field, and nothing goes upstream', async () => {
    const error = (await gateway
      .anthropic()
      .messages.create({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 100, thinking: { type: 'enabled' } as never, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught)) as { status: number; message: string };
    expect(error.status).toBe(400);
    expect(error.message).toContain('thinking.budget_tokens');
    expect(gateway.fake.requestsTo('anthropic.messages')).toHaveLength(0);
  });
});

describe("another vendor's reasoning travels through the client and back to that vendor", () => {
  it('an Anthropic client served by Gemini: thought summaries stream as thinking, and the signed thought returns to Gemini', async () => {
    gateway.fake.script('google.stream', { wire: { events: geminiThoughtThenCallEvents() } }, { text: 'It holds the title.' });
    const first = await gateway
      .anthropic()
      .messages.stream({ model: 'google/gemini-2.5-pro', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 }, tools, messages: [{ role: 'user', content: 'What is in README.md?' }] })
      .finalMessage();

    const [thought, call] = first.content;
    expect(thought).toMatchObject({ type: 'thinking', thinking: GEMINI_THOUGHT });
    // Not Anthropic's signature: the gateway's envelope naming Gemini and carrying its thought signature.
    const signature = (thought as Anthropic.ThinkingBlock).signature;
    expect(openReasoning(signature)).toEqual({ provider: 'google', signature: GEMINI_THOUGHT_SIGNATURE });
    expect(call).toMatchObject({ type: 'tool_use', name: 'read_file', input: { path: 'README.md' } });

    await gateway.anthropic().messages.create({
      model: 'google/gemini-2.5-pro',
      max_tokens: 4096,
      tools,
      messages: [
        { role: 'user', content: 'What is in README.md?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: (call as Anthropic.ToolUseBlock).id, content: '# openkoi' }] },
      ],
    });
    const [, second] = gateway.fake.requestsTo('google.stream').concat(gateway.fake.requestsTo('google.generate'));
    expect(second!.body.contents[1].parts).toEqual(GEMINI_PARTS_SENT_BACK);
  });

  it("a Gemini thought is never sent to Anthropic, and Anthropic's thinking never to Gemini", async () => {
    const geminiThought = { type: 'thinking' as const, thinking: 'Gemini thought', signature: sealReasoning({ provider: 'google', signature: GEMINI_THOUGHT_SIGNATURE }) };
    const claudeThought = { type: 'thinking' as const, thinking: CLAUDE_THINKING, signature: CLAUDE_SIGNATURE };
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [geminiThought, claudeThought, { type: 'text', text: 'hello' }] },
      { role: 'user', content: 'again' },
    ];
    gateway.fake.script('anthropic.messages', { text: 'ok' });
    gateway.fake.script('google.generate', { text: 'ok' });
    await gateway.anthropic().messages.create({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 100, messages });
    await gateway.anthropic().messages.create({ model: 'google/gemini-2.5-pro', max_tokens: 100, messages });

    expect(gateway.fake.requestsTo('anthropic.messages')[0]!.body.messages[1].content).toEqual([claudeThought, { type: 'text', text: 'hello' }]);
    expect(gateway.fake.requestsTo('google.generate')[0]!.body.contents[1].parts).toEqual([{ text: 'Gemini thought', thought: true, thoughtSignature: GEMINI_THOUGHT_SIGNATURE }, { text: 'hello' }]);
  });
});

describe('Codex CLI (Responses) with a reasoning model behind openkoi serve', () => {
  it('streamed: a reasoning item with summary events before the call, its encrypted_content bringing the signed thinking back to Anthropic', async () => {
    gateway.fake.script('anthropic.messages', { wire: { events: claudeThinkingThenToolEvents() } }, { text: 'It holds the title.' });
    const responseTools = [{ type: 'function' as const, name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] }, strict: false }];
    const stream = await gateway.openai().responses.create({
      model: 'anthropic/claude-sonnet-4-6',
      input: [{ role: 'user', content: 'What is in README.md?' }],
      tools: responseTools,
      reasoning: { effort: 'high', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      store: false,
      stream: true,
    });
    const types: string[] = [];
    let summary = '';
    let completed: { output: Array<Record<string, unknown>> } | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.reasoning_summary_text.delta') summary += event.delta;
      if (event.type === 'response.completed') completed = event.response as unknown as { output: Array<Record<string, unknown>> };
    }

    expect(summary).toBe(CLAUDE_THINKING);
    const firstReasoning = types.indexOf('response.output_item.added');
    expect(types.slice(firstReasoning, firstReasoning + 6)).toEqual([
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
    ]);
    const output = completed!.output;
    expect(output.map((item) => item['type'])).toEqual(['reasoning', 'reasoning', 'function_call']);
    expect(output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: CLAUDE_THINKING }] });
    expect(openReasoning(output[0]!['encrypted_content'])).toEqual({ provider: 'anthropic', signature: CLAUDE_SIGNATURE });
    expect(output[1]).toMatchObject({ type: 'reasoning', summary: [] });
    expect(openReasoning(output[1]!['encrypted_content'])).toEqual({ provider: 'anthropic', encrypted: CLAUDE_REDACTED });
    // Codex's reasoning effort reaches a vendor that takes it; Anthropic takes a budget instead and is warned about, not sent.
    expect(gateway.fake.requestsTo('anthropic.messages')[0]!.body.thinking).toBeUndefined();

    const call = output[2]!;
    await gateway.openai().responses.create({
      model: 'anthropic/claude-sonnet-4-6',
      input: [
        { role: 'user', content: 'What is in README.md?' },
        ...(output as never[]),
        { type: 'function_call_output', call_id: String(call['call_id']), output: '# openkoi' },
      ],
      tools: responseTools,
      include: ['reasoning.encrypted_content'],
      store: false,
    });
    expect(gateway.fake.requestsTo('anthropic.messages')[1]!.body.messages[1]).toEqual(CLAUDE_TURN_SENT_BACK);
  });

  it("whole, without include: reasoning items carry no encrypted_content; OpenAI's own encrypted reasoning in the input is left out", async () => {
    gateway.fake.script('google.generate', {
      wire: {
        body: {
          candidates: [{ content: { role: 'model', parts: [{ text: 'Thinking it over.', thought: true }, { text: 'Four.' }] }, index: 0, finishReason: 'STOP' }],
          modelVersion: 'gemini-2.5-pro',
          usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 2, thoughtsTokenCount: 5, totalTokenCount: 17 },
        },
      },
    });
    const response = await gateway.openai().responses.create({ model: 'google/gemini-2.5-pro', input: 'What is 2+2?' });
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(response.output[0]).toEqual({ type: 'reasoning', id: expect.stringMatching(/^rs_/), summary: [{ type: 'summary_text', text: 'Thinking it over.' }] });

    gateway.fake.script('anthropic.messages', { text: 'ok' });
    await gateway.openai().responses.create({
      model: 'anthropic/claude-sonnet-4-6',
      input: [
        { role: 'user', content: 'hi' },
        { type: 'reasoning', id: 'rs_openai', summary: [{ type: 'summary_text', text: 'OpenAI thought' }], encrypted_content: 'gAAAAABopaqueOpenAIReasoning' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: 'again' },
      ],
    });
    expect(gateway.fake.requestsTo('anthropic.messages')[0]!.body.messages[1].content).toEqual([{ type: 'text', text: 'hello' }]);
  });

  it('reasoning.effort reaches a vendor that takes it; an effort outside the four is not forwarded', async () => {
    gateway.fake.script('openai.chat', { text: 'ok' }, { text: 'ok' });
    await gateway.openai().responses.create({ model: 'openai/gpt-5.2', input: 'hi', reasoning: { effort: 'low' } });
    await gateway.openai().responses.create({ model: 'openai/gpt-5.2', input: 'hi', reasoning: { effort: 'xhigh' as never } });
    const [low, xhigh] = gateway.fake.requestsTo('openai.chat');
    expect(low!.body.reasoning_effort).toBe('low');
    expect(xhigh!.body.reasoning_effort).toBeUndefined();
  });

  it('a Chat Completions client: reasoning_effort is forwarded too', async () => {
    gateway.fake.script('openai.chat', { text: 'ok' });
    await gateway.openai().chat.completions.create({ model: 'openai/gpt-5.2', messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'high' });
    expect(gateway.fake.requestsTo('openai.chat')[0]!.body.reasoning_effort).toBe('high');
  });
});

describe('the reasoning envelope', () => {
  it('opens what it sealed, and nothing else', () => {
    const sealed = sealReasoning({ provider: 'bedrock', signature: 'sig', encrypted: 'enc' });
    expect(openReasoning(sealed)).toEqual({ provider: 'bedrock', signature: 'sig', encrypted: 'enc' });
    expect(openReasoning(CLAUDE_SIGNATURE)).toBeUndefined();
    expect(openReasoning('openkoi.reasoning.v1.not-json')).toBeUndefined();
    expect(openReasoning(`openkoi.reasoning.v1.${Buffer.from('{"provider":""}').toString('base64url')}`)).toBeUndefined();
    expect(openReasoning(42)).toBeUndefined();
  });
});
