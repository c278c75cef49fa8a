import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { discoverCredential, inspectCredentials, type DiscoveryContext } from '../../src/auth/discover-credentials.js';
import { maskSecret } from '../../src/auth/mask-secret.js';
import { saveKey } from '../../src/auth/saved-keys.js';
import { chooseDefaultModel } from '../../src/routing/choose-default-model.js';
import { pickBestOllamaModel } from '../../src/providers/ollama/pick-best-ollama-model.js';
import { ollamaProbeCachePath, probeOllama } from '../../src/providers/ollama/probe-ollama.js';
import { BUILTIN_PROVIDERS, findProviderEntry } from '../../src/providers/provider-catalog.js';
import { ConfigError } from '../../src/config/config-error.js';
import { FakeServer } from '../fakes/fake-server.js';
import { ollamaRoutes } from '../fakes/ollama-routes.js';
import { temporaryDirectories } from '../temporary-directories.js';

const makeDirectory = temporaryDirectories('openkoi-discovery-');

const openai = findProviderEntry('openai')!;
const anthropic = findProviderEntry('anthropic')!;
const ENV_KEY = 'sk-env-key-0123456789abcdefENVK';
const STORE_KEY = 'sk-store-key-0123456789abcdSTOR';
const CODEX_KEY = 'sk-codex-key-0123456789abcdCODX';
const SAVED_KEY = 'sk-saved-key-0123456789abcdSAVD';

let home: string;
let openkoiHome: string;
let warnings: string[];

function context(environment: NodeJS.ProcessEnv = {}): DiscoveryContext {
  return { environment, home, openkoiHome, onWarning: (message) => warnings.push(message) };
}

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

const authJson = () => join(openkoiHome, 'auth.json');
const claudeFile = () => join(home, '.claude', '.credentials.json');
const codexFile = () => join(home, '.codex', 'auth.json');
const savedFile = (id: string) => join(openkoiHome, 'credentials', `${id}.key`);

beforeEach(() => {
  home = makeDirectory();
  openkoiHome = join(home, '.openkoi');
  warnings = [];
});

describe('credential discovery takes the first source in PROVIDERS.md order', () => {
  function everySourceForOpenAI(): void {
    write(authJson(), JSON.stringify({ openai: { type: 'api', key: STORE_KEY } }));
    write(codexFile(), JSON.stringify({ OPENAI_API_KEY: CODEX_KEY }));
    write(savedFile('openai'), `${SAVED_KEY}\n`);
  }

  it('the environment beats every file', () => {
    everySourceForOpenAI();
    const found = discoverCredential(openai, context({ OPENAI_API_KEY: ENV_KEY }));
    expect(found).toMatchObject({ apiKey: ENV_KEY, source: 'env OPENAI_API_KEY', authMode: 'api-key' });
  });

  it('the auth store beats the Codex CLI and saved keys', () => {
    everySourceForOpenAI();
    expect(discoverCredential(openai, context())).toMatchObject({ apiKey: STORE_KEY, source: 'auth store ~/.openkoi/auth.json' });
  });

  it("the Codex CLI's stored key beats a saved key", () => {
    write(codexFile(), JSON.stringify({ OPENAI_API_KEY: CODEX_KEY, tokens: null }));
    write(savedFile('openai'), SAVED_KEY);
    expect(discoverCredential(openai, context())).toMatchObject({ apiKey: CODEX_KEY, source: 'codex cli ~/.codex/auth.json' });
  });

  it('a saved key is used last', () => {
    write(savedFile('openai'), `${SAVED_KEY}\n`);
    expect(discoverCredential(openai, context())).toMatchObject({ apiKey: SAVED_KEY, source: 'saved key ~/.openkoi/credentials/openai.key' });
  });

  it('nothing anywhere: undefined', () => {
    expect(discoverCredential(openai, context())).toBeUndefined();
  });

  it('an OAuth token in the auth store counts as a subscription, and an expired one is not used', () => {
    const copilot = { id: 'github-copilot', name: 'GitHub Copilot', api: 'openai-chat' as const, keyVariables: [] };
    write(authJson(), JSON.stringify({ 'github-copilot': { type: 'oauth', access: 'gho_token0123456789abcdef', expires: Date.now() + 60_000 } }));
    expect(discoverCredential(copilot, context())).toMatchObject({ authMode: 'subscription' });
    write(authJson(), JSON.stringify({ 'github-copilot': { type: 'oauth', access: 'gho_token0123456789abcdef', expires: Date.now() - 1 } }));
    expect(discoverCredential(copilot, context())).toBeUndefined();
    expect(inspectCredentials(copilot, context())[0]).toMatchObject({ usable: false, note: expect.stringContaining('expired') });
  });
});

