import type { AuthEndpoints } from './auth-endpoints.js';
import { openkoiUserAgent } from './auth-endpoints.js';
import { systemClock, type Clock } from './clock.js';
import { DeviceLoginError, fetchOrExplain, readJson, type DeviceCodePrompt } from './device-login-error.js';

export interface GitHubDeviceFlowOptions {
  endpoints: Pick<AuthEndpoints, 'github'>;
  /** openkoi's OAuth app (configured by the user; never VS Code's). Not a secret. */
  clientId: string;
  onCode(prompt: DeviceCodePrompt): void;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Overall limit besides the code's own expiry; default 15 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Told each wait before a poll (ms): lets tests see slow_down's effect on a fake clock. */
  onWait?: (milliseconds: number) => void;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * GitHub's device flow (RFC 8628): ask for a device and user code, show the page and the code,
 * poll the token endpoint no faster than `interval`. `authorization_pending` waits on,
 * `slow_down` adds 5 seconds to the interval for every later poll, `expired_token` and
 * `access_denied` end the flow, and so does the overall timeout.
 */
export async function loginWithGitHubDevice(options: GitHubDeviceFlowOptions): Promise<string> {
  const fetcher = options.fetch ?? fetch;
  const clock = options.clock ?? systemClock;
  const base = options.endpoints.github;
  const headers = { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'user-agent': openkoiUserAgent() };
  const signal = options.signal ? { signal: options.signal } : {};

  const codeResponse = await fetchOrExplain(
    fetcher,
    `${base}/login/device/code`,
    { method: 'POST', headers, body: new URLSearchParams({ client_id: options.clientId }).toString(), ...signal },
    'start the GitHub sign-in',
  );
  const code = await readJson(codeResponse);
  if (!codeResponse.ok || typeof code['device_code'] !== 'string' || typeof code['user_code'] !== 'string') {
    const error = typeof code['error'] === 'string' ? code['error'] : `HTTP ${codeResponse.status}`;
    if (error === 'device_flow_disabled') {
      throw new DeviceLoginError('The configured GitHub OAuth app does not have device flow enabled (enable it in the app\'s settings).', 'unsupported');
    }
    throw new DeviceLoginError(`GitHub sign-in could not start (${error.replace(/[^\w.-]/g, '')}). Check [auth.github] client_id.`, 'server');
  }
  const now = clock.now();
  const expiresAt = now + (Number(code['expires_in']) > 0 ? Number(code['expires_in']) * 1000 : 15 * 60 * 1000);
  const deadline = Math.min(expiresAt, now + (options.timeoutMs ?? 15 * 60 * 1000));
  let intervalMs = (Number(code['interval']) > 0 ? Number(code['interval']) : 5) * 1000;
  const verificationUrl = typeof code['verification_uri'] === 'string' ? code['verification_uri'] : `${base}/login/device`;
  options.onCode({ verificationUrl, userCode: code['user_code'], expiresAt });

  for (;;) {
    if (clock.now() + intervalMs > deadline) {
      throw clock.now() >= expiresAt || expiresAt <= deadline
        ? new DeviceLoginError('The GitHub sign-in code expired before it was approved. Run `openkoi connect copilot` again.', 'expired')
        : new DeviceLoginError('Gave up waiting for the GitHub sign-in to be approved. Run `openkoi connect copilot` again.', 'timeout');
    }
    options.onWait?.(intervalMs);
    await clock.sleep(intervalMs, options.signal);
    const poll = await fetchOrExplain(
      fetcher,
      `${base}/login/oauth/access_token`,
      { method: 'POST', headers, body: new URLSearchParams({ client_id: options.clientId, device_code: code['device_code'], grant_type: DEVICE_GRANT }).toString(), ...signal },
      'check the GitHub sign-in',
    );
    const body = await readJson(poll);
    if (typeof body['access_token'] === 'string' && body['access_token'] !== '') return body['access_token'];
    switch (body['error']) {
      case 'authorization_pending':
        continue;
      case 'slow_down':
        // RFC 8628 §3.5: this and every later poll waits 5 seconds longer (GitHub also sends the new interval).
        intervalMs = Math.max(intervalMs + 5000, Number(body['interval']) * 1000 || 0);
        continue;
      case 'expired_token':
        throw new DeviceLoginError('The GitHub sign-in code expired before it was approved. Run `openkoi connect copilot` again.', 'expired');
      case 'access_denied':
        throw new DeviceLoginError('The GitHub sign-in was declined in the browser.', 'denied');
      default: {
        const error = typeof body['error'] === 'string' ? body['error'].replace(/[^\w.-]/g, '') : `HTTP ${poll.status}`;
        throw new DeviceLoginError(`GitHub sign-in failed (${error}).`, 'server');
      }
    }
  }
}
