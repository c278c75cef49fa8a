import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

let fake: FakeServer;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-budgets-0123' };
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

// $1000 per million input tokens: a -i 0 request of ~60 estimated tokens costs about $0.06.
const PRICEY_INPUT = '[pricing."openai/pricey"]\ninput = 1000.0\noutput = 0.0\n';
// $1 per output token, input free: a streamed reply crosses a $5 budget after ~5 tokens.
const PRICEY_OUTPUT = '[pricing."openai/pricey"]\ninput = 0.0\noutput = 1000000.0\n';
// $1 per input token: any request crosses the default $2.00.
const VERY_PRICEY = '[pricing."openai/pricey"]\ninput = 1000000.0\noutput = 0.0\n';

describe('a request whose estimated input would cross the cost budget is not sent (exit 3)', () => {
  it('--max-cost below the estimate: exit 3, nothing sent, the message says why', async () => {
    fake.script('openai.chat', { text: 'never requested' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/pricey', '--max-cost', '0.01', 'task'], environment, { config: PRICEY_INPUT });
    expect(result.code, result.stderr).toBe(3);
    expect(fake.requests).toHaveLength(0);
    expect(result.stderr).toMatch(/Not sent: the executor request to openai\/pricey \(about \d+ input tokens, estimated at 4 characters a token\)/);
    expect(result.stderr).toContain('[done] budget-cost');
  });

  it('--max-cost above the estimate: sent', async () => {
    fake.script('openai.chat', { text: 'sent' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/pricey', '--max-cost', '5', 'task'], environment, { config: PRICEY_INPUT });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('sent\n');
  });

  it('[engine] max_cost_usd in config.toml is the budget', async () => {
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/pricey', 'task'], environment, { config: `${PRICEY_INPUT}[engine]\nmax_cost_usd = 0.01\n` });
    expect(result.code, result.stderr).toBe(3);
    expect(fake.requests).toHaveLength(0);
  });

  it('OPENKOI_MAX_COST_USD is the budget', async () => {
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/pricey', 'task'], { ...environment, OPENKOI_MAX_COST_USD: '0.01' }, { config: PRICEY_INPUT });
    expect(result.code, result.stderr).toBe(3);
    expect(fake.requests).toHaveLength(0);
  });

  it('a default budget of $2.00 applies when none is set, and --max-cost raises it', async () => {
    const refused = await runOpenkoi(['-i', '0', '-m', 'openai/pricey', 'task'], environment, { config: VERY_PRICEY });
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toContain('cost budget ($2.0000; --max-cost or [engine] max_cost_usd)');
    expect(fake.requests).toHaveLength(0);
    fake.script('openai.chat', { text: 'allowed' });
    const raised = await runOpenkoi(['-i', '0', '-m', 'openai/pricey', '--max-cost', '100000', 'task'], environment, { config: VERY_PRICEY });
    expect(raised.code, raised.stderr).toBe(0);
    expect(raised.stdout).toBe('allowed\n');
  });

  it('--help shows the default budget', async () => {
    const result = await runOpenkoi(['run', '--help'], {});
    expect(result.stdout).toMatch(/--max-cost=USD\s+Cost budget in USD for the whole task \(default\s+2\.00,\s+\[engine\]\s+max_cost_usd\)/);
  });
});

describe('a streamed reply whose output crosses the cost budget is stopped (exit 3)', () => {
  it('the stream is closed after a few tokens; the partial answer is printed', async () => {
    const words = Array.from({ length: 200 }, (_, index) => `word${index} `);
    fake.script('openai.chat', { chunks: words });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/pricey', '--max-cost', '5', 'task'], environment, { config: PRICEY_OUTPUT });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/Stopped the executor's reply from openai\/pricey after about \d+ output tokens/);
    expect(result.stdout.startsWith('word0 ')).toBe(true);
    // Stopped well before the end: about 5 tokens of 4 characters, not 200 words.
    expect(result.stdout).not.toContain('word199');
    expect(result.stdout.length).toBeLessThan(100);
  });
});

describe('a request larger than the model’s known context window is not sent', () => {
  it('gpt-4o (128k tokens) and 600,000 characters of input: a context-length error, nothing sent', async () => {
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4o', 'Summarise:'], environment, { stdinFile: 'x'.repeat(600_000) });
    expect(result.code, result.stderr).toBe(1);
    expect(fake.requests).toHaveLength(0);
    expect(result.stderr).toMatch(/Not sent: the executor request is about \d+ input tokens .* more than openai\/gpt-4o's context window of 128000 tokens/);
  });
});

describe('large piped input and unknown prices are said on stderr', () => {
  it('piped input over 1 MB: a warning with its estimated tokens', async () => {
    fake.script('openai.chat', { text: 'summary' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'Summarise:'], environment, { stdinFile: 'y'.repeat(1_100_000) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('openkoi: warning: the piped input is 1.1 MB, about 275000 tokens (estimated at 4 characters a token)');
  });

  it('piped input under 1 MB: no warning', async () => {
    fake.script('openai.chat', { text: 'summary' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'Summarise:'], environment, { stdinFile: 'y'.repeat(1000) });
    expect(result.stderr).not.toContain('piped input');
  });

  it('an unknown price: the budget says it cannot be enforced for that model, and the cost is a lower bound', async () => {
    fake.script('openai.chat', { text: 'done', usage: { input: 1000, output: 1000 } });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/mystery-1', '--max-cost', '0.5', 'task'], environment);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('[budget] the cost budget ($0.50) cannot be enforced for openai/mystery-1: its price is unknown');
    expect(result.stderr).toMatch(/\[done\] executed · 1 iteration · 2000 tokens · ≥ \$0\.0000 \(some prices unknown\)/);
  });

  it('a known price gets no such warning', async () => {
    fake.script('openai.chat', { text: 'done' });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'task'], environment);
    expect(result.stderr).not.toContain('cannot be enforced');
  });
});
