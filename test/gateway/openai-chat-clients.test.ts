import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayHarness } from './gateway-harness.js';

let gateway: GatewayHarness;
beforeEach(async () => {
  gateway = await GatewayHarness.start({
    aliases: { 'fast-chain': ['openai/gpt-5.2', 'anthropic/claude-sonnet-4-6'], 'claude-sonnet-4-5': 'anthropic/claude-sonnet-4-6', team: 'role:executor' },
    roleChains: { executor: [{ provider: 'anthropic', model: 'claude-opus-4-6' }] },
  });
});
afterEach(async () => {
  await gateway.stop();
});

describe('the openai SDK asks for a chat completion through openkoi serve', () => {
  it('gets the upstream reply, its usage, and a usage row under the token name', async () => {
    gateway.fake.script('openai.chat', { text: 'Hello through the gateway.', usage: { input: 12, output: 7, cacheRead: 4 } });
    const completion = await gateway.openai().chat.completions.create({ model: 'openai/gpt-5.2', messages: [{ role: 'user', content: 'Hi' }] });
    expect(completion.choices[0]!.message.content).toBe('Hello through the gateway.');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.model).toBe('openai/gpt-5.2');
    expect(completion.usage).toMatchObject({ prompt_tokens: 16, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 4 } });
    expect(gateway.fake.requestsTo('openai.chat')[0]!.body.model).toBe('gpt-5.2');
    expect(gateway.usageRows()).toEqual([{ source: 'ci', provider: 'openai', model: 'gpt-5.2', input: 12, output: 7, outcome: 'ok' }]);
  });

  it('streams text deltas and the usage chunk the client asked for', async () => {
    gateway.fake.script('openai.chat', { chunks: ['One ', 'two ', 'three.'], usage: { input: 9, output: 3 } });
    const stream = await gateway.openai().chat.completions.create({
      model: 'openai/gpt-5.2',
      messages: [{ role: 'user', content: 'Count' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let usage: OpenAI.CompletionUsage | undefined | null;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
      if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas.join('')).toBe('One two three.');
    expect(deltas.length).toBeGreaterThan(1);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 3 });
    expect(gateway.usageRows()).toMatchObject([{ source: 'ci', input: 9, output: 3 }]);
  });

  it('is served by an Anthropic model: tool calls go out as tool_use and come back as tool_calls', async () => {
    gateway.fake.script('anthropic.messages', { toolCalls: [{ id: 'toolu_1', name: 'read_file', arguments: { path: 'README.md' } }], usage: { input: 20, output: 8 } });
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } } },
    ];
    const first = await gateway.openai().chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Read the readme' }], tools });
    const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call).toMatchObject({ id: 'toolu_1', function: { name: 'read_file' } });
    expect(JSON.parse(call.function.arguments)).toEqual({ path: 'README.md' });
    const upstream = gateway.fake.requestsTo('anthropic.messages')[0]!.body;
    expect(upstream.model).toBe('claude-sonnet-4-6');
    expect(upstream.tools[0]).toMatchObject({ name: 'read_file', input_schema: { required: ['path'] } });

    gateway.fake.script('anthropic.messages', { text: 'The readme says hello.' });
    const second = await gateway.openai().chat.completions.create({
      model: 'claude-sonnet-4-5',
      tools,
      messages: [
        { role: 'user', content: 'Read the readme' },
        first.choices[0]!.message,
        { role: 'tool', tool_call_id: 'toolu_1', content: '# Hello' },
      ],
    });
    expect(second.choices[0]!.message.content).toBe('The readme says hello.');
    const followUp = gateway.fake.requestsTo('anthropic.messages')[1]!.body;
    expect(followUp.messages.at(-1).content).toEqual([expect.objectContaining({ type: 'tool_result', tool_use_id: 'toolu_1', content: '# Hello' })]);
    expect(followUp.messages.at(-2).content).toEqual([expect.objectContaining({ type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'README.md' } })]);
  });

  it('streams tool calls from an Anthropic model as tool_calls deltas', async () => {
    gateway.fake.script('anthropic.messages', { toolCalls: [{ id: 'toolu_9', name: 'run', arguments: { command: 'npm test', cwd: '.' } }] });
    const stream = await gateway.openai().chat.completions.create({
      model: 'anthropic/claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'test it' }],
      tools: [{ type: 'function', function: { name: 'run', parameters: { type: 'object', properties: { command: { type: 'string' } } } } }],
      stream: true,
    });
    let argumentsText = '';
    let name: string | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        name ??= call.function?.name;
        argumentsText += call.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('run');
    expect(JSON.parse(argumentsText)).toEqual({ command: 'npm test', cwd: '.' });
    expect(finish).toBe('tool_calls');
  });

  it('reports a stop for max tokens as finish_reason "length"', async () => {
    gateway.fake.script('anthropic.messages', { text: 'Truncat', finishReason: 'max_tokens' });
    const completion = await gateway.openai().chat.completions.create({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 3, messages: [{ role: 'user', content: 'Write a lot' }] });
    expect(completion.choices[0]!.finish_reason).toBe('length');
    expect(gateway.fake.requestsTo('anthropic.messages')[0]!.body.max_tokens).toBe(3);
  });

  it('falls back to the next model of an alias chain when the first answers 429', async () => {
    gateway.fake.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '30' } } });
    gateway.fake.script('anthropic.messages', { text: 'Served by the fallback.' });
    const completion = await gateway.openai().chat.completions.create({ model: 'fast-chain', messages: [{ role: 'user', content: 'Hi' }] });
    expect(completion.choices[0]!.message.content).toBe('Served by the fallback.');
    expect(gateway.fake.requestsTo('openai.chat')).toHaveLength(1);
    expect(gateway.usageRows()).toMatchObject([{ source: 'ci', provider: 'anthropic' }]);
  });

  it('streams from the next model of the chain when the first answers 429 before any output', async () => {
    gateway.fake.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '30' } } });
    gateway.fake.script('anthropic.messages', { chunks: ['From ', 'the fallback.'] });
    const stream = await gateway.openai().chat.completions.create({ model: 'fast-chain', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('From the fallback.');
    expect(gateway.usageRows()).toMatchObject([{ source: 'ci', provider: 'anthropic' }]);
  });

  it('fails the stream rather than splice a second model after output began', async () => {
    gateway.fake.script('openai.chat', { chunks: ['Half ', 'an ', 'answer'], cutAfterEvents: 2 });
    gateway.fake.script('anthropic.messages', { text: 'A different answer.' });
    const stream = await gateway.openai().chat.completions.create({ model: 'fast-chain', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((caught: unknown) => caught);
    expect(text).toBe('Half ');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain('incomplete');
    // No second model was asked (and paid) for a reply that could not be used.
    expect(gateway.fake.requestsTo('anthropic.messages')).toHaveLength(0);
  });

  it('answers 429 with Retry-After when every candidate is rate-limited', async () => {
    // An hour is beyond routing's retry-wait cap: the only candidate cools down instead of being retried.
    gateway.fake.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '3600' } } });
    const error = await gateway
      .openai()
      .chat.completions.create({ model: 'openai/gpt-5.2', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('3600');
    expect(gateway.fake.requestsTo('openai.chat')).toHaveLength(1);
  });

  it('uses a role alias for the role chain from config', async () => {
    gateway.fake.script('anthropic.messages', { text: 'From the executor chain.' });
    const completion = await gateway.openai().chat.completions.create({ model: 'team', messages: [{ role: 'user', content: 'Hi' }] });
    expect(completion.choices[0]!.message.content).toBe('From the executor chain.');
    expect(gateway.fake.requestsTo('anthropic.messages')[0]!.body.model).toBe('claude-opus-4-6');
  });

  it('serves the same endpoints under /v1', async () => {
    const completion = await gateway.openai(gateway.secret, '/v1').chat.completions.create({ model: 'openai/gpt-5.2', messages: [{ role: 'user', content: 'Hi' }] });
    expect(completion.choices[0]!.message.content).toBe('Hello from the fake.');
  });
});

describe('what cannot be translated gets a 400 in OpenAI shape naming the field', () => {
  it('refuses an image part, and sends nothing upstream', async () => {
    const error = (await gateway
      .openai()
      .chat.completions.create({
        model: 'anthropic/claude-sonnet-4-6',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }],
      })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.message).toContain('messages[0].content[0].type');
    expect((error.error as { param?: string }).param).toBe('messages[0].content[0].type');
    expect(gateway.fake.requests).toHaveLength(0);
  });

  it('refuses several choices (n)', async () => {
    const error = (await gateway
      .openai()
      .chat.completions.create({ model: 'openai/gpt-5.2', n: 2, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(400);
    expect(error.message).toContain('n:');
  });

  it('refuses a model that is neither provider/model nor an alias', async () => {
    const error = (await gateway
      .openai()
      .chat.completions.create({ model: 'gpt-5.2', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(400);
    expect((error.error as { param?: string }).param).toBe('model');
    expect(error.message).toContain('openai/gpt-5.2');
  });
});
