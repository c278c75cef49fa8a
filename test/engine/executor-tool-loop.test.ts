import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ToolRunner } from '../../src/engine/tool-runner.js';
import { FakeServer } from '../fakes/fake-server.js';
import { openaiRoutes } from '../fakes/openai-routes.js';
import { runLoop } from './engine-harness.js';

let fake: FakeServer;
beforeAll(async () => {
  fake = await new FakeServer(openaiRoutes).start();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

function recordingTools(): ToolRunner & { calls: Array<{ name: string; input: unknown }> } {
  const calls: Array<{ name: string; input: unknown }> = [];
  return {
    calls,
    definitions: () => [
      { name: 'read_file', description: 'Read a file', inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
    ],
    run: async (call) => {
      calls.push({ name: call.toolName, input: call.input });
      return { output: `contents of ${(call.input as { path: string }).path}`, isError: false };
    },
  };
}

const toolCall = (path: string, id = `call_${path}`) => ({ toolCalls: [{ id, name: 'read_file', arguments: { path } }] });

describe('the executor carries the plan out in a tool loop', () => {
  it('runs the tool, sends the result back, and answers', async () => {
    const tools = recordingTools();
    fake.script('openai.chat', toolCall('README.md'), { text: 'The README says hello.' });
    const { result } = await runLoop(fake, 'What does the README say?', { tools, settings: { maxIterations: 0 } });
    expect(result.answer).toBe('The README says hello.');
    expect(tools.calls).toEqual([{ name: 'read_file', input: { path: 'README.md' } }]);
    const second = fake.requestsTo('openai.chat')[1]?.body;
    expect(second.tools[0].function.name).toBe('read_file');
    expect(second.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_README.md', content: 'contents of README.md' });
  });

  it('runs several tool rounds within the default limit, offering the tools on every turn', async () => {
    const tools = recordingTools();
    fake.script('openai.chat', toolCall('a'), toolCall('b'), toolCall('c'), { text: 'final' });
    const { result, progress } = await runLoop(fake, 'explore', {
      tools,
      settings: { maxIterations: 0 },
    });
    expect(result.answer).toBe('final');
    // Default limit is 20 rounds: three rounds pass without a warning or a wrap-up.
    const requests = fake.requestsTo('openai.chat');
    expect(requests).toHaveLength(4);
    for (const request of requests) expect(request.body.tools?.[0]?.function.name).toBe('read_file');
    expect(JSON.stringify(requests.map((request) => request.body.messages))).not.toMatch(/tool rounds remain|round limit/);
    expect(tools.calls.map((call) => call.input)).toEqual([{ path: 'a' }, { path: 'b' }, { path: 'c' }]);
    expect(progress.filter((line) => line.includes('tool read_file'))).toHaveLength(3);
  });

  it('trips the circuit breaker on a repeated identical call', async () => {
    const tools = recordingTools();
    fake.script('openai.chat', toolCall('same', 'c1'), toolCall('same', 'c2'), toolCall('same', 'c3'), { text: 'gave up looping' });
    const { result, progress } = await runLoop(fake, 'loop forever', { tools, settings: { maxIterations: 0 } });
    expect(result.answer).toBe('gave up looping');
    const requests = fake.requestsTo('openai.chat');
    expect(requests).toHaveLength(4);
    // The wrap-up turn offers no tools and says why.
    expect(requests[3]?.body.tools).toBeUndefined();
    expect(JSON.stringify(requests[3]?.body.messages.at(-1))).toMatch(/repeating the same tool call/);
    expect(progress.some((line) => line.includes('circuit breaker'))).toBe(true);
  });
});

describe('the tool round limit ends the loop with a wrap-up turn', () => {
  it('warns when rounds run low, then the model must answer without tools', async () => {
    const tools = recordingTools();
    fake.script('openai.chat', toolCall('1'), toolCall('2'), { text: 'wrapped up' });
    const { result, progress } = await runLoop(fake, 'explore', {
      tools,
      settings: { maxIterations: 0 },
      executorLimits: { maxToolRounds: 2, warnWhenRoundsLeft: 1, maxRepeatedCalls: 3 },
    });
    expect(result.answer).toBe('wrapped up');
    const requests = fake.requestsTo('openai.chat');
    expect(requests).toHaveLength(3);
    expect(JSON.stringify(requests[1]?.body.messages.at(-1))).toContain('1 tool rounds remain');
    expect(requests[2]?.body.tools).toBeUndefined();
    expect(JSON.stringify(requests[2]?.body.messages.at(-1))).toContain('tool round limit is reached');
    expect(progress.some((line) => line.includes('tool round limit (2) reached'))).toBe(true);
  });
});

describe('the tool loop speaks every wire protocol the same way', () => {
  it('Anthropic: tool_use, then tool_result in a user turn, then the wrap-up note merged into it', async () => {
    const { anthropicRoutes } = await import('../fakes/anthropic-routes.js');
    const both = await new FakeServer([...openaiRoutes, ...anthropicRoutes]).start();
    try {
      const tools = recordingTools();
      both.script('anthropic.messages', { toolCalls: [{ id: 'toolu_1', name: 'read_file', arguments: { path: 'a.txt' } }] }, { text: 'Read it.' });
      const { result } = await runLoop(both, 'read a.txt', {
        tools,
        settings: { maxIterations: 0 },
        roles: { executor: { provider: 'anthropic', model: 'claude-sonnet-4-6' } },
        executorLimits: { maxToolRounds: 1, warnWhenRoundsLeft: 0, maxRepeatedCalls: 3 },
      });
      expect(result.answer).toBe('Read it.');
      expect(tools.calls).toEqual([{ name: 'read_file', input: { path: 'a.txt' } }]);
      const second = both.requestsTo('anthropic.messages')[1]?.body;
      expect(second.tools).toBeUndefined();
      expect(second.messages.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant', 'user']);
      expect(second.messages[1].content).toEqual([expect.objectContaining({ type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a.txt' } })]);
      const last = second.messages[2].content;
      expect(last[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_1' });
      expect(JSON.stringify(last)).toContain('contents of a.txt');
      expect(JSON.stringify(last)).toContain('tool round limit is reached');
    } finally {
      await both.stop();
    }
  });
});
