// --json says which attempts' usage is partial (what the vendor reported before a stream broke)
// and which is unknown (a server that reports none), per attempt, beside the figures.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

interface JsonAttempt {
  candidate: string;
  outcome: string;
  usage?: { inputTokens: number; outputTokens: number };
  usagePartial?: true;
  usageUnknown?: true;
}

let fake: FakeServer;
let environment: Record<string, string>;
beforeAll(async () => {
  fake = await startFakeVendors();
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-json-usage-0123', ANTHROPIC_API_KEY: 'sk-ant-fake-json-usage-0123' };
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

function attemptsOf(stdout: string): JsonAttempt[] {
  const summary = JSON.parse(stdout) as { iterations: Array<{ attempts: JsonAttempt[] }> };
  return summary.iterations.flatMap((iteration) => iteration.attempts);
}

describe('--json marks partial and unknown usage per attempt', () => {
  it('an Anthropic stream cut after message_start: its 5,000 input tokens are kept and marked usagePartial; the fallback answers', async () => {
    fake.script('anthropic.messages', { text: 'never arrives', usage: { input: 5_000, output: 300 }, cutAfterEvents: 1 }, { text: 'never arrives', usage: { input: 5_000, output: 300 }, cutAfterEvents: 1 });
    fake.script('openai.chat', { text: 'from the fallback', usage: { input: 12, output: 3 } });
    const config = '[models]\nexecutor = "anthropic/claude-sonnet-4-6"\n[models.fallback]\nexecutor = ["anthropic/claude-sonnet-4-6", "openai/gpt-4.1"]\n';
    const result = await runOpenkoi(['-i', '0', '--json', '--no-memory', 'hi'], environment, { config });
    expect(result.code, result.stderr).toBe(0);
    const attempts = attemptsOf(result.stdout);
    const cut = attempts.filter((attempt) => attempt.candidate === 'anthropic/claude-sonnet-4-6');
    expect(cut.length).toBeGreaterThan(0);
    for (const attempt of cut) expect(attempt).toMatchObject({ outcome: 'error', usagePartial: true, usage: { inputTokens: 5_000 } });
    const served = attempts.find((attempt) => attempt.candidate === 'openai/gpt-4.1')!;
    expect(served).toMatchObject({ outcome: 'ok', usage: { inputTokens: 12, outputTokens: 3 } });
    expect(served.usagePartial).toBeUndefined();
    expect(served.usageUnknown).toBeUndefined();
  });

  it('a compatible server that reports no usage: usageUnknown, and no invented figures', async () => {
    fake.script('openai.chat', {
      wire: {
        events: [
          { id: 'l', object: 'chat.completion.chunk', created: 1, model: 'llama', choices: [{ index: 0, delta: { role: 'assistant', content: 'hi there' }, finish_reason: null }] },
          { id: 'l', object: 'chat.completion.chunk', created: 1, model: 'llama', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
        ],
      },
    });
    const config = `[providers.local]\nbase_url = "${fake.url}/v1"\n`;
    const result = await runOpenkoi(['-i', '0', '--json', '--no-memory', '-m', 'local/llama', 'hi'], environment, { config });
    expect(result.code, result.stderr).toBe(0);
    const [attempt] = attemptsOf(result.stdout);
    expect(attempt).toMatchObject({ candidate: 'local/llama', outcome: 'ok', usageUnknown: true });
    expect(attempt!.usage).toBeUndefined();
    expect(JSON.parse(result.stdout).costKnown).toBe(false);
  });
});
