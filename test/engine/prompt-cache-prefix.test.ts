import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropicRoutes } from '../fakes/anthropic-routes.js';
import { FakeServer } from '../fakes/fake-server.js';
import { openaiRoutes } from '../fakes/openai-routes.js';
import { judgeReply, planReply, runLoop } from './engine-harness.js';

let fake: FakeServer;
beforeAll(async () => {
  fake = await new FakeServer([...openaiRoutes, ...anthropicRoutes]).start();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

describe('prompt caching hits across iterations', () => {
  it("the second iteration's Anthropic request repeats the first one's cacheable prefix byte for byte, breakpoint included", async () => {
    fake.script('openai.chat', planReply(['one']), judgeReply(0.5, [{ severity: 'important', message: 'Thin' }]), planReply(['two']), judgeReply(0.9));
    fake.script('anthropic.messages', { text: 'first draft' }, { text: 'second draft' });
    const { result } = await runLoop(fake, 'Write the release notes', {
      roles: { executor: { provider: 'anthropic', model: 'claude-sonnet-4-6' } },
    });
    expect(result.decision).toBe('accepted');
    const [first, second] = fake.requestsTo('anthropic.messages').map((request) => request.body);
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    // Anthropic caches tools, then system, then messages, up to the last breakpoint.
    const prefix = (body: any) => JSON.stringify({ tools: body.tools ?? null, system: body.system });
    expect(prefix(second)).toBe(prefix(first));
    expect(first.system.at(-1).cache_control).toEqual({ type: 'ephemeral' });
    expect(first.system.at(-1).text).toContain('You are the executor');
    // What changes per iteration (the refined plan) sits after the breakpoint.
    expect(JSON.stringify(first.messages)).toContain('1. one');
    expect(JSON.stringify(second.messages)).toContain('1. two');
    expect(JSON.stringify(first.system)).not.toContain('1. one');
  });

  it('OpenAI requests carry one prompt_cache_key for the whole task', async () => {
    fake.script('openai.chat', planReply(['a']), { text: 'out' }, judgeReply(0.9));
    const { taskId } = await runLoop(fake, 'task');
    const keys = fake.requestsTo('openai.chat').map((request) => request.body.prompt_cache_key);
    expect(keys).toEqual([taskId, taskId, taskId]);
  });
});
