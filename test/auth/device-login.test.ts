import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loginWithChatGPTDevice } from '../../src/auth/chatgpt-device-login.js';
import { DeviceLoginError, type DeviceCodePrompt } from '../../src/auth/device-login-error.js';
import { loginWithGitHubDevice } from '../../src/auth/github-device-flow.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeOAuth, resetFakeOAuth } from '../fakes/oauth-routes.js';
import { startFakeVendors } from '../fakes/start-fake-vendors.js';
import { fakeClock } from './fake-clock.js';

let server: FakeServer;
beforeAll(async () => (server = await startFakeVendors()));
afterAll(async () => server.stop());
beforeEach(() => {
  server.reset();
  resetFakeOAuth(server);
});

const CLIENT_ID = 'Iv1.openkoi-test-app';

async function failure(promise: Promise<unknown>): Promise<DeviceLoginError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(DeviceLoginError);
  return error as DeviceLoginError;
}

describe('GitHub device flow (RFC 8628) on a fake clock', () => {
  function login(clock = fakeClock(), prompts: DeviceCodePrompt[] = [], timeoutMs?: number) {
    return loginWithGitHubDevice({ endpoints: { github: server.url }, clientId: CLIENT_ID, clock, onCode: (prompt) => prompts.push(prompt), ...(timeoutMs ? { timeoutMs } : {}) });
  }

  it('shows the page and code, waits while pending, returns the token', async () => {
    const clock = fakeClock();
    const prompts: DeviceCodePrompt[] = [];
    fakeOAuth(server).github.pollAnswers = ['authorization_pending', 'authorization_pending', 'ok'];
    expect(await login(clock, prompts)).toBe(fakeOAuth(server).github.token);
    expect(prompts).toEqual([expect.objectContaining({ verificationUrl: `${server.url}/login/device`, userCode: 'WDJB-MJHT' })]);
    expect(clock.sleeps).toEqual([5000, 5000, 5000]);
    expect(fakeOAuth(server).github.clientIds.every((id) => id === CLIENT_ID)).toBe(true);
    const poll = server.requestsTo('github.token')[0]!;
    expect(poll.body).toContain('grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code');
  });

  it('slow_down makes the next polls wait 5 s longer', async () => {
    const clock = fakeClock();
    fakeOAuth(server).github.pollAnswers = ['authorization_pending', 'slow_down', 'authorization_pending', 'slow_down', 'ok'];
    await login(clock);
    expect(clock.sleeps).toEqual([5000, 5000, 10000, 10000, 15000]);
  });

  it('expired_token and access_denied end the flow, each with its own message', async () => {
    fakeOAuth(server).github.pollAnswers = ['authorization_pending', 'expired_token'];
    const expired = await failure(login());
    expect(expired.failure).toBe('expired');
    expect(expired.message).toMatch(/expired/);
    resetFakeOAuth(server);
    fakeOAuth(server).github.pollAnswers = ['access_denied'];
    const denied = await failure(login());
    expect(denied.failure).toBe('denied');
    expect(denied.message).toMatch(/declined/);
  });

  it('gives up after the overall timeout', async () => {
    fakeOAuth(server).github.pollAnswers = Array.from({ length: 100 }, () => 'authorization_pending');
    const clock = fakeClock();
    const error = await failure(login(clock, [], 30_000));
    expect(error.failure).toBe('timeout');
    expect(clock.sleeps.reduce((sum, wait) => sum + wait, 0)).toBeLessThanOrEqual(30_000);
    expect(server.requestsTo('github.token').length).toBe(clock.sleeps.length);
  });

  it('an unreachable server is a network failure naming the host, not a crash', async () => {
    const stopped = await startFakeVendors();
    const url = stopped.url;
    await stopped.stop();
    const error = await failure(loginWithGitHubDevice({ endpoints: { github: url }, clientId: CLIENT_ID, clock: fakeClock(), onCode: () => {} }));
    expect(error.failure).toBe('network');
    expect(error.message).toContain(url);
  });
});

describe('ChatGPT device authorization with the PKCE exchange', () => {
  function login(clock = fakeClock(), prompts: DeviceCodePrompt[] = []) {
    return loginWithChatGPTDevice({ endpoints: { openaiAuth: server.url }, clientId: CLIENT_ID, clock, onCode: (prompt) => prompts.push(prompt) });
  }

  it('polls while pending (403), then exchanges the code with the verifier and reads the account from the token', async () => {
    fakeOAuth(server).openai.pendingPolls = 2;
    const clock = fakeClock();
    const prompts: DeviceCodePrompt[] = [];
    const tokens = await login(clock, prompts);
    expect(prompts[0]!.verificationUrl).toBe(`${server.url}/codex/device`);
    expect(prompts[0]!.userCode).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
    expect(server.requestsTo('openai-auth.poll')).toHaveLength(3);
    expect(clock.sleeps).toEqual([5000, 5000, 5000]);
    expect(tokens.accountId).toBe('acct-fake-0001');
    expect(tokens.clientId).toBe(CLIENT_ID);
    expect(tokens.expires).toBeGreaterThan(Date.now());
    expect(fakeOAuth(server).openai.liveRefreshTokens.has(tokens.refresh)).toBe(true);
    const exchange = server.requestsTo('openai-auth.token')[0]!;
    expect(exchange.body).toContain('grant_type=authorization_code');
    expect(exchange.body).toContain('code_verifier=');
    // openkoi's identity, never Codex CLI's.
    for (const request of server.requests) {
      expect(String(request.headers['user-agent'])).toMatch(/^openkoi\//);
      expect(request.headers['originator'] ?? 'openkoi').toBe('openkoi');
    }
    expect(fakeOAuth(server).openai.clientIds).not.toContain('app_EMoamEEZ73f0CkXaXp7hrann');
  });

  it('a declined or expired code ends with its own message', async () => {
    fakeOAuth(server).openai.outcome = 'denied';
    expect((await failure(login())).failure).toBe('denied');
    resetFakeOAuth(server);
    fakeOAuth(server).openai.outcome = 'expired';
    expect((await failure(login())).failure).toBe('expired');
  });

  it('stops after the code’s fifteen minutes of pending', async () => {
    fakeOAuth(server).openai.pendingPolls = 10_000;
    const clock = fakeClock();
    expect((await failure(login(clock))).failure).toBe('timeout');
    expect(clock.sleeps.reduce((sum, wait) => sum + wait, 0)).toBe(15 * 60 * 1000);
  });
});
