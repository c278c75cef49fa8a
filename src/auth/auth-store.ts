import { join } from 'node:path';
import { writeFileAtomically, type AtomicWriteOptions } from './atomic-write-file.js';
import { withFileLock, type FileLockOptions } from './file-lock.js';
import { isRecord, readCredentialFile } from './read-credential-file.js';

/**
 * `OPENKOI_HOME/auth.json`, written by `openkoi connect` (mode 0600, temp file + rename + fsync,
 * under a lock: auth-store writes go through `updateAuthStore` only):
 *
 * ```json
 * {
 *   "openai-codex":  { "type": "oauth", "access": "<token>", "refresh": "<token>", "expires": 1767225600000, "accountId": "..." },
 *   "github-models": { "type": "oauth", "access": "<token>", "via": "device" },
 *   "groq":          { "type": "api", "key": "<api key>" }
 * }
 * ```
 *
 * Keys are provider ids. `expires` is milliseconds since the epoch (absent: no known expiry).
 * An `api` entry may hold its key in `key` or `access`. Unknown fields are kept by the writer.
 */
export interface AuthStoreEntry {
  type: 'oauth' | 'api';
  access: string;
  refresh?: string;
  expires?: number;
  /** ChatGPT's account id (the `chatgpt-account-id` header), taken from the access token at sign-in. */
  accountId?: string;
}

export function authStorePath(openkoiHome: string): string {
  return join(openkoiHome, 'auth.json');
}

export type AuthStoreRead = { entries: Record<string, AuthStoreEntry | 'malformed'>; warning?: string };

/** Reads the store; entries that do not fit the shape are marked malformed, never thrown. */
export function readAuthStore(openkoiHome: string, displayPath: string): AuthStoreRead {
  const file = readCredentialFile(authStorePath(openkoiHome), displayPath);
  if (file.state === 'missing') return { entries: {} };
  if (file.state === 'unreadable') return { entries: {}, warning: file.warning };
  if (!isRecord(file.data)) return { entries: {}, warning: `${displayPath} is not a JSON object of providers; ignored.` };
  const entries: AuthStoreRead['entries'] = {};
  for (const [provider, value] of Object.entries(file.data)) entries[provider] = parseEntry(value);
  return { entries };
}

/** One provider's entry, or undefined when absent or malformed. */
export function readAuthStoreEntry(openkoiHome: string, provider: string): AuthStoreEntry | undefined {
  const entry = readAuthStore(openkoiHome, authStorePath(openkoiHome)).entries[provider];
  return entry === 'malformed' ? undefined : entry;
}

function parseEntry(value: unknown): AuthStoreEntry | 'malformed' {
  if (!isRecord(value) || (value['type'] !== 'oauth' && value['type'] !== 'api')) return 'malformed';
  const access = typeof value['access'] === 'string' ? value['access'] : typeof value['key'] === 'string' ? value['key'] : '';
  if (access.trim() === '') return 'malformed';
  return {
    type: value['type'],
    access: access.trim(),
    ...(typeof value['refresh'] === 'string' ? { refresh: value['refresh'] } : {}),
    ...(typeof value['expires'] === 'number' && Number.isFinite(value['expires']) ? { expires: value['expires'] } : {}),
    ...(typeof value['accountId'] === 'string' ? { accountId: value['accountId'] } : {}),
  };
}

export interface AuthStoreUpdateOptions extends FileLockOptions {
  write?: AtomicWriteOptions;
}

/**
 * Changes the store under its lock: re-reads the file (another process may have written since),
 * lets `change` edit the parsed object, and writes the result atomically with mode 0600. `change`
 * may be async (a token refresh happens inside the lock, so two processes never spend one refresh
 * token). A file that is not a JSON object is not overwritten: it may be the user's to fix.
 */
export async function updateAuthStore<T>(
  openkoiHome: string,
  change: (data: Record<string, unknown>) => Promise<T> | T,
  options: AuthStoreUpdateOptions = {},
): Promise<T> {
  const path = authStorePath(openkoiHome);
  return withFileLock(
    path,
    async () => {
      const file = readCredentialFile(path, path);
      if (file.state === 'unreadable') throw new Error(`${file.warning.replace(/; ignored\.$/, '')}: fix or remove it, then connect again.`);
      if (file.state === 'ok' && !isRecord(file.data)) throw new Error(`${path} is not a JSON object of providers: fix or remove it, then connect again.`);
      const data: Record<string, unknown> = file.state === 'ok' ? { ...(file.data as Record<string, unknown>) } : {};
      const before = JSON.stringify(data);
      const result = await change(data);
      if (JSON.stringify(data) !== before) {
        writeFileAtomically(path, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600, ...options.write });
      }
      return result;
    },
    options,
  );
}

/** Saves (replaces) one provider's entry. */
export function saveAuthStoreEntry(openkoiHome: string, provider: string, entry: AuthStoreEntry & Record<string, unknown>): Promise<void> {
  return updateAuthStore(openkoiHome, (data) => {
    data[provider] = entry;
  });
}

/** Removes entries; returns the ids that were there. */
export function removeAuthStoreEntries(openkoiHome: string, providers: readonly string[]): Promise<string[]> {
  return updateAuthStore(openkoiHome, (data) => {
    const removed = providers.filter((provider) => provider in data);
    for (const provider of removed) delete data[provider];
    return removed;
  });
}
