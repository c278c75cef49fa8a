import { createHash } from 'node:crypto';

/**
 * What tells two endpoints of one provider apart for cooldowns: a short hash of the base URL and
 * the key. A 429 earned with one key, or on one server, says nothing about another. The hash is
 * stored in openkoi.db, so neither the key nor a URL's userinfo ever is.
 */
export function endpointFingerprint(baseURL: string | undefined, apiKey: string | undefined): string {
  if (!baseURL && !apiKey) return '';
  return createHash('sha256').update(`${baseURL ?? ''}\n${apiKey ?? ''}`).digest('hex').slice(0, 16);
}
