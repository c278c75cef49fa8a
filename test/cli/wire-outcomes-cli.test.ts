import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { taskSummarySchema } from '../../src/engine/task-summary.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

let fake: FakeServer;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-wire-0123', ANTHROPIC_API_KEY: 'sk-ant-fake-wire-0123' };
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

describe('a truncated or refused answer is never a silent success', () => {
  it('a reply cut by max_tokens: --json carries finishReason length, the progress line says so, exit 4', async () => {
    fake.script('anthropic.messages', { text: 'The answer starts but', finishReason: 'max_tokens' });

    const result = await runOpenkoi(['-m', 'anthropic/claude-sonnet-4-6', '-i', '0', '--json', 'Explain'], environment);

    const summary = taskSummarySchema.parse(JSON.parse(result.stdout));
    expect(summary.iterations[0]).toMatchObject({ finishReason: 'length', rawFinishReason: 'max_tokens' });
    expect(result.stderr).toContain('the answer was cut short');
    expect(result.code).toBe(4);
    expect(summary.exitCode).toBe(4);
  });

  it('a refusal is reported as one, with the vendor explanation, and exits 4', async () => {
    fake.script('openai.chat', {
      wire: {
        events: [
          { id: 'r', object: 'chat.completion.chunk', created: 1, model: 'gpt-5.2', choices: [{ index: 0, delta: { role: 'assistant', content: null, refusal: 'I cannot help with that request.' }, finish_reason: null }] },
          { id: 'r', object: 'chat.completion.chunk', created: 1, model: 'gpt-5.2', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
        ],
      },
    });

    const result = await runOpenkoi(['-m', 'openai/gpt-5.2', '-i', '0', '--json', 'Do something'], environment);

    const summary = taskSummarySchema.parse(JSON.parse(result.stdout));
    expect(summary.iterations[0]).toMatchObject({ finishReason: 'content-filter', refusal: 'I cannot help with that request.' });
    expect(summary.answer ?? '').not.toContain('I cannot help');
    expect(result.stderr).toContain('the model refused: I cannot help with that request.');
    expect(result.code).toBe(4);
  });
});

describe('--show-reasoning shows reasoning on stderr, never on stdout; --json carries it', () => {
  const reasoningStream = {
    wire: {
      events: [
        { id: 'd', object: 'chat.completion.chunk', created: 1, model: 'deepseek-reasoner', choices: [{ index: 0, delta: { role: 'assistant', content: null, reasoning_content: 'Counting the letters first.' }, finish_reason: null }] },
        { id: 'd', object: 'chat.completion.chunk', created: 1, model: 'deepseek-reasoner', choices: [{ index: 0, delta: { content: 'Three.' }, finish_reason: null }] },
        { id: 'd', object: 'chat.completion.chunk', created: 1, model: 'deepseek-reasoner', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
      ],
    },
  };

  it('with the flag the reasoning is on stderr; stdout holds only the answer', async () => {
    fake.script('openai.chat', reasoningStream, reasoningStream);

    const shown = await runOpenkoi(['-m', 'openai/gpt-5.2', '-i', '0', '--show-reasoning', 'How many r in strawberry?'], environment);
    const hidden = await runOpenkoi(['-m', 'openai/gpt-5.2', '-i', '0', 'How many r in strawberry?'], environment);

    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe('Three.\n');
    expect(shown.stderr).toContain('Counting the letters first.');
    expect(hidden.stdout).toBe('Three.\n');
    expect(hidden.stderr).not.toContain('Counting the letters first.');
  });

  it('--json carries the reasoning per iteration', async () => {
    fake.script('openai.chat', reasoningStream);

    const result = await runOpenkoi(['-m', 'openai/gpt-5.2', '-i', '0', '--json', 'How many r in strawberry?'], environment);

    expect(taskSummarySchema.parse(JSON.parse(result.stdout)).iterations[0]?.reasoning).toBe('Counting the letters first.');
  });
});

describe("SDK chatter never reaches stderr as the SDK's own text", () => {
  it("the Anthropic SDK's deprecation console.warn becomes one openkoi warning line", async () => {
    fake.script('anthropic.messages', { text: 'ok' });

    const result = await runOpenkoi(['-m', 'anthropic/claude-sonnet-4-5', '-i', '0', 'hi'], environment);

    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('Please migrate to a newer model');
    expect(result.stderr.match(/\[warning\] Anthropic SDK: The model 'claude-sonnet-4-5' is deprecated/g)).toHaveLength(1);
  });
});

describe('[models.options] sets temperature, output limit and reasoning per model and per role', () => {
  it('the executor role and a model each get their settings on the wire; a model setting wins over its role', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const directory = mkdtempSync(join(tmpdir(), 'openkoi-options-'));
    const configPath = join(directory, 'config.toml');
    writeFileSync(
      configPath,
      [
        '[models.options.executor]',
        'temperature = 0.7',
        'reasoning_effort = "high"',
        '',
        '[models.options."openai/gpt-5.2"]',
        'temperature = 0.2',
        'max_output_tokens = 900',
        '',
        '[models.options."anthropic/claude-sonnet-4-6"]',
        'thinking_budget = 2048',
      ].join('\n'),
    );
    fake.script('openai.chat', { text: 'done' });
    fake.script('anthropic.messages', { text: 'done' });
    try {
      const openaiRun = await runOpenkoi(['--config', configPath, '-m', 'openai/gpt-5.2', '-i', '0', 'hi'], environment);
      const anthropicRun = await runOpenkoi(['--config', configPath, '-m', 'anthropic/claude-sonnet-4-6', '-i', '0', 'hi'], environment);

      expect(openaiRun.code).toBe(0);
      expect(anthropicRun.code).toBe(0);
      expect(fake.requestsTo('openai.chat')[0]!.body).toMatchObject({ temperature: 0.2, max_completion_tokens: 900, reasoning_effort: 'high' });
      const anthropicBody = fake.requestsTo('anthropic.messages')[0]!.body;
      expect(anthropicBody.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
      // Extended thinking takes no temperature: the role's 0.7 is not sent, and the user is told.
      expect(anthropicBody.temperature).toBeUndefined();
      expect(anthropicRun.stderr).toContain('temperature is not supported by Anthropic with extended thinking');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('a misspelt option is a config error naming the key, and nothing is sent', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const directory = mkdtempSync(join(tmpdir(), 'openkoi-options-'));
    const configPath = join(directory, 'config.toml');
    writeFileSync(configPath, '[models.options."openai/gpt-5.2"]\ntemprature = 0.2\n');
    try {
      const result = await runOpenkoi(['--config', configPath, '-m', 'openai/gpt-5.2', '-i', '0', 'hi'], environment);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('temprature');
      expect(fake.requests).toHaveLength(0);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('a custom OpenAI-compatible endpoint may have no key', () => {
  it('[providers.local] base_url alone serves a run, with no Authorization header sent', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const directory = mkdtempSync(join(tmpdir(), 'openkoi-local-'));
    const configPath = join(directory, 'config.toml');
    writeFileSync(configPath, `[providers.local]\nbase_url = "${fake.url}/v1"\n`);
    fake.script('openai.chat', { text: 'local answer' });
    try {
      const result = await runOpenkoi(['--config', configPath, '-m', 'local/llama-3.1-8b', '-i', '0', 'hi'], environment);

      expect(result.code).toBe(0);
      expect(result.stdout).toBe('local answer\n');
      expect(result.stderr).toContain('executor local/llama-3.1-8b (no key, custom endpoint)');
      const [request] = fake.requestsTo('openai.chat');
      expect(request!.headers['authorization']).toBeUndefined();
      // A server we know nothing about gets the widely implemented max_tokens, never OpenAI's cache key.
      expect(request!.body.prompt_cache_key).toBeUndefined();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
