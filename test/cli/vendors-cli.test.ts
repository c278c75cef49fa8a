import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from '../fakes/fake-server.js';
import { FAKE_OLLAMA_MODELS } from '../fakes/ollama-routes.js';
import { startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi, temporaryHome } from './run-openkoi.js';

const GROQ_KEY = 'gsk_fake-groq-key-0123456789';
const MYLAB_KEY = 'sk-fake-mylab-key-0123456789';

let fake: FakeServer;

beforeAll(async () => {
  fake = await startFakeVendors();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

/** A config file pointing groq and a custom endpoint at the fake's OpenAI-shaped routes. */
function vendorConfig(): string {
  const { home } = temporaryHome();
  const path = join(home, 'config.toml');
  mkdirSync(home, { recursive: true });
  writeFileSync(
    path,
    [
      '[providers.groq]',
      `base_url = "${fake.url}/openai/v1"`,
      '',
      '[providers.mylab]',
      `base_url = "${fake.url}/lab/v1"`,
      'api_key_env = "MYLAB_KEY"',
      'default_model = "lab-1"',
      'models = ["lab-1", "lab-2"]',
      '',
    ].join('\n'),
  );
  return path;
}

describe('openkoi -m <vendor>/<model> "say hi" prints the vendor\'s reply', () => {
  it('ollama: local and keyless, streamed over NDJSON', async () => {
    fake.script('ollama.chat', { chunks: ['Hi ', 'from ', 'llama.'] });
    const result = await runOpenkoi(['-m', 'ollama/llama3.3', '-i', '0', 'say hi'], { OLLAMA_HOST: fake.url });
    expect(result.stderr).not.toContain('Error');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Hi from llama.\n');
    expect(result.stderr).toContain('ollama/llama3.3');
    const [request] = fake.requestsTo('ollama.chat');
    expect(request?.body.model).toBe('llama3.3');
    expect(request?.body.messages.at(-1)).toMatchObject({ role: 'user' });
    expect(JSON.stringify(request?.body.messages)).toContain('say hi');
    // The model was chosen: no probe on the path of the task.
    expect(fake.requestsTo('ollama.tags')).toHaveLength(0);
  });

  it('groq: a built-in OpenAI-compatible vendor with [providers.groq] base_url, its own key', async () => {
    fake.script('openai.chat', { chunks: ['Hello ', 'from ', 'Groq.'] });
    const result = await runOpenkoi(['--config', vendorConfig(), '-m', 'groq/llama-3.3-70b-versatile', '-i', '0', 'say hi'], { GROQ_API_KEY: GROQ_KEY });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Hello from Groq.\n');
    expect(result.stderr).toContain('env GROQ_API_KEY');
    const [request] = fake.requestsTo('openai.chat');
    expect(request?.path).toBe('/openai/v1/chat/completions');
    expect(request?.headers['authorization']).toBe(`Bearer ${GROQ_KEY}`);
    expect(`${result.stdout}${result.stderr}`).not.toContain(GROQ_KEY);
  });

  it('a custom [providers.mylab] endpoint with its api_key_env', async () => {
    fake.script('openai.chat', { text: 'lab says hi' });
    const result = await runOpenkoi(['--config', vendorConfig(), '-m', 'mylab/lab-1', '-i', '0', 'say hi'], { MYLAB_KEY });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('lab says hi\n');
    const [request] = fake.requestsTo('openai.chat');
    expect(request?.path).toBe('/lab/v1/chat/completions');
    expect(request?.headers['authorization']).toBe(`Bearer ${MYLAB_KEY}`);
  });

  it('a saved key in OPENKOI_HOME/credentials is found without any environment variable', async () => {
    const { home, openkoiHome } = temporaryHome();
    mkdirSync(join(openkoiHome, 'credentials'), { recursive: true });
    writeFileSync(join(openkoiHome, 'credentials', 'groq.key'), `${GROQ_KEY}\n`, { mode: 0o600 });
    fake.script('openai.chat', { text: 'saved key works' });
    const result = await runOpenkoi(['--config', vendorConfig(), '-m', 'groq/llama-3.3-70b-versatile', '-i', '0', 'say hi'], { HOME: home, OPENKOI_HOME: openkoiHome });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('saved key works\n');
    expect(result.stderr).toContain('saved key');
    expect(fake.requestsTo('openai.chat')[0]?.headers['authorization']).toBe(`Bearer ${GROQ_KEY}`);
  });
});

describe('openkoi models --json lists the discovered providers', () => {
  it('each provider with a credential or a running Ollama, defaults marked', async () => {
    const result = await runOpenkoi(['models', '--json', '--config', vendorConfig()], {
      GROQ_API_KEY: GROQ_KEY,
      MYLAB_KEY,
      OPENAI_API_KEY: 'sk-fake-openai-key-0123456789',
      OPENAI_BASE_URL: `${fake.url}/v1`,
      OLLAMA_HOST: fake.url,
    });
    expect(result.code).toBe(0);
    const { providers } = JSON.parse(result.stdout) as { providers: Array<{ provider: string; source: string; listedBy: string; models: Array<{ id: string; default: boolean }>; error?: string }> };
    expect(providers.map((entry) => entry.provider).sort()).toEqual(['groq', 'mylab', 'ollama', 'openai']);
    const ollama = providers.find((entry) => entry.provider === 'ollama')!;
    expect(ollama.models.map((model) => model.id)).toEqual(FAKE_OLLAMA_MODELS);
    expect(ollama.models.find((model) => model.default)?.id).toBe('llama3.3:70b');
    const openai = providers.find((entry) => entry.provider === 'openai')!;
    expect(openai).toMatchObject({ source: 'env OPENAI_API_KEY', listedBy: 'endpoint' });
    expect(openai.models.find((model) => model.default)?.id).toBe('gpt-5.2');
    expect(result.stdout).not.toContain(GROQ_KEY);
  });

  it('a provider whose list endpoint fails is reported on its row, the others still listed', async () => {
    fake.script('openai.models', { fault: { status: 401 } });
    const result = await runOpenkoi(['models', '--json'], { OPENAI_API_KEY: 'sk-fake-openai-key-0123456789', OPENAI_BASE_URL: `${fake.url}/v1`, OLLAMA_HOST: fake.url });
    expect(result.code).toBe(0);
    const { providers } = JSON.parse(result.stdout);
    const openai = providers.find((entry: { provider: string }) => entry.provider === 'openai');
    expect(openai).toMatchObject({ listedBy: 'catalog', models: [{ id: 'gpt-5.2', default: true }] });
    expect(openai.error).toContain('authentication failed');
    expect(providers.some((entry: { provider: string }) => entry.provider === 'ollama')).toBe(true);
  });
});

describe('no provider at all, not on a terminal', () => {
  it('fails with an error listing every way to configure one', async () => {
    const result = await runOpenkoi(['say hi'], { OLLAMA_HOST: 'http://127.0.0.1:9' });
    expect(result.code).toBe(2);
    for (const way of ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GROQ_API_KEY', 'ollama pull llama3.3', 'credentials/<provider>.key', '-m provider/model']) {
      expect(result.stderr).toContain(way);
    }
    expect(result.stdout).toBe('');
  });
});

describe('every built-in OpenAI-compatible vendor reaches its endpoint with its own key', () => {
  const vendors: Array<[provider: string, variable: string, model: string]> = [
    ['openrouter', 'OPENROUTER_API_KEY', 'auto'],
    ['together', 'TOGETHER_API_KEY', 'meta-llama/Llama-3.3-70B-Instruct-Turbo'],
    ['deepseek', 'DEEPSEEK_API_KEY', 'deepseek-chat'],
    ['minimax', 'MINIMAX_API_KEY', 'MiniMax-M2.5'],
    ['moonshot', 'MOONSHOT_API_KEY', 'kimi-k2.5'],
    ['xai', 'XAI_API_KEY', 'grok-4-0709'],
  ];

  it.each(vendors)('%s via %s', async (provider, variable, model) => {
    const { home } = temporaryHome();
    const config = join(home, 'config.toml');
    writeFileSync(config, `[providers.${provider}]\nbase_url = "${fake.url}/${provider}/v1"\n`);
    const key = `sk-fake-${provider}-key-0123456789`;
    fake.script('openai.chat', { text: `Hello from ${provider}.` });
    const result = await runOpenkoi(['--config', config, '-m', `${provider}/${model}`, '-i', '0', 'say hi'], { [variable]: key });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`Hello from ${provider}.\n`);
    const [request] = fake.requestsTo('openai.chat');
    expect(request?.path).toBe(`/${provider}/v1/chat/completions`);
    expect(request?.body.model).toBe(model);
    expect(request?.headers['authorization']).toBe(`Bearer ${key}`);
    expect(`${result.stdout}${result.stderr}`).not.toContain(key);
  });

  it('kimi is an alias of moonshot', async () => {
    const { home } = temporaryHome();
    const config = join(home, 'config.toml');
    writeFileSync(config, `[providers.moonshot]\nbase_url = "${fake.url}/moonshot/v1"\n`);
    fake.script('openai.chat', { text: 'kimi here' });
    const result = await runOpenkoi(['--config', config, '-m', 'kimi/kimi-k2.5', '-i', '0', 'hi'], { MOONSHOT_API_KEY: 'sk-fake-moonshot-0123456789' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('kimi here\n');
  });
});
