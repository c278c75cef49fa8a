import { createRequire } from 'node:module';
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { openkoiHome as defaultOpenkoiHome } from '../config/paths.js';
import type { ProviderCredential } from '../providers/create-provider.js';
import type { ProviderEntry } from '../providers/provider-catalog.js';
import { resolveOllamaHost } from '../providers/ollama/ollama-host.js';
import { redactUrlSecrets } from '../providers/redact-secrets.js';
import { authEndpoints } from './auth-endpoints.js';
import { findAwsChainCredentials } from './aws-credential-chain.js';
import { readAuthStore } from './auth-store.js';
import { ChatGPTSession } from './chatgpt-session.js';
import { quotaRecorder } from './quota-telemetry.js';
import { maskSecret } from './mask-secret.js';
import { isRecord, readCredentialFile } from './read-credential-file.js';
import { savedKeyPath } from './saved-keys.js';

/** How a credential authenticates, for run identity ("which auth mode really served"). */
export type AuthMode = 'api-key' | 'subscription' | 'local';

/** A usable credential and where it came from. `source` names the place, never the secret. */
export interface DiscoveredCredential extends ProviderCredential {
  provider: string;
  authMode: AuthMode;
  /** The key for display (`sk-…wxyz`); empty for keyless local providers. */
  masked: string;
  expiresAt?: number;
}

/** What one source holds for a provider, usable or not (for `status` and setup messages). */
export interface CredentialFinding {
  provider: string;
  source: string;
  usable: boolean;
  authMode: AuthMode;
  masked?: string;
  /** Why it is not used, or what to do about it. */
  note?: string;
  /** When the token expires (ms since the epoch), where known. */
  expiresAt?: number;
}

export interface DiscoveryContext {
  environment: NodeJS.ProcessEnv;
  /** The user's home (tests use a temporary one): other tools' credential files live there. */
  home: string;
  openkoiHome: string;
  /** Malformed files and the like; each message names the file, never its contents. */
  onWarning?: (message: string) => void;
  now?: () => number;
}

/** The context for a process: HOME (or the OS's idea of it) and OPENKOI_HOME from the environment. */
export function discoveryContext(environment: NodeJS.ProcessEnv = process.env, onWarning?: (message: string) => void): DiscoveryContext {
  const home = environment['HOME']?.trim() || homedir();
  return { environment, home, openkoiHome: defaultOpenkoiHome(environment), ...(onWarning ? { onWarning } : {}) };
}

type Finding = CredentialFinding & { apiKey?: string; expiresAt?: number; chatgptAccess?: ProviderCredential['chatgptAccess'] };
type Source = (entry: ProviderEntry, context: DiscoveryContext) => Finding[];

/**
 * The sources in PROVIDERS.md's order; the first usable finding wins. (The Claude CLI's macOS
 * keychain entry, step 4 there, is not read: it would cost a `security` process on every run, and
 * like the credentials file it could only ever be reported as not usable.) The Ollama probe, the
 * last step, is asynchronous and lives in discover-providers.ts; here a local provider is simply
 * "local", since choosing it explicitly is reason enough to try it.
 */
const SOURCES: readonly Source[] = [environmentSource, authStoreSource, claudeCliSource, codexCliSource, qwenCliSource, githubCliSource, savedKeySource, awsChainSource, localSource];

/** The credential a provider is used with: the first usable one in discovery order. */
export function discoverCredential(entry: ProviderEntry, context: DiscoveryContext): DiscoveredCredential | undefined {
  for (const source of SOURCES) {
    for (const finding of source(entry, context)) {
      if (!finding.usable || finding.apiKey === undefined) continue;
      return {
        provider: entry.id,
        apiKey: finding.apiKey,
        source: finding.source,
        authMode: finding.authMode,
        masked: finding.masked ?? '',
        ...(finding.expiresAt !== undefined ? { expiresAt: finding.expiresAt } : {}),
        ...(finding.chatgptAccess ? { chatgptAccess: finding.chatgptAccess } : {}),
        // Quota telemetry: the rate-limit headers of each reply, kept per provider (quota.json).
        onResponseHeaders: quotaRecorder(context.openkoiHome, entry.id, context.now),
      };
    }
  }
  return undefined;
}

