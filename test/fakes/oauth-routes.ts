import { createHash, randomBytes } from 'node:crypto';
import type { FakeServer, RouteContext, RouteDefinition } from './fake-server.js';
import { sendJson } from './fake-server.js';

/**
 * Fake OAuth servers: OpenAI's device authorization for ChatGPT sign-in (user code, polling,
 * PKCE code exchange, refresh with rotation that rejects a reused refresh token) and GitHub's
 * device flow (RFC 8628). State lives per FakeServer; tests steer it through `fakeOAuth(server)`.
 */
export interface FakeOAuthState {
  openai: {
    /** Polls answered 403 (pending) before the approval; `'denied'` answers access_denied instead. */
    pendingPolls: number;
    outcome: 'approve' | 'denied' | 'expired';
    /** Lifetime of issued access tokens (seconds). */
    accessTtlSeconds: number;
    accountId: string;
    /** The poll interval the user-code endpoint announces, in seconds (a string, as the real one sends). */
    interval: string;
    /** Refresh tokens issued and not yet used. */
    liveRefreshTokens: Set<string>;
    /** Refresh tokens already spent (a second use is `refresh_token_reused`). */
    usedRefreshTokens: Set<string>;
    /** Access tokens the Codex backend accepts. */
    liveAccessTokens: Set<string>;
    /** The next refresh answers with this OAuth error code instead (`invalid_grant`, `refresh_token_expired`, ...). */
    nextRefreshError?: string;
    /** Client ids seen on every OAuth request. */
    clientIds: string[];
    devices: Map<string, { userCode: string; polls: number; challenge: string; verifier: string; code: string }>;
  };
  github: {
    /** The answers to successive token polls: RFC 8628 error codes, or 'ok' for the token. */
    pollAnswers: string[];
    interval: number;
    token: string;
    clientIds: string[];
  };
}

const states = new WeakMap<FakeServer, FakeOAuthState>();

export function fakeOAuth(server: FakeServer): FakeOAuthState {
  let state = states.get(server);
  if (!state) {
    state = {
      openai: {
        pendingPolls: 1,
        outcome: 'approve',
        accessTtlSeconds: 3600,
        accountId: 'acct-fake-0001',
        interval: '5',
        liveRefreshTokens: new Set(),
        usedRefreshTokens: new Set(),
        liveAccessTokens: new Set(),
        clientIds: [],
        devices: new Map(),
      },
      github: { pollAnswers: ['authorization_pending', 'ok'], interval: 5, token: 'gho_fakeDeviceFlowToken0123456789', clientIds: [] },
    };
    states.set(server, state);
  }
  return state;
}

export function resetFakeOAuth(server: FakeServer): void {
  states.delete(server);
}

