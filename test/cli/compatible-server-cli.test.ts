// `--base-url` and `--api-key-env` (issue 15): the openai provider pointed at any OpenAI-compatible
// server from the command line, validated like `[providers.openai] base_url`, each proven wired.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

let fake: FakeServer;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
  // OPENAI_BASE_URL points at the fake's /v1: a flag must win over it.
  environment = fakeVendorEnvironment(fake);
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const LAB_KEY = 'sk-lab-key-for-the-compatible-server-0123';
const OPENAI_KEY = 'sk-openai-key-never-sent-elsewhere-4567';

function modelLine(stderr: string): string {
  return stderr.split('\n').find((line) => line.startsWith('[model] executor')) ?? '';
}

describe('--base-url points the openai provider at a compatible server', () => {
  it('the request goes to the flag\'s server, not OPENAI_BASE_URL\'s, and the [model] line says where', async () => {
    fake.script('openai.chat', { text: 'served by the local server' });

    const result = await runOpenkoi(['-i', '0', '-m', 'openai/llama3.2', '--base-url', `${fake.url}/ollama/v1`, 'say hi'], { ...environment, OPENAI_API_KEY: OPENAI_KEY });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('served by the local server\n');
    expect(fake.requests.map((request) => request.path)).toEqual(['/ollama/v1/chat/completions']);
    expect(fake.requests[0]!.body.model).toBe('llama3.2');
    expect(modelLine(result.stderr)).toBe(`[model] executor openai/llama3.2 (api key, env OPENAI_API_KEY) at ${fake.url}/ollama/v1`);
  });

  it('a server that takes no key (Ollama\'s /v1, a local vLLM) is called without one when no key is set', async () => {
    fake.script('openai.chat', { text: 'keyless answer' });

    const result = await runOpenkoi(['-i', '0', '-m', 'openai/qwen3', '--base-url', `${fake.url}/vllm/v1`, 'say hi'], environment);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('keyless answer\n');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.headers['authorization']).toBeUndefined();
    expect(modelLine(result.stderr)).toContain('(no key, custom endpoint)');
  });

  it('a user name, password or query in --base-url is exit 2 (fetch and the SDK cannot send them), the secret not echoed, nothing sent', async () => {
    const secret = 'pass-9f8e7d6c5b4a';
    for (const url of [`${fake.url.replace('//', `//lab:${secret}@`)}/v1`, `${fake.url}/v1?api-key=${secret}`]) {
      const result = await runOpenkoi(['-i', '0', '--json', '-m', 'openai/m', '--base-url', url, 'say hi'], { ...environment, OPENAI_API_KEY: OPENAI_KEY });

      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('--base-url: expected a URL without a user name, password or query');
      expect(result.stderr + result.stdout).not.toContain(secret);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('an OPENAI_BASE_URL holding a password is masked in the [model] line, and its failure quotes it nowhere', async () => {
    const secret = 'pass-0a1b2c3d4e5f';

    const result = await runOpenkoi(['-i', '0', '--json', '--no-fallback', '-m', 'openai/m', 'say hi'], {
      ...environment,
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: `${fake.url.replace('//', `//lab:${secret}@`)}/v1`,
    });

    expect(modelLine(result.stderr)).toBe(`[model] executor openai/m (api key, env OPENAI_API_KEY) at ${fake.url.replace('//', '//[redacted]@')}/v1`);
    expect(result.code).not.toBe(0);
    expect(result.stderr + result.stdout).not.toContain(secret);
    expect(result.stderr + result.stdout).not.toContain(OPENAI_KEY);
  });

  it('given for a run whose roles use another provider, it says it has no effect there', async () => {
    fake.script('anthropic.messages', { text: 'from anthropic' });

    const result = await runOpenkoi(['-i', '0', '-m', 'anthropic/claude-sonnet-4-6', '--base-url', `${fake.url}/ollama/v1`, 'say hi'], {
      ...environment,
      ANTHROPIC_API_KEY: 'sk-ant-fake-compatible-0123',
    });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('[warn] --base-url set the openai provider, which no role of this run uses');
    expect(fake.requestsTo('openai.chat')).toHaveLength(0);
  });

  for (const [label, value] of [
    ['host:port without a scheme', 'localhost:11434/v1'],
    ['not a URL', 'not a url'],
    ['not http(s)', 'ftp://127.0.0.1/v1'],
  ] as const) {
    it(`a bad URL (${label}) is exit 2 naming --base-url, nothing sent`, async () => {
      const result = await runOpenkoi(['-i', '0', '-m', 'openai/m', '--base-url', value, '--json', 'say hi'], { ...environment, OPENAI_API_KEY: OPENAI_KEY });

      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('--base-url: expected an http or https URL');
      expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'usage' } });
      expect(fake.requests).toHaveLength(0);
    });
  }

  it('[providers.openai] base_url refuses the same URL (the flag and the key share one rule)', async () => {
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/m', 'say hi'], { ...environment, OPENAI_API_KEY: OPENAI_KEY }, { config: '[providers.openai]\nbase_url = "localhost:11434/v1"\n' });

    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('providers.openai.base_url');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('--api-key-env names the variable that holds the key', () => {
  it('the key is read from that variable and sent, not OPENAI_API_KEY; the [model] line names the variable', async () => {
    fake.script('openai.chat', { text: 'routed' });

    const result = await runOpenkoi(
      ['-i', '0', '-m', 'openai/meta-llama/llama-3.3-70b', '--base-url', `${fake.url}/router/v1`, '--api-key-env', 'LAB_KEY', 'say hi'],
      { ...environment, OPENAI_API_KEY: OPENAI_KEY, LAB_KEY },
    );

    expect(result.code, result.stderr).toBe(0);
    expect(fake.requests[0]!.headers['authorization']).toBe(`Bearer ${LAB_KEY}`);
    expect(modelLine(result.stderr)).toContain('(api key, env LAB_KEY)');
    expect(result.stderr + result.stdout).not.toContain(LAB_KEY);
  });

  it('an unset variable is exit 2 naming --api-key-env and the variable, nothing sent (no other key taken instead)', async () => {
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/m', '--base-url', `${fake.url}/v1`, '--api-key-env', 'NOT_SET_KEY', 'say hi'], { ...environment, OPENAI_API_KEY: OPENAI_KEY });

    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('--api-key-env NOT_SET_KEY');
    expect(fake.requests).toHaveLength(0);
  });

  it('a name that is not a variable name is exit 2 naming --api-key-env, nothing sent', async () => {
    const result = await runOpenkoi(['-i', '0', '-m', 'openai/m', '--api-key-env', 'MY-KEY', 'say hi'], { ...environment, OPENAI_API_KEY: OPENAI_KEY, 'MY-KEY': 'x' });

    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('--api-key-env: expected');
    expect(fake.requests).toHaveLength(0);
  });
});
