import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authStorePath, saveAuthStoreEntry } from '../../src/auth/auth-store.js';
import { ChatGPTSession, CHATGPT_PROVIDER_ID } from '../../src/auth/chatgpt-session.js';
import { ProviderError } from '../../src/providers/provider-error.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeOAuth, mintChatGPTTokens, resetFakeOAuth } from '../fakes/oauth-routes.js';
import { startFakeVendors } from '../fakes/start-fake-vendors.js';
import { temporaryDirectories } from '../temporary-directories.js';

// Each test's home goes when the file is done: tests leave no folders behind.
const newDirectory = temporaryDirectories('openkoi-chatgpt-session-');

let server: FakeServer;
let openkoiHome: string;
beforeAll(async () => (server = await startFakeVendors()));
afterAll(async () => server.stop());
beforeEach(() => {
  server.reset();
  resetFakeOAuth(server);
  openkoiHome = join(newDirectory(), '.openkoi');
});

const CLIENT_ID = 'openkoi-test-client';

/** Signs in as the fake would have issued, with the access token expiring `inMs` from now. */
async function signedIn(inMs: number) {
  const tokens = mintChatGPTTokens(server, Date.now() + inMs);
  await saveAuthStoreEntry(openkoiHome, CHATGPT_PROVIDER_ID, { type: 'oauth', ...tokens, expires: Date.now() + inMs, clientId: CLIENT_ID });
  return tokens;
}

const session = () => new ChatGPTSession({ openkoiHome, endpoints: { openaiAuth: server.url } });
const stored = () => JSON.parse(readFileSync(authStorePath(openkoiHome), 'utf8'))[CHATGPT_PROVIDER_ID];

async function refreshFailure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('a ChatGPT token is refreshed five minutes before it expires, once for all callers', () => {
  it('a token with an hour left is used as it is', async () => {
    const tokens = await signedIn(60 * 60 * 1000);
    expect(await session().access()).toEqual({ accessToken: tokens.access, accountId: 'acct-fake-0001' });
    expect(server.requestsTo('openai-auth.token')).toHaveLength(0);
  });

  it('ten concurrent calls with a token four minutes from expiry cause exactly one refresh', async () => {
    const old = await signedIn(4 * 60 * 1000);
    const shared = session();
    const results = await Promise.all(Array.from({ length: 10 }, () => shared.access()));
    expect(server.requestsTo('openai-auth.token')).toHaveLength(1);
    const fresh = results[0]!.accessToken;
    expect(fresh).not.toBe(old.access);
    expect(results.every((result) => result.accessToken === fresh)).toBe(true);
    // The rotated refresh token is saved, mode 0600, with the client id the sign-in used.
    expect(stored().refresh).not.toBe(old.refresh);
    expect(fakeOAuth(server).openai.liveRefreshTokens.has(stored().refresh)).toBe(true);
    expect(stored().clientId).toBe(CLIENT_ID);
    expect(statSync(authStorePath(openkoiHome)).mode & 0o777).toBe(0o600);
    expect(server.requestsTo('openai-auth.token')[0]!.body).toMatchObject({ grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: old.refresh });
  });

  it('two sessions (two processes) refreshing at once: the second takes the first one’s token instead of spending the used refresh token', async () => {
    await signedIn(60 * 1000);
    const [first, second] = await Promise.all([session().access(), session().access()]);
    expect(server.requestsTo('openai-auth.token')).toHaveLength(1);
    expect(first.accessToken).toBe(second.accessToken);
    expect(stored().access).toBe(first.accessToken);
    // The login survives: the saved refresh token is the live one.
    expect(fakeOAuth(server).openai.liveRefreshTokens.has(stored().refresh)).toBe(true);
  });
});

describe('each refresh failure has its own message; only reuse and invalid_grant ask to connect again', () => {
  it('refresh_token_reused: another client refreshed first', async () => {
    const tokens = await signedIn(60 * 1000);
    // Codex CLI (or anything else) spends the same refresh token first.
    fakeOAuth(server).openai.liveRefreshTokens.delete(tokens.refresh);
    fakeOAuth(server).openai.usedRefreshTokens.add(tokens.refresh);
    const error = await refreshFailure(session().access());
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/already used/);
    expect(error.message).toContain('openkoi connect chatgpt');
  });

  it('invalid_grant', async () => {
    await signedIn(60 * 1000);
    fakeOAuth(server).openai.nextRefreshError = 'invalid_grant';
    const error = await refreshFailure(session().access());
    expect(error.message).toMatch(/invalid_grant/);
    expect(error.message).toContain('openkoi connect chatgpt');
  });

  it('expiry and revocation say what happened without the reconnect line', async () => {
    await signedIn(60 * 1000);
    fakeOAuth(server).openai.nextRefreshError = 'refresh_token_expired';
    const expired = await refreshFailure(session().access());
    expect(expired.message).toMatch(/expired/);
    expect(expired.message).not.toContain('openkoi connect');
    fakeOAuth(server).openai.nextRefreshError = 'refresh_token_invalidated';
    const revoked = await refreshFailure(session().access());
    expect(revoked.message).toMatch(/revoked/);
    expect(revoked.message).not.toContain('openkoi connect');
    expect(new Set([expired.message, revoked.message]).size).toBe(2);
  });

  it('a network failure keeps the sign-in and may be retried', async () => {
    const tokens = await signedIn(60 * 1000);
    const stopped = await startFakeVendors();
    const url = stopped.url;
    await stopped.stop();
    const error = await refreshFailure(new ChatGPTSession({ openkoiHome, endpoints: { openaiAuth: url } }).access());
    expect(error.kind).toBe('network');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(url);
    expect(error.message).not.toContain('openkoi connect');
    expect(stored().refresh).toBe(tokens.refresh);
  });

  it('no secret appears in any failure message', async () => {
    const tokens = await signedIn(60 * 1000);
    fakeOAuth(server).openai.nextRefreshError = 'invalid_grant';
    const error = await refreshFailure(session().access());
    expect(error.message).not.toContain(tokens.refresh);
    expect(error.message).not.toContain(tokens.access);
  });
});
