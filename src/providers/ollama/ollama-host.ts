/** Where Ollama listens when OLLAMA_HOST is not set (the server's own default). */
export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

/**
 * OLLAMA_HOST as the server and the official client read it: `host:port`, `:port`, a bare host
 * (port 11434) or a full URL. Returned as a URL without a trailing slash. `0.0.0.0` (a common
 * server-side setting meaning "every interface") is dialled as loopback.
 */
export function resolveOllamaHost(configured: string | undefined): string {
  let host = configured?.trim() || DEFAULT_OLLAMA_HOST;
  if (host.startsWith(':')) host = `http://127.0.0.1${host}`;
  const explicitScheme = host.includes('://');
  if (!explicitScheme) host = `http://${host}`;
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return DEFAULT_OLLAMA_HOST;
  }
  if (!url.port && !explicitScheme) url.port = '11434';
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  return url.toString().replace(/\/+$/, '');
}

/**
 * OLLAMA_HOST with userinfo (`http://user:pass@proxy`, a proxy with basic auth in front of
 * Ollama): fetch refuses URLs that carry credentials, so they travel as an Authorization header
 * and the host is used (and shown) without them.
 */
export function splitOllamaCredentials(host: string): { host: string; authorization?: string } {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return { host };
  }
  if (!url.username && !url.password) return { host };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { host: url.toString().replace(/\/+$/, ''), authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}