/** Every source's finding for a provider, in order, usable or not; no secrets in the result. */
export function inspectCredentials(entry: ProviderEntry, context: DiscoveryContext): CredentialFinding[] {
  return SOURCES.flatMap((source) => source(entry, context)).map(({ apiKey: _secret, expiresAt, chatgptAccess: _access, ...finding }) => ({
    ...finding,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  }));
}

/**
 * `discoverCredential` for one process: each provider looked up once (the pool asks again for
 * run identity), so a malformed file is warned about once.
 */
export function createCredentialFinder(context: DiscoveryContext): (entry: ProviderEntry) => DiscoveredCredential | undefined {
  const found = new Map<string, DiscoveredCredential | undefined>();
  return (entry) => {
    if (!found.has(entry.id)) found.set(entry.id, discoverCredential(entry, context));
    return found.get(entry.id);
  };
}

function environmentSource(entry: ProviderEntry, context: DiscoveryContext) {
  for (const variable of entry.keyVariables) {
    const value = context.environment[variable]?.trim();
    if (value) return [{ provider: entry.id, source: `env ${variable}`, usable: true, authMode: 'api-key' as const, apiKey: value, masked: maskSecret(value) }];
  }
  return [];
}

function authStoreSource(entry: ProviderEntry, context: DiscoveryContext): Finding[] {
  const display = displayPath(join(context.openkoiHome, 'auth.json'), context);
  const store = readAuthStore(context.openkoiHome, display);
  if (store.warning) context.onWarning?.(store.warning);
  for (const id of [entry.id, ...(entry.aliases ?? [])]) {
    const stored = store.entries[id];
    if (!stored) continue;
    const source = `auth store ${display}`;
    if (stored === 'malformed') {
      context.onWarning?.(`${display}: the "${id}" entry is malformed; ignored. Remove it, or replace it with {"type": "api", "key": "..."}.`);
      return [{ provider: entry.id, source, usable: false, authMode: 'api-key' as const, note: 'malformed entry' }];
    }
    const authMode = stored.type === 'oauth' ? ('subscription' as const) : ('api-key' as const);
    // A Claude subscription sign-in is Claude Code's alone (PROVIDERS.md): found, never sent.
    if (entry.id === 'anthropic' && stored.type === 'oauth') {
      return [{ provider: entry.id, source, usable: false, authMode, note: CLAUDE_SUBSCRIPTION_NOTE }];
    }
    const now = (context.now ?? Date.now)();
    const expiry = stored.expires !== undefined ? { expiresAt: stored.expires } : {};
    if (entry.api === 'openai-codex-responses') {
      if (stored.type !== 'oauth') {
        return [{ provider: entry.id, source, usable: false, authMode, note: 'not a ChatGPT sign-in; run `openkoi connect chatgpt`' }];
      }
      // An access token near or past expiry is still usable while a refresh token can renew it.
      if (stored.expires !== undefined && stored.expires <= now && !stored.refresh) {
        return [{ provider: entry.id, source, usable: false, authMode, masked: maskSecret(stored.access), note: 'expired', ...expiry }];
      }
      const session = new ChatGPTSession({ openkoiHome: context.openkoiHome, endpoints: authEndpoints(context.environment) });
      return [{ provider: entry.id, source, usable: true, authMode, apiKey: stored.access, masked: maskSecret(stored.access), chatgptAccess: () => session.access(), ...expiry }];
    }
    if (stored.expires !== undefined && stored.expires <= now) {
      return [{ provider: entry.id, source, usable: false, authMode, masked: maskSecret(stored.access), note: 'expired', ...expiry }];
    }
    return [{ provider: entry.id, source, usable: true, authMode, apiKey: stored.access, masked: maskSecret(stored.access), ...expiry }];
  }
  return [];
}

const CLAUDE_SUBSCRIPTION_NOTE =
  'Claude subscription (Claude Code sign-in) found but not usable: Anthropic allows it only in Claude Code. ' +
  'Set ANTHROPIC_API_KEY, use bedrock/ models, or run Claude Code itself against openkoi\'s gateway.';

