import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { redactUrlSecrets } from '../redact-secrets.js';
import { resolveOllamaHost } from './ollama-host.js';

/** The probe's whole budget: a local server answers in a few ms; nothing listening fails at once. */
export const OLLAMA_PROBE_TIMEOUT_MS = 300;
/** How long a reachable result is trusted. Models are pulled rarely; a stale list only affects the default. */
export const OLLAMA_PROBE_CACHE_TTL_MS = 10 * 60 * 1000;
/** Shorter for "not running", so starting Ollama is noticed soon without a forced re-probe. */
export const OLLAMA_PROBE_UNREACHABLE_TTL_MS = 60 * 1000;

export interface OllamaProbeResult {
  host: string;
  reachable: boolean;
  /** Installed model names (`llama3.3:latest`), in the server's order. */
  models: string[];
  checkedAt: number;
  /** True when read from the cache file rather than asked just now. */
  cached?: boolean;
}

export interface ProbeOllamaOptions {
  /** OLLAMA_HOST (raw, any of its syntaxes). */
  host?: string;
  /** Where the cache lives: `OPENKOI_HOME`. Undefined: no cache. */
  openkoiHome?: string;
  /** Ignore the cache (the setup picker, after the user started Ollama). */
  fresh?: boolean;
  now?: () => number;
  timeoutMs?: number;
}

export function ollamaProbeCachePath(openkoiHome: string): string {
  return join(openkoiHome, 'cache', 'ollama-probe.json');
}

/**
 * Is Ollama running at OLLAMA_HOST, and which models does it have? One GET /api/tags within
 * 300 ms, through node:http (no client library, no fetch: both cost start-up time). The result is
 * cached in OPENKOI_HOME/cache/ollama-probe.json. Callers use it only to choose a default model or
 * list providers, never on the path of a task whose providers are already chosen.
 */
export async function probeOllama(options: ProbeOllamaOptions = {}): Promise<OllamaProbeResult> {
  const host = resolveOllamaHost(options.host);
  // What is cached and shown: a password in OLLAMA_HOST stays in the environment.
  const shownHost = redactUrlSecrets(host);
  const now = options.now ?? Date.now;
  const cachePath = options.openkoiHome ? ollamaProbeCachePath(options.openkoiHome) : undefined;
  if (cachePath && !options.fresh) {
    const cached = readCachedProbe(cachePath, shownHost, now());
    if (cached) return cached;
  }
  const models = await listInstalledModels(host, options.timeoutMs ?? OLLAMA_PROBE_TIMEOUT_MS);
  const result: OllamaProbeResult = { host: shownHost, reachable: models !== undefined, models: models ?? [], checkedAt: now() };
  if (cachePath) writeCachedProbe(cachePath, result);
  return result;
}

function readCachedProbe(path: string, host: string, now: number): OllamaProbeResult | undefined {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as Partial<OllamaProbeResult>;
    if (data.host !== host || typeof data.checkedAt !== 'number' || typeof data.reachable !== 'boolean') return undefined;
    if (!Array.isArray(data.models) || !data.models.every((name) => typeof name === 'string')) return undefined;
    const ttl = data.reachable ? OLLAMA_PROBE_CACHE_TTL_MS : OLLAMA_PROBE_UNREACHABLE_TTL_MS;
    if (data.checkedAt > now || now - data.checkedAt > ttl) return undefined;
    return { host, reachable: data.reachable, models: data.models, checkedAt: data.checkedAt, cached: true };
  } catch {
    // Missing or unreadable cache: probe again. A cache is never worth a warning.
    return undefined;
  }
}

function writeCachedProbe(path: string, result: OllamaProbeResult): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(result) + '\n');
    renameSync(temporary, path);
  } catch {
    // A read-only home only costs a probe next time.
  }
}

/** The names from GET /api/tags, or undefined when the server is not there or not Ollama. */
async function listInstalledModels(host: string, timeoutMs: number): Promise<string[] | undefined> {
  let url: URL;
  try {
    url = new URL(`${host}/api/tags`);
  } catch {
    return undefined;
  }
  // Imported here, not at the top: this module is on every run's path, and node:https alone
  // (TLS with it) is ~8 ms of start-up that a run with its models chosen never needs.
  const { request: send } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    let settled = false;
    const finish = (value: string[] | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outgoing.destroy();
      resolve(value);
    };
    const outgoing = send(url, { method: 'GET', headers: { accept: 'application/json' } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        finish(undefined);
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => finish(parseTags(Buffer.concat(chunks).toString('utf8'))));
      response.on('error', () => finish(undefined));
    });
    outgoing.on('error', () => finish(undefined));
    outgoing.end();
  });
}

function parseTags(text: string): string[] | undefined {
  try {
    const data = JSON.parse(text) as { models?: Array<{ name?: unknown; model?: unknown }> };
    if (!Array.isArray(data.models)) return undefined;
    return data.models.flatMap((model) => {
      const name = typeof model.name === 'string' ? model.name : model.model;
      return typeof name === 'string' && name !== '' ? [name] : [];
    });
  } catch {
    return undefined;
  }
}