describe('Claude subscription credentials are found, reported, and never used', () => {
  it('reports Claude Code sign-in as not usable and falls through to the next source', () => {
    write(claudeFile(), JSON.stringify({ claudeAiOauth: { accessToken: 'sk-ant-oat01-secret', refreshToken: 'r', expiresAt: Date.now() + 1e6 } }));
    expect(discoverCredential(anthropic, context())).toBeUndefined();
    const findings = inspectCredentials(anthropic, context());
    expect(findings).toEqual([expect.objectContaining({ source: 'claude cli ~/.claude/.credentials.json', usable: false, authMode: 'subscription' })]);
    expect(findings[0]?.note).toContain('ANTHROPIC_API_KEY');
    expect(JSON.stringify(findings)).not.toContain('sk-ant-oat01-secret');
    write(savedFile('anthropic'), 'sk-ant-api03-saved0123456789');
    expect(discoverCredential(anthropic, context())?.source).toBe('saved key ~/.openkoi/credentials/anthropic.key');
  });

  it('a Codex CLI signed in with ChatGPT (no API key) is reported, not used', () => {
    write(codexFile(), JSON.stringify({ OPENAI_API_KEY: null, tokens: { access_token: 'eyJsecret', refresh_token: 'r' } }));
    expect(discoverCredential(openai, context())).toBeUndefined();
    expect(inspectCredentials(openai, context())[0]).toMatchObject({ usable: false, note: expect.stringContaining('not usable') });
  });

  it('a Qwen CLI OAuth sign-in is reported for a qwen provider, never used', () => {
    write(join(home, '.qwen', 'oauth_creds.json'), JSON.stringify({ access_token: 'qwen-secret-token', refresh_token: 'r', resource_url: 'portal.qwen.ai' }));
    const qwen = { id: 'qwen', name: 'qwen', api: 'openai-chat' as const, keyVariables: [] };
    expect(discoverCredential(qwen, context())).toBeUndefined();
    expect(inspectCredentials(qwen, context())[0]).toMatchObject({ usable: false, source: 'qwen cli ~/.qwen/oauth_creds.json' });
  });
});

describe('malformed credential files warn by name and never crash or leak', () => {
  it.each([
    ['auth.json', () => authJson(), '{"openai": {"type": "api", "key": "sk-leak-'],
    ['Codex CLI auth.json', () => codexFile(), 'sk-leak-notjson'],
    ['Claude credentials', () => claudeFile(), '{{sk-leak'],
  ])('%s that is not JSON', (_label, path, text) => {
    write(path(), text);
    write(savedFile('openai'), SAVED_KEY);
    write(savedFile('anthropic'), SAVED_KEY);
    expect(discoverCredential(path() === claudeFile() ? anthropic : openai, context())?.apiKey).toBe(SAVED_KEY);
    expect(warnings.join('\n')).toMatch(/not valid JSON/);
    expect(warnings.join('\n')).not.toContain('sk-leak');
  });

  it('an auth.json entry of the wrong shape is skipped with a warning naming the provider', () => {
    write(authJson(), JSON.stringify({ openai: { type: 'api' } }));
    expect(discoverCredential(openai, context())).toBeUndefined();
    expect(warnings[0]).toContain('"openai" entry is malformed');
  });

  it('a saved key file holding more than a key is ignored with a warning', () => {
    write(savedFile('openai'), 'OPENAI_API_KEY = sk-something');
    expect(discoverCredential(openai, context())).toBeUndefined();
    expect(warnings[0]).toContain('credentials/openai.key');
  });
});