/**
 * Claude Code's subscription sign-in. Anthropic allows it only in its own client, and openkoi does
 * not imitate Claude Code (DESIGN.md, "No impersonation"): found, reported, never used. The token
 * is not even read into memory beyond the JSON parse that tells a sign-in from a broken file.
 */
function claudeCliSource(entry: ProviderEntry, context: DiscoveryContext) {
  if (entry.id !== 'anthropic') return [];
  const directory = context.environment['CLAUDE_CONFIG_DIR']?.trim() || join(context.home, '.claude');
  const file = readSourceFile(join(directory, '.credentials.json'), context);
  if (!file || !isRecord(file.data) || !isRecord(file.data['claudeAiOauth'])) return [];
  return [{
    provider: entry.id,
    source: `claude cli ${file.display}`,
    usable: false,
    authMode: 'subscription' as const,
    note: CLAUDE_SUBSCRIPTION_NOTE,
  }];
}

/** Codex CLI's auth.json: its stored `OPENAI_API_KEY` is a plain OpenAI key, usable as one. */
function codexCliSource(entry: ProviderEntry, context: DiscoveryContext) {
  if (entry.id !== 'openai') return [];
  const directory = context.environment['CODEX_HOME']?.trim() || join(context.home, '.codex');
  const file = readSourceFile(join(directory, 'auth.json'), context);
  if (!file) return [];
  if (!isRecord(file.data)) {
    context.onWarning?.(`${file.display} is not a JSON object; ignored.`);
    return [];
  }
  const source = `codex cli ${file.display}`;
  const key = file.data['OPENAI_API_KEY'];
  if (typeof key === 'string' && key.trim() !== '') {
    return [{ provider: entry.id, source, usable: true, authMode: 'api-key' as const, apiKey: key.trim(), masked: maskSecret(key) }];
  }
  if (isRecord(file.data['tokens'])) {
    return [{
      provider: entry.id, source, usable: false, authMode: 'subscription' as const,
      note: 'Codex CLI is signed in with ChatGPT, not an API key: that sign-in is not usable here; set OPENAI_API_KEY.',
    }];
  }
  return [];
}

/**
 * Qwen Code's `oauth_creds.json` is an OAuth token of Qwen's own sign-in (for its portal), not an
 * API key for an endpoint openkoi can name: reported for a `qwen` provider, never used.
 */
function qwenCliSource(entry: ProviderEntry, context: DiscoveryContext) {
  if (entry.id !== 'qwen') return [];
  const file = readSourceFile(join(context.home, '.qwen', 'oauth_creds.json'), context);
  if (!file || !isRecord(file.data) || typeof file.data['access_token'] !== 'string') return [];
  return [{
    provider: entry.id, source: `qwen cli ${file.display}`, usable: false, authMode: 'subscription' as const,
    note: 'Qwen Code OAuth sign-in found; it is not an API key, so it is not used. Set an api_key_env in [providers.qwen].',
  }];
}

/**
 * The GitHub CLI's login, for GitHub Models: its hosts file (`$GH_CONFIG_DIR/hosts.yml`, else
 * `$XDG_CONFIG_HOME/gh/hosts.yml` or `~/.config/gh/hosts.yml`). When gh keeps the token in the
 * system keyring the file names the login only; then `gh auth token` is asked, once per process.
 */
function githubCliSource(entry: ProviderEntry, context: DiscoveryContext): Finding[] {
  if (entry.id !== 'github-models') return [];
  const directory =
    context.environment['GH_CONFIG_DIR']?.trim() || join(context.environment['XDG_CONFIG_HOME']?.trim() || join(context.home, '.config'), 'gh');
  const file = readSourceFile(join(directory, 'hosts.yml'), context, false);
  if (!file) return [];
  const host = readGhHost(file.text, 'github.com');
  if (!host) return [];
  const source = `github cli ${file.display}`;
  const token = host.token ?? ghAuthToken(context);
  if (!token) {
    return [{ provider: entry.id, source, usable: false, authMode: 'subscription', note: 'gh is signed in but `gh auth token` gave no token' }];
  }
  return [{ provider: entry.id, source, usable: true, authMode: 'subscription', apiKey: token, masked: maskSecret(token) }];
}

