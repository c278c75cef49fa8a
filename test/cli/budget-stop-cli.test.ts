import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { planReply } from '../engine/engine-harness.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

let fake: FakeServer;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-budget-0123' };
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const ROLES = ['--planner', 'openai/planner-a', '--executor', 'openai/executor-b', '--evaluator', 'openai/judge-c'];

describe('a budget stop (exit 3) prints the best answer so far, even an unscored one', () => {
  it('iteration 1 unscored, iteration 2 stopped by --max-tokens before executing: iteration 1 answers', async () => {
    // Tokens per call (input + output): planner 120, executor 200, judge 230 → 550 after
    // iteration 1, under the budget of 600; iteration 2's planner adds 340 → 890, over it, so the
    // loop stops before iteration 2's executor is asked.
    fake.script(
      'openai.chat',
      { ...planReply(['Write it']), usage: { input: 100, output: 20 } },
      { text: 'The answer from iteration one.', usage: { input: 150, output: 50 } },
      { text: 'Looks great to me!', usage: { input: 200, output: 30 } },
      { ...planReply(['Write it better']), usage: { input: 300, output: 40 } },
      { text: 'never requested' },
    );
    const result = await runOpenkoi([...ROLES, '--max-tokens', '600', '--no-memory', 'Write the answer'], environment);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toBe('The answer from iteration one.\n');
    expect(fake.requestsTo('openai.chat').map((request) => request.body.model)).toEqual(['planner-a', 'executor-b', 'judge-c', 'planner-a']);
    expect(result.stderr).toMatch(/\[iter 1\] score none \(1 finding, 0 blockers\) → continue/);
    expect(result.stderr).toMatch(/\[iter 2\] stop: token budget spent/);
    expect(result.stderr).toMatch(/\[done\] budget-tokens · 2 iterations · 890 tokens/);
  });
});
