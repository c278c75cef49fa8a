import { join } from 'node:path';
import { isRecord, readCredentialFile } from './read-credential-file.js';

/**
 * `OPENKOI_HOME/auth.json`, to be written by the `openkoi connect` command (a later issue; mode 0600, temp file + rename):
 *
 * ```json
 * {
 *   "github-copilot": { "type": "oauth", "access": "<token>", "refresh": "<token>", "expires": 1767225600000 },
 *   "openai-codex":   { "type": "oauth", "access": "<token>", "refresh": "<token>", "expires": 1767225600000, "account": "..." },
 *   "groq":           { "type": "api", "key": "<api key>" }
 * }
 * ```
 *
 * Keys are provider ids. `expires` is milliseconds since the epoch (absent: no known expiry).
 * An `api` entry may hold its key in `key` or `access`. Unknown fields are kept for the writer.
 */
export interface AuthStoreEntry {
  type: 'oauth' | 'api';
  access: string;
  refresh?: string;
  expires?: number;
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
  for (const [provider, value] of Object.entries(file.data)) {
    if (!isRecord(value) || (value['type'] !== 'oauth' && value['type'] !== 'api')) {
      entries[provider] = 'malformed';
      continue;
    }
    const access = typeof value['access'] === 'string' ? value['access'] : typeof value['key'] === 'string' ? value['key'] : '';
    if (access.trim() === '') {
      entries[provider] = 'malformed';
      continue;
    }
    entries[provider] = {
      type: value['type'],
      access: access.trim(),
      ...(typeof value['refresh'] === 'string' ? { refresh: value['refresh'] } : {}),
      ...(typeof value['expires'] === 'number' && Number.isFinite(value['expires']) ? { expires: value['expires'] } : {}),
    };
  }
  return { entries };
}