/** The `oauth_token` of one host block of gh's hosts.yml (a flat YAML map; read by lines, not a YAML parser). */
export function readGhHost(text: string, hostName: string): { token?: string } | undefined {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => line.replace(/["']/g, '').trimEnd() === `${hostName}:`);
  if (start < 0) return undefined;
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    const match = /^ {2,}oauth_token:\s*["']?([^"'\s]+)["']?\s*$/.exec(line);
    if (match) return { token: match[1]! };
  }
  return {};
}

const ghTokens = new Map<string, string | undefined>();

function ghAuthToken(context: DiscoveryContext): string | undefined {
  const key = context.environment['GH_CONFIG_DIR'] ?? context.home;
  if (!ghTokens.has(key)) {
    // node:child_process costs ~9 ms to load: only the runs that really ask gh pay for it (not status).
    const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
    const result = spawnSync('gh', ['auth', 'token', '--hostname', 'github.com'], {
      encoding: 'utf8',
      timeout: 5000,
      env: { ...context.environment, GH_PROMPT_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const token = result.status === 0 ? result.stdout.trim() : '';
    ghTokens.set(key, token !== '' && !/\s/.test(token) ? token : undefined);
  }
  return ghTokens.get(key);
}

function savedKeySource(entry: ProviderEntry, context: DiscoveryContext) {
  const file = readSourceFile(savedKeyPath(context.openkoiHome, entry.id), context, false);
  if (!file) return [];
  const key = file.text.trim();
  if (key === '' || /\s/.test(key)) {
    context.onWarning?.(`${file.display} does not hold a single key; ignored.`);
    return [];
  }
  warnWhenOthersCanRead(savedKeyPath(context.openkoiHome, entry.id), file.display, context);
  return [{ provider: entry.id, source: `saved key ${file.display}`, usable: true, authMode: 'api-key' as const, apiKey: key, masked: maskSecret(key) }];
}

/** Bedrock: what the AWS SDK's credential chain will sign with (shared profiles, SSO, roles); see aws-credential-chain.ts. */
function awsChainSource(entry: ProviderEntry, context: DiscoveryContext): Finding[] {
  if (entry.api !== 'bedrock-converse') return [];
  // No key of openkoi's own: the SDK reads the chain itself when it signs (apiKey '' says so).
  return findAwsChainCredentials(context.environment, context.home, (path) => displayPath(path, context)).map((finding) => ({
    provider: entry.id,
    source: finding.source,
    usable: finding.usable,
    authMode: 'api-key' as const,
    ...(finding.usable ? { apiKey: '', masked: '' } : {}),
    ...(finding.note ? { note: finding.note } : {}),
  }));
}

function localSource(entry: ProviderEntry, context: DiscoveryContext) {
  if (entry.api !== 'ollama') return [];
  const host = resolveOllamaHost((entry.baseURLVariable && context.environment[entry.baseURLVariable]) || entry.baseURL);
  return [{ provider: entry.id, source: `local ${redactUrlSecrets(host)}`, usable: true, authMode: 'local' as const, apiKey: '', masked: '' }];
}

const warnedReadableFiles = new Set<string>();

/** A key file other users can read is used, with a warning once per file (as ssh does for its keys, minus the refusal). */
function warnWhenOthersCanRead(path: string, display: string, context: DiscoveryContext): void {
  if (process.platform === 'win32' || warnedReadableFiles.has(path)) return;
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return;
  }
  if ((mode & 0o077) === 0) return;
  warnedReadableFiles.add(path);
  context.onWarning?.(`${display} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}); it is used, but run: chmod 600 ${display}`);
}

/** A source's file: undefined when absent, or when unreadable (then warned about, never quoted). */
function readSourceFile(path: string, context: DiscoveryContext, json = true): { display: string; data: unknown; text: string } | undefined {
  const display = displayPath(path, context);
  const file = readCredentialFile(path, display, json);
  if (file.state === 'missing') return undefined;
  if (file.state === 'unreadable') {
    context.onWarning?.(file.warning);
    return undefined;
  }
  return { display, data: file.data, text: file.text };
}

/** `~/…` for paths under the home, so messages stay short and do not show the user name. */
function displayPath(path: string, context: DiscoveryContext): string {
  return path.startsWith(`${context.home}/`) ? `~/${path.slice(context.home.length + 1)}` : path;
}
