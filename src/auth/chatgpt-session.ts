import { ProviderError } from '../providers/provider-error.js';
import type { AuthEndpoints } from './auth-endpoints.js';
import { openkoiUserAgent } from './auth-endpoints.js';
import { readAuthStoreEntry, updateAuthStore, type AuthStoreEntry } from './auth-store.js';
import { oauthErrorCode, tokensFromResponse } from './chatgpt-device-login.js';
import { systemClock, type Clock } from './clock.js';
import { isRecord } from './read-credential-file.js';

export const CHATGPT_PROVIDER_ID = 'openai-codex';

/** Refresh this long before the access token expires, so no call starts with a token about to die. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** Why a refresh failed; each has its own message, and only `reused` and `invalid-grant` ask to connect again. */
export type RefreshFailure = 'not-connected' | 'reused' | 'invalid-grant' | 'expired' | 'revoked' | 'network' | 'server';

export interface ChatGPTAccess {
  accessToken: string;
  accountId: string;
}

export interface ChatGPTSessionOptions {
  openkoiHome: string;
  endpoints: Pick<AuthEndpoints, 'openaiAuth'>;
  fetch?: typeof fetch;
  clock?: Clock;
}

/**
 * The ChatGPT sign-in of one process. `access()` returns a token good for at least five more
 * minutes, refreshing it when needed through one refresh shared by every concurrent caller. The
 * refresh runs under auth.json's lock and re-reads the file first: another openkoi process may
 * have rotated the refresh token already (ChatGPT's refresh tokens are single-use), in which case
 * its fresh token is taken instead of spending the old one.
 */
export class ChatGPTSession {
  private entry: (AuthStoreEntry & { clientId?: string }) | undefined;
  private refreshing: Promise<ChatGPTAccess> | undefined;
  private readonly clock: Clock;
  private readonly fetcher: typeof fetch;

  constructor(private readonly options: ChatGPTSessionOptions) {
    this.clock = options.clock ?? systemClock;
    this.fetcher = options.fetch ?? ((...args) => fetch(...args));
  }

  async access(): Promise<ChatGPTAccess> {
    this.entry ??= readEntry(this.options.openkoiHome);
    if (!this.entry) throw refreshError('not-connected');
    if (isFresh(this.entry, this.clock.now())) return accessOf(this.entry);
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refresh(): Promise<ChatGPTAccess> {
    const refreshed = await updateAuthStore(this.options.openkoiHome, async (data) => {
      // Re-read inside the lock: what another process wrote a moment ago wins over our copy.
      const stored = parseStored(data[CHATGPT_PROVIDER_ID]);
      if (!stored) throw refreshError('not-connected');
      if (isFresh(stored, this.clock.now())) return stored;
      if (!stored.refresh) throw refreshError('expired', stored.expires);
      const tokens = await this.requestRefresh(stored);
      const next = { ...(data[CHATGPT_PROVIDER_ID] as Record<string, unknown>), type: 'oauth' as const, ...tokens };
      data[CHATGPT_PROVIDER_ID] = next;
      return parseStored(next)!;
    });
    this.entry = refreshed;
    return accessOf(refreshed);
  }

  private async requestRefresh(stored: AuthStoreEntry & { clientId?: string }) {
    const url = `${this.options.endpoints.openaiAuth}/oauth/token`;
    let response: Response;
    try {
      response = await this.fetcher(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': openkoiUserAgent() },
        body: JSON.stringify({ client_id: stored.clientId ?? '', grant_type: 'refresh_token', refresh_token: stored.refresh, scope: 'openid profile email' }),
      });
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw refreshError('network', undefined, `${new URL(url).origin} (${code})`);
    }
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = await response.json();
      if (isRecord(parsed)) body = parsed;
    } catch {
      // An empty or non-JSON error body: classified by status alone.
    }
    if (!response.ok) throw refreshError(classifyRefreshFailure(response.status, oauthErrorCode(body)), stored.expires);
    try {
      return tokensFromResponse(body, stored.clientId ?? '', this.clock.now(), stored.refresh);
    } catch {
      throw refreshError('server');
    }
  }
}

function classifyRefreshFailure(status: number, code: string | undefined): RefreshFailure {
  if (code === 'refresh_token_reused') return 'reused';
  if (code === 'refresh_token_expired') return 'expired';
  if (code === 'refresh_token_invalidated' || code === 'token_revoked') return 'revoked';
  if (code === 'invalid_grant') return 'invalid-grant';
  if (status === 401) return 'revoked';
  return 'server';
}

const RECONNECT = 'Run `openkoi connect chatgpt` to sign in again.';

/** The error a failed refresh leaves as: `auth` (permanent) except a network failure, which may pass. */
export function refreshError(failure: RefreshFailure, expires?: number, where?: string): ProviderError {
  const messages: Record<RefreshFailure, string> = {
    'not-connected': 'ChatGPT is not connected: run `openkoi connect chatgpt` first.',
    reused:
      'ChatGPT sign-in: the refresh token was already used. Another client (another openkoi, or Codex CLI sharing this login) ' +
      `refreshed it first and the new token is not in openkoi's store. ${RECONNECT}`,
    'invalid-grant': `ChatGPT sign-in is no longer valid (invalid_grant): it was signed out or replaced. ${RECONNECT}`,
    expired: `ChatGPT sign-in expired${expires !== undefined ? ` on ${new Date(expires).toISOString()}` : ''} and its refresh token has run out; openkoi cannot renew it.`,
    revoked: 'ChatGPT revoked this sign-in (a password change, "log out of all devices", or the app\'s access was removed in ChatGPT\'s settings).',
    network: `Could not reach ${where ?? 'the OpenAI sign-in server'} to renew the ChatGPT sign-in. The sign-in is kept; try again when the connection is back.`,
    server: 'The OpenAI sign-in server failed to renew the ChatGPT sign-in; the sign-in is kept. Try again later.',
  };
  const kind = failure === 'network' ? 'network' : failure === 'server' ? 'server' : 'auth';
  return new ProviderError(messages[failure], { kind, provider: CHATGPT_PROVIDER_ID, vendorCode: failure });
}

function readEntry(openkoiHome: string) {
  const entry = readAuthStoreEntry(openkoiHome, CHATGPT_PROVIDER_ID);
  if (!entry || entry.type !== 'oauth') return undefined;
  return entry;
}

function parseStored(value: unknown): (AuthStoreEntry & { clientId?: string }) | undefined {
  if (!isRecord(value) || value['type'] !== 'oauth' || typeof value['access'] !== 'string') return undefined;
  return {
    type: 'oauth',
    access: value['access'],
    ...(typeof value['refresh'] === 'string' ? { refresh: value['refresh'] } : {}),
    ...(typeof value['expires'] === 'number' ? { expires: value['expires'] } : {}),
    ...(typeof value['accountId'] === 'string' ? { accountId: value['accountId'] } : {}),
    ...(typeof value['clientId'] === 'string' ? { clientId: value['clientId'] } : {}),
  };
}

function isFresh(entry: AuthStoreEntry, now: number): boolean {
  return entry.expires === undefined || entry.expires - now > REFRESH_MARGIN_MS;
}

function accessOf(entry: AuthStoreEntry): ChatGPTAccess {
  return { accessToken: entry.access, accountId: entry.accountId ?? '' };
}
