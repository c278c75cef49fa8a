import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayHarness } from './gateway-harness.js';

let gateway: GatewayHarness;
beforeEach(async () => {
  gateway = await GatewayHarness.start({ aliases: { 'gpt-5-codex': ['openai/gpt-5.2', 'anthropic/claude-sonnet-4-6'] } });
});
afterEach(async () => {
  await gateway.stop();
});

const shellTool: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'shell',
  description: 'Run a command',
  strict: false,
  parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'] },
};
const applyPatch: OpenAI.Responses.CustomTool = {
  type: 'custom',
  name: 'apply_patch',
  description: 'Apply a patch',
  format: { type: 'grammar', syntax: 'lark', definition: 'start: "*** Begin Patch" /(.|\\n)*/ "*** End Patch"' },
};

async function eventsOf(stream: AsyncIterable<OpenAI.Responses.ResponseStreamEvent>): Promise<OpenAI.Responses.ResponseStreamEvent[]> {
  const events: OpenAI.Responses.ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('the openai SDK (as Codex CLI) uses the Responses API through openkoi serve', () => {
  it('gets a whole response with output_text and usage', async () => {
    gateway.fake.script('anthropic.messages', { text: 'Done.', usage: { input: 50, output: 3, cacheRead: 20 } });
    const response = await gateway.openai().responses.create({ model: 'anthropic/claude-sonnet-4-6', instructions: 'You are Codex.', input: 'Fix it', store: false });
    expect(response.output_text).toBe('Done.');
    expect(response.status).toBe('completed');
    expect(response.usage).toMatchObject({ input_tokens: 70, output_tokens: 3, input_tokens_details: { cached_tokens: 20 } });
    const upstream = gateway.fake.requestsTo('anthropic.messages')[0]!.body;
    expect(JSON.stringify(upstream.system)).toContain('You are Codex.');
    expect(gateway.usageRows()).toMatchObject([{ source: 'ci', provider: 'anthropic', input: 50 }]);
  });

  it('streams text in Codex order: created, item added, deltas, item done, completed with usage', async () => {
    gateway.fake.script('openai.chat', { chunks: ['Hel', 'lo'], usage: { input: 8, output: 2 } });
    const events = await eventsOf(await gateway.openai().responses.create({ model: 'gpt-5-codex', input: 'Hi', stream: true }));
    const types = events.map((event) => event.type);
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.response.usage).toMatchObject({ input_tokens: 8, output_tokens: 2, total_tokens: 10 });
    expect(completed.response.output[0]).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: 'Hello' }] });
  });

  it('streams a function call with function_call_arguments.delta and .done, and takes its output back', async () => {
    gateway.fake.script('openai.chat', { toolCalls: [{ id: 'call_sh', name: 'shell', arguments: { command: ['ls', '-la'] } }] });
    const events = await eventsOf(await gateway.openai().responses.create({ model: 'openai/gpt-5.2', input: 'List files', tools: [shellTool], stream: true }));
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.function_call_arguments.delta');
    expect(types.indexOf('response.output_item.added')).toBeLessThan(types.indexOf('response.function_call_arguments.delta'));
    expect(types.indexOf('response.function_call_arguments.done')).toBeLessThan(types.indexOf('response.output_item.done'));
    expect(types.at(-1)).toBe('response.completed');
    const done = events.find((event) => event.type === 'response.output_item.done') as OpenAI.Responses.ResponseOutputItemDoneEvent;
    expect(done.item).toMatchObject({ type: 'function_call', call_id: 'call_sh', name: 'shell' });
    expect(JSON.parse((done.item as OpenAI.Responses.ResponseFunctionToolCall).arguments)).toEqual({ command: ['ls', '-la'] });

    gateway.fake.script('openai.chat', { text: 'Two files.' });
    const second = await gateway.openai().responses.create({
      model: 'openai/gpt-5.2',
      tools: [shellTool],
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'List files' }] },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'opaque' },
        { type: 'function_call', call_id: 'call_sh', name: 'shell', arguments: '{"command":["ls","-la"]}' },
        { type: 'function_call_output', call_id: 'call_sh', output: 'a.txt\nb.txt' },
      ],
    });
    expect(second.output_text).toBe('Two files.');
    const messages = gateway.fake.requestsTo('openai.chat')[1]!.body.messages;
    expect(messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_sh', content: 'a.txt\nb.txt' });
    expect(messages.at(-2).tool_calls[0]).toMatchObject({ id: 'call_sh', function: { name: 'shell' } });
  });

  it('carries a custom (free-form) tool to a function-only vendor as one string argument, and back', async () => {
    const patch = '*** Begin Patch\n*** Add File: x.txt\n+hi\n*** End Patch';
    gateway.fake.script('anthropic.messages', { toolCalls: [{ id: 'toolu_p', name: 'apply_patch', arguments: { input: patch } }] });
    const events = await eventsOf(await gateway.openai().responses.create({ model: 'anthropic/claude-sonnet-4-6', input: 'Add x.txt', tools: [applyPatch], stream: true }));
    const upstreamTool = gateway.fake.requestsTo('anthropic.messages')[0]!.body.tools[0];
    expect(upstreamTool).toMatchObject({ name: 'apply_patch', input_schema: { type: 'object', required: ['input'], properties: { input: { type: 'string' } } } });
    expect(upstreamTool.input_schema.properties.input.description).toContain('*** Begin Patch');
    const done = events.find((event) => event.type === 'response.output_item.done') as OpenAI.Responses.ResponseOutputItemDoneEvent;
    expect(done.item).toMatchObject({ type: 'custom_tool_call', call_id: 'toolu_p', name: 'apply_patch', input: patch });
    expect(events.map((event) => event.type)).toContain('response.custom_tool_call_input.done');

    gateway.fake.script('anthropic.messages', { text: 'Patched.' });
    await gateway.openai().responses.create({
      model: 'anthropic/claude-sonnet-4-6',
      tools: [applyPatch],
      input: [
        { role: 'user', content: 'Add x.txt' },
        { type: 'custom_tool_call', call_id: 'toolu_p', name: 'apply_patch', input: patch },
        { type: 'custom_tool_call_output', call_id: 'toolu_p', output: 'Done!' },
      ],
    });
    const history = gateway.fake.requestsTo('anthropic.messages')[1]!.body.messages;
    expect(history[1].content[0]).toMatchObject({ type: 'tool_use', id: 'toolu_p', name: 'apply_patch', input: { input: patch } });
    expect(history[2].content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_p', content: 'Done!' });
  });

  it('ends a reply cut by max tokens with response.incomplete', async () => {
    gateway.fake.script('openai.chat', { text: 'Par', finishReason: 'length' });
    const events = await eventsOf(await gateway.openai().responses.create({ model: 'openai/gpt-5.2', input: 'Essay', max_output_tokens: 16, stream: true }));
    const last = events.at(-1) as OpenAI.Responses.ResponseIncompleteEvent;
    expect(last.type).toBe('response.incomplete');
    expect(last.response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });

  it('ends with response.failed and an error code when the upstream fails after output began', async () => {
    gateway.fake.script('openai.chat', { chunks: ['par', 'tial', 'more'], faultAfterEvents: 2, fault: { status: 500 } });
    const stream = await gateway.openai().responses.create({ model: 'openai/gpt-5.2', input: 'Hi', stream: true });
    const events = await eventsOf(stream);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.failed',
    ]);
    const failed = events.at(-1) as OpenAI.Responses.ResponseFailedEvent;
    expect(failed.response.status).toBe('failed');
    expect(failed.response.error?.code).toBe('server_error');
  });

  it('takes Codex tool lists: namespace tools offered flat (calls name the namespace), hosted tools left out and reported', async () => {
    gateway.fake.script('openai.chat', { toolCalls: [{ id: 'call_a', name: 'spawn_agent', arguments: { task: 'x' } }] });
    const namespace = {
      type: 'namespace',
      name: 'multi_agent_v1',
      description: 'Sub-agents',
      tools: [{ type: 'function', name: 'spawn_agent', description: 'Spawn', strict: false, parameters: { type: 'object', properties: { task: { type: 'string' } } } }],
    };
    const { data, response } = await gateway
      .openai()
      .responses.create({ model: 'openai/gpt-5.2', input: 'Go', tools: [shellTool, namespace as never, { type: 'web_search' } as never] })
      .withResponse();
    expect(response.headers.get('x-openkoi-omitted-tools')).toBe('web_search');
    expect(gateway.fake.requestsTo('openai.chat')[0]!.body.tools.map((tool: any) => tool.function.name)).toEqual(['shell', 'spawn_agent']);
    expect(data.output[0]).toMatchObject({ type: 'function_call', name: 'spawn_agent', namespace: 'multi_agent_v1', call_id: 'call_a' });
  });

  it('refuses previous_response_id: the gateway keeps no state', async () => {
    const error = (await gateway
      .openai()
      .responses.create({ model: 'openai/gpt-5.2', input: 'Hi', previous_response_id: 'resp_1' })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(400);
    expect((error.error as { param?: string }).param).toBe('previous_response_id');
    expect(gateway.fake.requests).toHaveLength(0);
  });
});