describe('keys are shown masked and saved privately', () => {
  it('masks to the vendor prefix and the last four characters', () => {
    expect(maskSecret('sk-proj-abcdefghijklmnopwxyz')).toBe('sk-proj-…wxyz');
    expect(maskSecret('gsk_abcdefghijklmnopwxyz')).toBe('gsk_…wxyz');
    expect(maskSecret('short')).toBe('…');
    expect(maskSecret('sk-ant-api03-abcdefghijklmnop-wxyz')).toBe('sk-ant-…wxyz');
    // A second segment that is not a known vendor word may be key material: not shown.
    expect(maskSecret('sk-ab_cdefghijklmnopqrstuvwxyz')).toBe('sk-…wxyz');
    expect(discoverCredential(openai, context({ OPENAI_API_KEY: ENV_KEY }))?.masked).toBe('sk-…ENVK');
  });

  it('saves a pasted key with mode 0600, atomically, where discovery finds it', () => {
    const path = saveKey(openkoiHome, 'groq', 'gsk_pasted0123456789abcd');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe('gsk_pasted0123456789abcd\n');
    expect(discoverCredential(findProviderEntry('groq')!, context())?.source).toBe('saved key ~/.openkoi/credentials/groq.key');
  });
});

describe('the default model follows discovery, then the best installed Ollama model', () => {
  const server = new FakeServer(ollamaRoutes);
  beforeAll(async () => {
    await server.start();
  });
  afterAll(() => server.stop());

  it('anthropic first, then openai, each through any discovery source', async () => {
    write(codexFile(), JSON.stringify({ OPENAI_API_KEY: CODEX_KEY }));
    expect(await chooseDefaultModel(BUILTIN_PROVIDERS, context({ OLLAMA_HOST: server.url }))).toEqual({ provider: 'openai', model: 'gpt-5.2' });
    write(savedFile('anthropic'), 'sk-ant-api03-saved0123456789');
    expect(await chooseDefaultModel(BUILTIN_PROVIDERS, context({ OLLAMA_HOST: server.url }))).toEqual({ provider: 'anthropic', model: 'claude-sonnet-4-6' });
  });

  it('no key: the best installed Ollama model, the probe cached in OPENKOI_HOME', async () => {
    const choice = await chooseDefaultModel(BUILTIN_PROVIDERS, context({ OLLAMA_HOST: server.url }));
    expect(choice).toEqual({ provider: 'ollama', model: 'llama3.3:70b' });
    const cached = JSON.parse(readFileSync(ollamaProbeCachePath(openkoiHome), 'utf8'));
    expect(cached).toMatchObject({ reachable: true, host: server.url });
    server.reset();
    await chooseDefaultModel(BUILTIN_PROVIDERS, context({ OLLAMA_HOST: server.url }));
    expect(server.requestsTo('ollama.tags')).toHaveLength(0);
  });

  it('no provider at all and no terminal: an error listing every way to configure one', async () => {
    const error = await chooseDefaultModel(BUILTIN_PROVIDERS, context({ OLLAMA_HOST: 'http://127.0.0.1:9' })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    for (const way of ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GROQ_API_KEY', 'ollama pull llama3.3', 'credentials/<provider>.key', '[providers.<id>]', '-m provider/model']) {
      expect((error as Error).message).toContain(way);
    }
  });

  it('probe: unreachable is a quick "not reachable", and Ollama without models suggests a pull', async () => {
    const result = await probeOllama({ host: 'http://127.0.0.1:9' });
    expect(result).toMatchObject({ reachable: false, models: [] });
    expect(pickBestOllamaModel([])).toBeUndefined();
  });
});

describe('the best installed Ollama model follows PROVIDERS.md', () => {
  it.each([
    [['gemma2:9b', 'llama3.1:8b', 'qwen2.5-coder:7b'], 'qwen2.5-coder:7b'],
    [['mistral-nemo:latest', 'llama3.3:70b', 'mistral:7b'], 'llama3.3:70b'],
    [['mistral-nemo:latest', 'mistral:7b'], 'mistral:7b'],
    [['phi4:latest', 'tinyllama:latest'], 'phi4:latest'],
    [['library/codestral:22b', 'gemma2:2b'], 'library/codestral:22b'],
  ])('%j → %s', (installed, best) => {
    expect(pickBestOllamaModel(installed)).toBe(best);
  });
});
