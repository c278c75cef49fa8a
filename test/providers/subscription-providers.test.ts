import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { saveAuthStoreEntry } from '../../src/auth/auth-store.js';
import { discoverCredential, inspectCredentials, type DiscoveryContext } from '../../src/auth/discover-credentials.js';
import { quotaPath } from '../../src/auth/quota-telemetry.js';
import type { StreamEvent } from '../../src/model/stream-event.js';
import { createProvider } from '../../src/providers/create-provider.js';
import { IDENTITY_VERSION } from '../../src/providers/openkoi-identity.js';
import { findProviderEntry } from '../../src/providers/provider-catalog.js';
import type { FakeServer, RecordedRequest } from '../fakes/fake-server.js';
import { CODEX_QUOTA_HEADERS } from '../fakes/codex-responses-routes.js';
import { fakeOAuth, mintChatGPTTokens, resetFakeOAuth } from '../fakes/oauth-routes.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { temporaryDirectories } from '../temporary-directories.js';

// Each test's home goes when the file is done: tests leave no folders behind.
const newDirectory = temporaryDirectories('openkoi-subscriptions-');

let server: FakeServer;
let home: string;
let openkoiHome: string;
beforeAll(async () => (server = await startFakeVendors()));
afterAll(async () => server.stop());
beforeEach(() => {
  server.reset();
  resetFakeOAuth(server);
  home = newDirectory();
  openkoiHome = join(home, '.openkoi');
});

const codex = findProviderEntry('chatgpt')!;
const githubModels = findProviderEntry('copilot')!;
const anthropic = findProviderEntry('anthropic')!;
const GITHUB_TOKEN = 'ghp_fakeGithubToken0123456789abcdef';

function context(extra: Record<string, string> = {}): DiscoveryContext {
  return { environment: { ...fakeVendorEnvironment(server), ...extra }, home, openkoiHome };
}

async function signIn(expiresInMs: number) {
  const tokens = mintChatGPTTokens(server, Date.now() + expiresInMs);
  await saveAuthStoreEntry(openkoiHome, 'openai-codex', { type: 'oauth', ...tokens, expires: Date.now() + expiresInMs, clientId: 'openkoi-test' });
  return tokens;
}

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** openkoi's own identity, and none of Codex CLI's or VS Code's. */
function expectOpenkoiIdentity(request: RecordedRequest): void {
  expect(String(request.headers['user-agent'])).toMatch(new RegExp(`^openkoi/${IDENTITY_VERSION.replace(/\./g, '\\.')} `));
  const names = Object.keys(request.headers).map((name) => name.toLowerCase());
  expect(names).not.toContain('editor-version');
  expect(names).not.toContain('editor-plugin-version');
  expect(names).not.toContain('copilot-integration-id');
  expect(String(request.headers['originator'] ?? '')).not.toMatch(/codex/);
  expect(JSON.stringify(request.headers)).not.toMatch(/vscode|codex_cli|Iv1\.b507a08c87ecfe98/);
}

