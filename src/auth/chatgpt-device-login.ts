import type { AuthEndpoints } from './auth-endpoints.js';
import { IDENTITY_ORIGINATOR, openkoiUserAgent } from './auth-endpoints.js';
import { systemClock, type Clock } from './clock.js';
import { chatgptAccountId, jwtExpiry } from './decode-jwt-claims.js';
import { DeviceLoginError, fetchOrExplain, readJson, type DeviceCodePrompt } from './device-login-error.js';

/** What a ChatGPT sign-in yields; saved as the `openai-codex` entry of auth.json. */
export interface ChatGPTTokens {
  access: string;
  refresh: string;
  /** ms since the epoch. */
  expires: number;
  accountId: string;
  /** The OAuth client id the sign-in used: a refresh must use the same one. */
  clientId: string;
}

export interface ChatGPTDeviceLoginOptions {
  endpoints: Pick<AuthEndpoints, 'openaiAuth'>;
  /** openkoi's own OAuth client id (configured; never another client's). */
  clientId: string;
  /** Shows the page and the code (on stderr: the flow works with no terminal and no browser). */
  onCode(prompt: DeviceCodePrompt): void;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Give up after this long; default 15 minutes, the life of the code. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 15 * 60 * 1000;
const DEFAULT_INTERVAL_S = 5;

/**
 * OpenAI's device authorization for ChatGPT sign-in: ask for a user code, show it, poll until
 * the user approves (the server answers 403/404 while pending), then exchange the authorization
 * code at `/oauth/token` with the PKCE verifier the device endpoint handed back.
 */
export async function loginWithChatGPTDevice(options: ChatGPTDeviceLoginOptions): Promise<ChatGPTTokens> {
  const fetcher = options.fetch ?? fetch;
  const clock = options.clock ?? systemClock;
  const base = options.endpoints.openaiAuth;
  const headers = { 'content-type': 'application/json', accept: 'application/json', 'user-agent': openkoiUserAgent(), originator: IDENTITY_ORIGINATOR };

  const codeResponse = await fetchOrExplain(
    fetcher,
    `${base}/api/accounts/deviceauth/usercode`,
    { method: 'POST', headers, body: JSON.stringify({ client_id: options.clientId }), ...(options.signal ? { signal: options.signal } : {}) },
    'start the ChatGPT sign-in',
  );
  if (codeResponse.status === 404) {
    throw new DeviceLoginError('This server does not offer device sign-in for ChatGPT (404 from the device authorization endpoint).', 'unsupported');
  }
  const code = await readJson(codeResponse);
  const deviceAuthId = code['device_auth_id'];
  const userCode = code['user_code'] ?? code['usercode'];
  if (!codeResponse.ok || typeof deviceAuthId !== 'string' || typeof userCode !== 'string') {
    throw new DeviceLoginError(`ChatGPT sign-in could not start (HTTP ${codeResponse.status}${describeOAuthError(code)}).`, 'server');
  }
  const intervalSeconds = Number(code['interval']) > 0 ? Number(code['interval']) : DEFAULT_INTERVAL_S;
  const started = clock.now();
  const deadline = started + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  options.onCode({ verificationUrl: `${base}/codex/device`, userCode, expiresAt: deadline });

  for (;;) {
    if (clock.now() >= deadline) throw new DeviceLoginError('The ChatGPT sign-in code expired before it was approved. Run `openkoi connect chatgpt` again.', 'timeout');
    await clock.sleep(intervalSeconds * 1000, options.signal);
    const poll = await fetchOrExplain(
      fetcher,
      `${base}/api/accounts/deviceauth/token`,
      { method: 'POST', headers, body: JSON.stringify({ device_auth_id: deviceAuthId, user_code: userCode }), ...(options.signal ? { signal: options.signal } : {}) },
      'check the ChatGPT sign-in',
    );
    // Pending: the user has not approved yet.
    if (poll.status === 403 || poll.status === 404) continue;
    const body = await readJson(poll);
    if (poll.ok && typeof body['authorization_code'] === 'string' && typeof body['code_verifier'] === 'string') {
      return exchangeAuthorizationCode(options, fetcher, clock, body['authorization_code'], body['code_verifier']);
    }
    const error = oauthErrorCode(body);
    if (error === 'access_denied') throw new DeviceLoginError('The ChatGPT sign-in was declined in the browser.', 'denied');
    if (error === 'expired_token') throw new DeviceLoginError('The ChatGPT sign-in code expired before it was approved. Run `openkoi connect chatgpt` again.', 'expired');
    throw new DeviceLoginError(`ChatGPT sign-in failed while waiting for approval (HTTP ${poll.status}${describeOAuthError(body)}).`, 'server');
  }
}

async function exchangeAuthorizationCode(
  options: ChatGPTDeviceLoginOptions,
  fetcher: typeof fetch,
  clock: Clock,
  authorizationCode: string,
  codeVerifier: string,
): Promise<ChatGPTTokens> {
  const base = options.endpoints.openaiAuth;
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: authorizationCode,
    redirect_uri: `${base}/deviceauth/callback`,
    client_id: options.clientId,
    code_verifier: codeVerifier,
  });
  const response = await fetchOrExplain(
    fetcher,
    `${base}/oauth/token`,
    { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': openkoiUserAgent() }, body: form.toString() },
    'finish the ChatGPT sign-in',
  );
  const body = await readJson(response);
  if (!response.ok) throw new DeviceLoginError(`ChatGPT sign-in: the token exchange failed (HTTP ${response.status}${describeOAuthError(body)}).`, 'server');
  return tokensFromResponse(body, options.clientId, clock.now());
}

/** A token endpoint's answer → what is saved; the account id comes from the tokens themselves. */
export function tokensFromResponse(body: Record<string, unknown>, clientId: string, now: number, previousRefresh?: string): ChatGPTTokens {
  const access = body['access_token'];
  const refresh = typeof body['refresh_token'] === 'string' ? body['refresh_token'] : previousRefresh;
  if (typeof access !== 'string' || access === '' || !refresh) {
    throw new DeviceLoginError('ChatGPT sign-in: the token endpoint answered without an access and refresh token.', 'server');
  }
  const idToken = typeof body['id_token'] === 'string' ? body['id_token'] : '';
  const accountId = chatgptAccountId(access) ?? chatgptAccountId(idToken);
  if (!accountId) throw new DeviceLoginError('ChatGPT sign-in: the token names no ChatGPT account (is this a ChatGPT Plus/Pro login?).', 'server');
  const expiresIn = Number(body['expires_in']);
  const expires = jwtExpiry(access) ?? (expiresIn > 0 ? now + expiresIn * 1000 : now + 60 * 60 * 1000);
  return { access, refresh, expires, accountId, clientId };
}

/** The OAuth error code of a body: `{"error": "invalid_grant"}` or `{"error": {"code": "refresh_token_reused"}}`. */
export function oauthErrorCode(body: Record<string, unknown>): string | undefined {
  const error = body['error'];
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const code = (error as Record<string, unknown>)['code'] ?? (error as Record<string, unknown>)['type'];
    if (typeof code === 'string') return code;
  }
  return typeof body['code'] === 'string' ? body['code'] : undefined;
}

function describeOAuthError(body: Record<string, unknown>): string {
  const code = oauthErrorCode(body);
  return code ? `: ${code.replace(/[^\w.-]/g, '').slice(0, 60)}` : '';
}
