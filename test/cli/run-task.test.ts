import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

const OPENAI_KEY = 'sk-fake-openai-key-0123456789';
const ANTHROPIC_KEY = 'sk-ant-fake-anthropic-key-0123456789';

let fake: FakeServer;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY };
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

function expectNoSecrets(...outputs: string[]): void {
  for (const output of outputs) {
    expect(output).not.toContain(OPENAI_KEY);
    expect(output).not.toContain(ANTHROPIC_KEY);
  }
}

describe('openkoi -m provider/model "task" streams the reply to stdout', () => {
  it('OpenAI: the reply alone on stdout, progress on stderr', async () => {
    fake.script('openai.chat', { chunks: ['Hi', ' there', ', human.'], usage: { input: 12, output: 4 } });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'say hi'], environment);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Hi there, human.\n');
    expect(result.stderr).toContain('openai/gpt-4.1');
    const [request] = fake.requestsTo('openai.chat');
    expect(request?.body.model).toBe('gpt-4.1');
    expect(request?.body.stream).toBe(true);
    expect(request?.body.messages.at(-1).role).toBe('user');
    expect(request?.body.messages.at(-1).content).toContain('say hi');
    expect(request?.headers['authorization']).toBe(`Bearer ${OPENAI_KEY}`);
    expectNoSecrets(result.stdout, result.stderr);
  });

  it('Anthropic: streamed through the Messages API', async () => {
    fake.script('anthropic.messages', { chunks: ['Hello', ' from', ' Claude.'] });
    const result = await runOpenkoi(['-i', '0', '-m', 'anthropic/claude-sonnet-4-6', 'say', 'hi'], environment);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Hello from Claude.\n');
    const [request] = fake.requestsTo('anthropic.messages');
    expect(request?.body.model).toBe('claude-sonnet-4-6');
    expect(request?.body.stream).toBe(true);
    expect(request?.body.messages.at(-1).role).toBe('user');
    expect(JSON.stringify(request?.body.messages.at(-1).content)).toContain('say hi');
    expect(request?.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expectNoSecrets(result.stdout, result.stderr);
  });

  it('--no-stream waits for the whole reply', async () => {
    fake.script('openai.chat', { text: 'The whole reply.' });
    const result = await runOpenkoi(['-i', '0', '--no-stream', '-m', 'openai/gpt-4.1', 'say hi'], environment);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('The whole reply.\n');
    expect(fake.requestsTo('openai.chat')[0]?.body.stream).toBeFalsy();
  });

  it('OPENKOI_MODEL chooses the model when no flag does', async () => {
    fake.script('anthropic.messages', { text: 'via env' });
    const result = await runOpenkoi(['-i', '0', 'hello'], { ...environment, OPENKOI_MODEL: 'anthropic/claude-haiku-4-5' });
    expect(result.code).toBe(0);
    expect(fake.requestsTo('anthropic.messages')[0]?.body.model).toBe('claude-haiku-4-5');
  });
});

describe('setup problems get a clear error and a non-zero exit', () => {
  it('a missing key names the variable to set', async () => {
    const { OPENAI_API_KEY: _unused, ...withoutKey } = environment;
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'say hi'], withoutKey);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('OPENAI_API_KEY');
    expect(result.stdout).toBe('');
    expect(fake.requests).toHaveLength(0);
  });

  it('a model without a provider suggests one', async () => {
    const result = await runOpenkoi(['-m', 'gpt-4.1', 'say hi'], environment);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/did you mean "openai\/gpt-4.1"/i);
    expect(fake.requests).toHaveLength(0);
  });

  it('a vendor 401 is reported without the key, exit 1', async () => {
    fake.script('openai.chat', {
      fault: { status: 401, message: `Incorrect API key provided: ${OPENAI_KEY}`, code: 'invalid_api_key' },
    });
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/gpt-4.1', 'say hi'], environment);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/authentication failed \(HTTP 401\)/);
    expectNoSecrets(result.stdout, result.stderr);
  });

  it('no task at all is a usage error', async () => {
    const result = await runOpenkoi(['-m', 'openai/gpt-4.1'], environment);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No task given/);
  });
});

describe('--version and --help answer without touching the network', () => {
  it('--version prints the version', async () => {
    const result = await runOpenkoi(['--version'], environment);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^openkoi\/0\.\d+\.\d+ /);
    expect(fake.requests).toHaveLength(0);
  });

  it('--help shows the task usage and the flags', async () => {
    const result = await runOpenkoi(['--help'], environment);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--model');
    expect(result.stdout).toContain('--no-stream');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('a model flag that is not provider/model names the flag and suggests a reference', () => {
  it('a bare provider suggests its default model', async () => {
    const result = await runOpenkoi(['-m', 'together', 'task'], environment);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--model "together" is not a model reference');
    expect(result.stderr).toContain('Did you mean "together/meta-llama/Llama-3.3-70B-Instruct-Turbo"?');
  });

  it('a bare model name suggests its vendor, for the role flag used', async () => {
    const result = await runOpenkoi(['--evaluator', 'claude-sonnet-4-6', 'task'], environment);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--evaluator "claude-sonnet-4-6"');
    expect(result.stderr).toContain('Did you mean "anthropic/claude-sonnet-4-6"?');
    expect(fake.requests).toHaveLength(0);
  });
});