describe('openai-codex (alias chatgpt): the Responses API on the ChatGPT Codex backend', () => {
  it('streams text, tool calls and usage, with the backend’s strict request shape and openkoi’s identity', async () => {
    const tokens = await signIn(60 * 60 * 1000);
    const credential = discoverCredential(codex, context());
    expect(credential).toMatchObject({ authMode: 'subscription', provider: 'openai-codex' });
    const provider = await createProvider(codex, context().environment, credential);
    server.script('codex.responses', {
      text: 'Let me check.',
      toolCalls: [{ id: 'call_1', name: 'read_file', arguments: { path: 'README.md' } }],
      usage: { input: 100, output: 20, cacheRead: 30, reasoning: 5 },
    });
    const events = await collect(
      provider.chatStream({
        model: 'gpt-5-codex',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_0', toolName: 'list', input: {} }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_0', toolName: 'list', output: 'a b' }] },
        ],
        tools: [{ name: 'read_file', description: 'Read a file', inputSchema: { type: 'object', properties: { path: { type: 'string' } } } }],
        maxOutputTokens: 500,
      }),
    );
    expect(events.filter((event) => event.type === 'text-delta').map((event) => (event as { text: string }).text).join('')).toBe('Let me check.');
    expect(events).toContainEqual({ type: 'tool-call', toolCallId: 'call_1', toolName: 'read_file', input: { path: 'README.md' } });
    expect(events).toContainEqual({ type: 'usage', usage: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 30, cacheWriteTokens: 0, reasoningTokens: 5 } });
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'tool-calls', rawFinishReason: 'completed' });

    const [request] = server.requestsTo('codex.responses');
    expect(request!.path).toBe('/backend-api/codex/responses');
    expect(request!.body).toMatchObject({ stream: true, store: false, instructions: 'Be brief.', model: 'gpt-5-codex' });
    expect(Array.isArray(request!.body.input)).toBe(true);
    expect(request!.body.input).toContainEqual({ type: 'function_call_output', call_id: 'call_0', output: 'a b' });
    expect(request!.body).not.toHaveProperty('max_output_tokens');
    expect(request!.headers['authorization']).toBe(`Bearer ${tokens.access}`);
    expect(request!.headers['chatgpt-account-id']).toBe('acct-fake-0001');
    expect(request!.headers['originator']).toBe('openkoi');
    expectOpenkoiIdentity(request!);
  });

  it('a whole reply (chat) is a collected stream, so it keeps the backend’s rules too', async () => {
    await signIn(60 * 60 * 1000);
    const provider = await createProvider(codex, context().environment, discoverCredential(codex, context()));
    server.script('codex.responses', { text: 'Whole answer.' });
    const response = await provider.chat({ model: 'gpt-5-codex', messages: [{ role: 'user', content: 'hi' }] });
    expect(response.text).toBe('Whole answer.');
    expect(response.finishReason).toBe('stop');
    // No system message: instructions are still sent.
    expect(server.requestsTo('codex.responses')[0]!.body).toMatchObject({ stream: true, store: false, instructions: expect.any(String) });
  });

  it('a token about to expire is refreshed before the call; the reply’s usage windows are kept as quota telemetry', async () => {
    const old = await signIn(2 * 60 * 1000);
    const provider = await createProvider(codex, context().environment, discoverCredential(codex, context()));
    await provider.chat({ model: 'gpt-5-codex', messages: [{ role: 'user', content: 'hi' }] });
    expect(server.requestsTo('openai-auth.token')).toHaveLength(1);
    expect(server.requestsTo('codex.responses')[0]!.headers['authorization']).not.toBe(`Bearer ${old.access}`);
    const quota = JSON.parse(readFileSync(quotaPath(openkoiHome), 'utf8'));
    expect(quota['openai-codex'].windows).toEqual([
      expect.objectContaining({ name: 'primary', usedPercent: Number(CODEX_QUOTA_HEADERS['x-codex-primary-used-percent']), windowMinutes: 300 }),
      expect.objectContaining({ name: 'secondary', usedPercent: 40, windowMinutes: 10080 }),
    ]);
    expect(JSON.stringify(quota)).not.toContain(old.access);
  });

  it('not connected: a clear error and nothing sent', async () => {
    expect(discoverCredential(codex, context())).toBeUndefined();
    await expect(createProvider(codex, context().environment, undefined)).rejects.toThrow(/openkoi connect chatgpt/);
    expect(server.requests).toHaveLength(0);
  });

  it('a sign-in whose refresh was already spent elsewhere fails with the reuse message, and no chat is sent', async () => {
    const tokens = await signIn(60 * 1000);
    fakeOAuth(server).openai.liveRefreshTokens.delete(tokens.refresh);
    fakeOAuth(server).openai.usedRefreshTokens.add(tokens.refresh);
    const provider = await createProvider(codex, context().environment, discoverCredential(codex, context()));
    await expect(provider.chat({ model: 'gpt-5-codex', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ kind: 'auth', message: expect.stringMatching(/already used/) });
    expect(server.requestsTo('codex.responses')).toHaveLength(0);
  });
});

