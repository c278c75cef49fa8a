import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayHarness } from './gateway-harness.js';

let gateway: GatewayHarness;
beforeEach(async () => {
  gateway = await GatewayHarness.start({
    aliases: { 'claude-sonnet-4-5': 'anthropic/claude-sonnet-4-6', 'claude-gpt': 'openai/gpt-5.2', 'claude-chain': ['anthropic/claude-opus-4-6', 'openai/gpt-5.2'] },
  });
});
afterEach(async () => {
  await gateway.stop();
});

const tools: Anthropic.Tool[] = [{ name: 'read_file', description: 'Read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } }];

describe('the @anthropic-ai/sdk asks for messages through openkoi serve', () => {
  it('gets a whole message with Anthropic usage, anthropic-version and -beta accepted', async () => {
    gateway.fake.script('anthropic.messages', { text: 'Hi from Claude.', usage: { input: 30, output: 6, cacheRead: 10, cacheWrite: 2 } });
    const message = await gateway.anthropic().messages.create(
      { model: 'claude-sonnet-4-5', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }] },
      { headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } },
    );
    expect(message.content).toEqual([{ type: 'text', text: 'Hi from Claude.' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.model).toBe('claude-sonnet-4-5');
    expect(message.usage).toMatchObject({ input_tokens: 30, output_tokens: 6, cache_read_input_tokens: 10, cache_creation_input_tokens: 2 });
    const upstream = gateway.fake.requestsTo('anthropic.messages')[0]!.body;
    expect(upstream.model).toBe('claude-sonnet-4-6');
    expect(JSON.stringify(upstream.system)).toContain('Be brief.');
    expect(gateway.usageRows()).toEqual([{ source: 'ci', provider: 'anthropic', model: 'claude-sonnet-4-6', input: 30, output: 6, outcome: 'ok' }]);
  });

  it('streams text with the SDK stream helper, and final usage', async () => {
    gateway.fake.script('anthropic.messages', { chunks: ['Stream', 'ed ', 'reply.'], usage: { input: 11, output: 4 } });
    const stream = gateway.anthropic().messages.stream({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'Go' }] });
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const final = await stream.finalMessage();
    expect(deltas.join('')).toBe('Streamed reply.');
    expect(final.content).toEqual([expect.objectContaining({ type: 'text', text: 'Streamed reply.' })]);
    expect(final.usage).toMatchObject({ input_tokens: 11, output_tokens: 4 });
    expect(final.stop_reason).toBe('end_turn');
  });

  it('is served by an OpenAI model: tool_use out, tool_result back, streamed and whole', async () => {
    gateway.fake.script('openai.chat', { toolCalls: [{ id: 'call_7', name: 'read_file', arguments: { path: 'a.txt' } }] });
    const stream = gateway.anthropic().messages.stream({ model: 'claude-gpt', max_tokens: 200, tools, messages: [{ role: 'user', content: 'Read a.txt' }] });
    const first = await stream.finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toEqual([expect.objectContaining({ type: 'tool_use', id: 'call_7', name: 'read_file', input: { path: 'a.txt' } })]);
    const upstream = gateway.fake.requestsTo('openai.chat')[0]!.body;
    expect(upstream.model).toBe('gpt-5.2');
    expect(upstream.tools[0]).toMatchObject({ type: 'function', function: { name: 'read_file' } });

    gateway.fake.script('openai.chat', { text: 'a.txt holds 42.' });
    const second = await gateway.anthropic().messages.create({
      model: 'claude-gpt',
      max_tokens: 200,
      tools,
      messages: [
        { role: 'user', content: 'Read a.txt' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_7', content: '42' }] },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'a.txt holds 42.' }]);
    const followUp = gateway.fake.requestsTo('openai.chat')[1]!.body.messages;
    expect(followUp.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_7', content: '42' });
    expect(followUp.at(-2).tool_calls[0]).toMatchObject({ id: 'call_7', function: { name: 'read_file' } });
  });

  it('reports a stop for max tokens from an OpenAI model as max_tokens', async () => {
    gateway.fake.script('openai.chat', { text: 'Cut', finishReason: 'length' });
    const message = await gateway.anthropic().messages.create({ model: 'claude-gpt', max_tokens: 2, messages: [{ role: 'user', content: 'Essay' }] });
    expect(message.stop_reason).toBe('max_tokens');
    expect(gateway.fake.requestsTo('openai.chat')[0]!.body).toMatchObject({ max_completion_tokens: 2 });
  });

  it('falls back from an overloaded Anthropic model to the next of the chain', async () => {
    gateway.fake.script('anthropic.messages', { fault: { status: 529, headers: { 'retry-after': '600' } } });
    gateway.fake.script('openai.chat', { text: 'Fallback answer.' });
    const message = await gateway.anthropic().messages.create({ model: 'claude-chain', max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Fallback answer.' }]);
  });

  it('lists aliases under /anthropic/v1/models so Claude Code finds claude* ids; HEAD / answers', async () => {
    const models = await gateway.anthropic().models.list();
    const ids = models.data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(['claude-sonnet-4-5', 'claude-gpt', 'claude-chain']));
    for (const path of ['/', '/anthropic']) {
      const head = await fetch(`${gateway.url}${path}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
    }
  });

  it('leaves thinking blocks of the history out and does not forward thinking (as Claude Code sends them)', async () => {
    gateway.fake.script('openai.chat', { text: 'Fine.' });
    await gateway.anthropic().messages.create({
      model: 'claude-gpt',
      max_tokens: 2000,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'Let me think.', signature: 'sig-opaque' }, { type: 'text', text: 'Hello.' }] },
        { role: 'user', content: 'How are you?' },
      ],
    });
    const upstream = gateway.fake.requestsTo('openai.chat')[0]!.body;
    expect(JSON.stringify(upstream)).not.toContain('Let me think.');
    expect(upstream.messages[1]).toMatchObject({ role: 'assistant', content: 'Hello.' });
  });

  it('counts tokens (an estimate) for a valid request', async () => {
    const counted = await gateway.anthropic().messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x'.repeat(400) }] });
    expect(counted.input_tokens).toBeGreaterThanOrEqual(100);
    expect(counted.input_tokens).toBeLessThan(200);
    expect(gateway.fake.requests).toHaveLength(0);
  });
});

describe('what cannot be translated gets a 400 in Anthropic shape naming the field', () => {
  it('refuses an image block', async () => {
    const error = (await gateway
      .anthropic()
      .messages.create({
        model: 'claude-gpt',
        max_tokens: 10,
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] }],
      })
      .catch((caught: unknown) => caught)) as InstanceType<typeof Anthropic.APIError>;
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error.error as { error: { type: string; message: string } }).error).toMatchObject({ type: 'invalid_request_error' });
    expect(error.message).toContain('messages[0].content[0].type');
    expect(gateway.fake.requests).toHaveLength(0);
  });

  it('refuses stop sequences and a forced tool choice', async () => {
    const stops = (await gateway
      .anthropic()
      .messages.create({ model: 'claude-gpt', max_tokens: 10, stop_sequences: ['END'], messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught)) as InstanceType<typeof Anthropic.APIError>;
    expect(stops.status).toBe(400);
    expect(stops.message).toContain('stop_sequences');
    const forced = (await gateway
      .anthropic()
      .messages.create({ model: 'claude-gpt', max_tokens: 10, tools, tool_choice: { type: 'tool', name: 'read_file' }, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught)) as InstanceType<typeof Anthropic.APIError>;
    expect(forced.status).toBe(400);
    expect(forced.message).toContain('tool_choice.type');
    expect(gateway.fake.requests).toHaveLength(0);
  });

  it('refuses a server tool', async () => {
    const error = (await gateway
      .anthropic()
      .messages.create({ model: 'claude-gpt', max_tokens: 10, tools: [{ type: 'web_search_20250305', name: 'web_search' }], messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught)) as InstanceType<typeof Anthropic.APIError>;
    expect(error.status).toBe(400);
    expect(error.message).toContain('tools[0].type');
  });
});