/** An unsigned JWT the way OpenAI shapes its access tokens: expiry and the ChatGPT account claim. */
export function fakeChatGPTAccessToken(accountId: string, expiresAtSeconds: number): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = { exp: expiresAtSeconds, jti: randomBytes(6).toString('hex'), 'https://api.openai.com/auth': { chatgpt_account_id: accountId, chatgpt_plan_type: 'plus' } };
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.c2ln`;
}

/** Tokens as the fake would issue them (for tests that start already signed in). */
export function mintChatGPTTokens(server: FakeServer, expiresAtMs: number): { access: string; refresh: string; accountId: string } {
  const state = fakeOAuth(server).openai;
  const access = fakeChatGPTAccessToken(state.accountId, Math.floor(expiresAtMs / 1000));
  const refresh = `rt_${randomBytes(12).toString('hex')}`;
  state.liveAccessTokens.add(access);
  state.liveRefreshTokens.add(refresh);
  return { access, refresh, accountId: state.accountId };
}

function formOrJson(context: RouteContext): Record<string, string> {
  if (context.body && typeof context.body === 'object') return context.body as Record<string, string>;
  return Object.fromEntries(new URLSearchParams(context.rawBody.toString('utf8')));
}

function issueTokens(server: FakeServer) {
  const state = fakeOAuth(server).openai;
  const access = fakeChatGPTAccessToken(state.accountId, Math.floor(Date.now() / 1000) + state.accessTtlSeconds);
  const refresh = `rt_${randomBytes(12).toString('hex')}`;
  state.liveAccessTokens.add(access);
  state.liveRefreshTokens.add(refresh);
  const idToken = fakeChatGPTAccessToken(state.accountId, Math.floor(Date.now() / 1000) + 3600);
  return { access_token: access, refresh_token: refresh, id_token: idToken, token_type: 'Bearer', expires_in: state.accessTtlSeconds };
}

export const oauthRoutes: RouteDefinition[] = [
  {
    name: 'openai-auth.usercode',
    method: 'POST',
    path: /^\/api\/accounts\/deviceauth\/usercode$/,
    handle(context) {
      const state = fakeOAuth(context.server).openai;
      const clientId = formOrJson(context)['client_id'] ?? '';
      state.clientIds.push(clientId);
      if (clientId === '') return sendJson(context.response, 400, { error: { code: 'invalid_client', message: 'client_id is required' } });
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const id = `deviceauth_${randomBytes(6).toString('hex')}`;
      const userCode = `${randomBytes(2).toString('hex').toUpperCase()}-${randomBytes(2).toString('hex').toUpperCase()}`;
      state.devices.set(id, { userCode, polls: 0, challenge, verifier, code: `ac_${randomBytes(8).toString('hex')}` });
      // The real endpoint sends the interval as a string.
      sendJson(context.response, 200, { device_auth_id: id, user_code: userCode, interval: state.interval });
    },
  },
  {
    name: 'openai-auth.poll',
    method: 'POST',
    path: /^\/api\/accounts\/deviceauth\/token$/,
    handle(context) {
      const state = fakeOAuth(context.server).openai;
      const body = formOrJson(context);
      const device = state.devices.get(body['device_auth_id'] ?? '');
      if (!device || device.userCode !== body['user_code']) return sendJson(context.response, 400, { error: { code: 'invalid_request' } });
      device.polls++;
      if (device.polls <= state.pendingPolls) return sendJson(context.response, 403, { error: { code: 'deviceauth_authorization_pending' } });
      if (state.outcome === 'denied') return sendJson(context.response, 400, { error: { code: 'access_denied' } });
      if (state.outcome === 'expired') return sendJson(context.response, 400, { error: { code: 'expired_token' } });
      sendJson(context.response, 200, { authorization_code: device.code, code_challenge: device.challenge, code_verifier: device.verifier });
    },
  },
  {
    name: 'openai-auth.token',
    method: 'POST',
    path: /^\/oauth\/token$/,
    handle(context) {
      const state = fakeOAuth(context.server).openai;
      const body = formOrJson(context);
      state.clientIds.push(body['client_id'] ?? '');
      if (body['grant_type'] === 'authorization_code') {
        const device = [...state.devices.values()].find((candidate) => candidate.code === body['code']);
        const verifier = body['code_verifier'] ?? '';
        // PKCE: the verifier must hash to the challenge the device endpoint bound to this code.
        if (!device || createHash('sha256').update(verifier).digest('base64url') !== device.challenge) {
          return sendJson(context.response, 400, { error: 'invalid_grant', error_description: 'code or verifier mismatch' });
        }
        if (!String(body['redirect_uri'] ?? '').endsWith('/deviceauth/callback')) return sendJson(context.response, 400, { error: 'invalid_request' });
        device.code = `spent_${device.code}`;
        return sendJson(context.response, 200, issueTokens(context.server));
      }
      if (body['grant_type'] === 'refresh_token') {
        const token = body['refresh_token'] ?? '';
        if (state.nextRefreshError) {
          const code = state.nextRefreshError;
          state.nextRefreshError = undefined;
          return sendJson(context.response, code === 'invalid_grant' ? 400 : 401, code === 'invalid_grant' ? { error: 'invalid_grant' } : { error: { code, message: code } });
        }
        if (state.usedRefreshTokens.has(token)) {
          return sendJson(context.response, 401, { error: { code: 'refresh_token_reused', message: 'Your refresh token has already been used to generate a new access token.' } });
        }
        if (!state.liveRefreshTokens.has(token)) return sendJson(context.response, 400, { error: 'invalid_grant' });
        // Rotation: the old refresh token dies with this use.
        state.liveRefreshTokens.delete(token);
        state.usedRefreshTokens.add(token);
        return sendJson(context.response, 200, issueTokens(context.server));
      }
      sendJson(context.response, 400, { error: 'unsupported_grant_type' });
    },
  },
  {
    name: 'github.device-code',
    method: 'POST',
    path: /^\/login\/device\/code$/,
    handle(context) {
      const state = fakeOAuth(context.server).github;
      const clientId = formOrJson(context)['client_id'] ?? '';
      state.clientIds.push(clientId);
      if (clientId === '') return sendJson(context.response, 200, { error: 'unauthorized_client' });
      if (context.request.headers['accept'] !== 'application/json') {
        // GitHub answers form-encoded unless asked for JSON.
        context.response.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' });
        return context.response.end('device_code=x');
      }
      sendJson(context.response, 200, {
        device_code: `dc_${randomBytes(8).toString('hex')}`,
        user_code: 'WDJB-MJHT',
        verification_uri: `${context.server.url}/login/device`,
        expires_in: 900,
        interval: state.interval,
      });
    },
  },
  {
    name: 'github.token',
    method: 'POST',
    path: /^\/login\/oauth\/access_token$/,
    handle(context) {
      const state = fakeOAuth(context.server).github;
      const body = formOrJson(context);
      state.clientIds.push(body['client_id'] ?? '');
      if (body['grant_type'] !== 'urn:ietf:params:oauth:grant-type:device_code' || !String(body['device_code'] ?? '').startsWith('dc_')) {
        return sendJson(context.response, 200, { error: 'incorrect_device_code' });
      }
      const answer = state.pollAnswers.shift() ?? 'ok';
      if (answer === 'ok') return sendJson(context.response, 200, { access_token: state.token, token_type: 'bearer', scope: '' });
      if (answer === 'slow_down') state.interval += 5;
      // GitHub answers errors with HTTP 200 and an `error` field; slow_down carries the new interval.
      sendJson(context.response, 200, { error: answer, error_description: answer, ...(answer === 'slow_down' ? { interval: state.interval } : {}) });
    },
  },
];