describe('github-models (alias copilot): GitHub Models with the user’s own GitHub token', () => {
  it('chats through {models}/chat/completions with the token from GITHUB_TOKEN, as openkoi', async () => {
    const credential = discoverCredential(githubModels, context({ GITHUB_TOKEN }));
    expect(credential).toMatchObject({ source: 'env GITHUB_TOKEN', authMode: 'api-key' });
    const provider = await createProvider(githubModels, context({ GITHUB_TOKEN }).environment, credential);
    server.script('openai.chat', { text: 'Hi from GitHub Models', toolCalls: [{ name: 'read_file', arguments: { path: 'a' } }], usage: { input: 7, output: 3 } });
    const events = await collect(provider.chatStream({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }));
    expect(events).toContainEqual({ type: 'tool-call', toolCallId: 'call_fake0', toolName: 'read_file', input: { path: 'a' } });
    expect(events).toContainEqual({ type: 'usage', usage: { inputTokens: 7, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } });
    const [request] = server.requestsTo('openai.chat');
    expect(request!.path).toBe('/inference/chat/completions');
    expect(request!.body.model).toBe('openai/gpt-4.1');
    expect(request!.headers['authorization']).toBe(`Bearer ${GITHUB_TOKEN}`);
    expectOpenkoiIdentity(request!);
  });

  it('token sources in order: environment, auth.json, the GitHub CLI’s hosts file, a saved key', async () => {
    const ghDirectory = join(home, '.config', 'gh');
    mkdirSync(ghDirectory, { recursive: true });
    writeFileSync(join(ghDirectory, 'hosts.yml'), 'github.com:\n    users:\n        octocat:\n            oauth_token: gho_fromGhCliHostsFile0123456789\n    git_protocol: https\n    oauth_token: gho_fromGhCliHostsFile0123456789\n    user: octocat\n');
    mkdirSync(join(openkoiHome, 'credentials'), { recursive: true });
    writeFileSync(join(openkoiHome, 'credentials', 'github-models.key'), 'github_pat_savedKey0123456789\n');
    expect(discoverCredential(githubModels, context())).toMatchObject({ apiKey: 'gho_fromGhCliHostsFile0123456789', authMode: 'subscription', source: 'github cli ~/.config/gh/hosts.yml' });
    await saveAuthStoreEntry(openkoiHome, 'github-models', { type: 'oauth', access: 'gho_fromDeviceFlow0123456789abc' });
    expect(discoverCredential(githubModels, context())).toMatchObject({ apiKey: 'gho_fromDeviceFlow0123456789abc', authMode: 'subscription' });
    expect(discoverCredential(githubModels, context({ GH_TOKEN: 'gh_env_token_0123456789abcdef' }))).toMatchObject({ source: 'env GH_TOKEN' });
    expect(inspectCredentials(githubModels, context()).map((finding) => finding.source.split(' ')[0])).toEqual(['auth', 'github', 'saved']);
  });
});

describe('Anthropic subscription credentials are found, reported as not usable, and never sent', () => {
  it('an anthropic oauth entry in auth.json is not used as a key', async () => {
    await saveAuthStoreEntry(openkoiHome, 'anthropic', { type: 'oauth', access: 'sk-ant-oat01-subscriptionToken0123456789', refresh: 'r', expires: Date.now() + 3_600_000 });
    expect(discoverCredential(anthropic, context())).toBeUndefined();
    const [finding] = inspectCredentials(anthropic, context());
    expect(finding).toMatchObject({ usable: false, authMode: 'subscription', note: expect.stringMatching(/not usable/) });
    await expect(createProvider(anthropic, context().environment, discoverCredential(anthropic, context()))).rejects.toThrow(/ANTHROPIC_API_KEY/);
    expect(server.requests).toHaveLength(0);
  });

  it('an anthropic api entry in auth.json is an ordinary key', async () => {
    await saveAuthStoreEntry(openkoiHome, 'anthropic', { type: 'api', access: 'sk-ant-api03-realKey0123456789abcd' });
    expect(discoverCredential(anthropic, context())).toMatchObject({ authMode: 'api-key' });
  });
});

describe('openkoi’s identity', () => {
  it('the user agent’s version is package.json’s', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(IDENTITY_VERSION).toBe(manifest.version);
  });
});
