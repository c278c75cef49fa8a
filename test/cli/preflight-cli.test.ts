import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

let fake: FakeServer;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
  // An OpenAI key only: anything on Anthropic has no credential.
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-preflight-0123' };
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

describe('preflight: every role the run uses can be served before the first call', () => {
  it('a missing evaluator key stops the run with exit 2 before the planner or executor is called', async () => {
    fake.script('openai.chat', { text: 'never requested' });
    const result = await runOpenkoi(['-m', 'openai/gpt-4.1', '--evaluator', 'anthropic/claude-sonnet-4-6', 'task'], environment);
    expect(result.code, result.stderr).toBe(2);
    expect(fake.requests).toHaveLength(0);
    expect(result.stderr).toContain('evaluator anthropic/claude-sonnet-4-6: No API key for Anthropic');
    expect(result.stderr).toContain('ANTHROPIC_API_KEY');
    expect(result.stderr).toContain('Nothing was sent');
    expect(result.stdout).toBe('');
  });

  it('with --json the preflight failure is one JSON error object on stdout', async () => {
    const result = await runOpenkoi(['-m', 'openai/gpt-4.1', '--evaluator', 'anthropic/claude-sonnet-4-6', '--json', 'task'], environment);
    expect(result.code, result.stderr).toBe(2);
    const parsed = JSON.parse(result.stdout) as { error: { code: string; message: string; exitCode: number } };
    expect(parsed.error).toMatchObject({ code: 'credentials', exitCode: 2 });
    expect(parsed.error.message).toContain('ANTHROPIC_API_KEY');
    expect(fake.requests).toHaveLength(0);
  });

  it('an unknown provider in a role stops the run with exit 2, nothing sent', async () => {
    const result = await runOpenkoi(['-m', 'openai/gpt-4.1', '--planner', 'nosuch/model-x', 'task'], environment);
    expect(result.code, result.stderr).toBe(2);
    expect(fake.requests).toHaveLength(0);
    expect(result.stderr).toMatch(/nosuch/);
  });

  it('-i 0 uses only the executor: a missing evaluator key does not matter', async () => {
    fake.script('openai.chat', { text: 'done' });
    const result = await runOpenkoi(['-i', '0', '--executor', 'openai/gpt-4.1', '--evaluator', 'anthropic/claude-sonnet-4-6', 'task'], environment);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('done\n');
  });

  it('a fallback without a key is skipped with a warning; the run goes on', async () => {
    fake.script('openai.chat', { text: 'served' });
    const result = await runOpenkoi(['-i', '0', '--executor', 'openai/gpt-4.1', 'task'], environment, {
      config: '[models.fallback]\nexecutor = ["anthropic/claude-haiku-4-5"]\n',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('[warn] executor anthropic/claude-haiku-4-5: No API key for Anthropic');
    expect(result.stdout).toBe('served\n');
  });
});
