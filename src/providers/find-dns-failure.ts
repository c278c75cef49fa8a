/** Node's resolver codes for a name that does not resolve (EAI_AGAIN: the resolver could not answer now). */
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA']);

export interface DnsFailure {
  code: string;
  /** The name that did not resolve, when the error says (getaddrinfo's `hostname`). */
  hostname?: string;
}

/**
 * A failed name lookup anywhere in an error's cause chain: SDKs wrap Node's getaddrinfo error
 * ("fetch failed" → "getaddrinfo ENOTFOUND host") one or two levels deep.
 */
export function findDnsFailure(error: unknown): DnsFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const record = current as { code?: unknown; hostname?: unknown; cause?: unknown; errors?: unknown };
    if (typeof record.code === 'string' && DNS_CODES.has(record.code)) {
      return { code: record.code, ...(typeof record.hostname === 'string' && record.hostname ? { hostname: record.hostname } : {}) };
    }
    // undici reports a failed connection to every address at once as an AggregateError.
    if (Array.isArray(record.errors)) {
      for (const inner of record.errors) {
        const found = findDnsFailure(inner);
        if (found) return found;
      }
    }
    current = record.cause;
  }
  return undefined;
}
