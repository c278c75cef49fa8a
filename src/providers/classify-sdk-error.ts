import { CallDeadline } from './call-deadline.js';
import { providerErrorFromHttp, type HttpErrorContext } from './classify-http-error.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { ProviderError } from './provider-error.js';
import { findDnsFailure } from './find-dns-failure.js';
import { redactSecrets } from './redact-secrets.js';

/**
 * Turns whatever an SDK threw into a ProviderError. The Stainless-generated SDKs (openai,
 * @anthropic-ai/sdk) share one error shape: `status`, `headers`, and the parsed body in `error`.
 * Errors without a status are told apart by name and by Node's network error codes.
 */
export function classifySdkError(error: unknown, context: HttpErrorContext, deadline?: CallDeadline): ProviderError {
  if (error instanceof ProviderError) return error;
  const record = (error && typeof error === 'object' ? error : {}) as Record<string, unknown>;
  const status = typeof record['status'] === 'number' ? (record['status'] as number) : undefined;
  if (status !== undefined && status >= 400) {
    const headers = record['headers'] as Headers | Record<string, string> | undefined;
    return providerErrorFromHttp(status, record['error'] ?? record['body'] ?? record['message'], parseRetryAfter(headers), context, error);
  }
  const who = context.model ? `${context.provider}/${context.model}` : context.provider;
  const detail = redactSecrets(describe(error), context.secrets);
  if (deadline?.timedOut || String(record['name']).includes('Timeout')) {
    return new ProviderError(`${context.providerName} timeout for ${who}: ${detail}`, {
      kind: 'timeout', provider: context.provider, model: context.model, cause: error,
    });
  }
  if (deadline?.signal.aborted || isAbort(error)) {
    return new ProviderError(`${context.providerName} call for ${who} was aborted`, {
      kind: 'aborted', provider: context.provider, model: context.model, cause: error,
    });
  }
  if (error instanceof SyntaxError || /JSON|Unexpected token|could not parse/i.test(detail)) {
    return new ProviderError(`${context.providerName} sent a malformed reply for ${who}: ${detail}`, {
      kind: 'server', provider: context.provider, model: context.model, cause: error,
    });
  }
  const dns = findDnsFailure(error);
  if (dns) {
    // The name of a configured base URL that does not resolve: a typo or a host gone, named so
    // the user can fix it (the key is never part of it).
    const host = dns.hostname ? `"${redactSecrets(dns.hostname, context.secrets)}"` : 'its host';
    const hint = `host could not be resolved: ${host}`;
    return new ProviderError(
      `${context.providerName} network error for ${who}: ${hint} (${dns.code}). Check the base URL configured for ${context.provider}.`,
      { kind: 'network', provider: context.provider, model: context.model, hint, cause: error },
    );
  }
  return new ProviderError(`${context.providerName} network error for ${who}: ${detail}`, {
    kind: 'network', provider: context.provider, model: context.model, cause: error,
  });
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name ?? '';
  return name === 'AbortError' || name.includes('UserAbort');
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const parts = [error.message];
  let cause = (error as { cause?: unknown }).cause;
  for (let depth = 0; cause instanceof Error && depth < 3; depth++) {
    const code = (cause as { code?: string }).code;
    parts.push(code ? `${cause.message} (${code})` : cause.message);
    cause = (cause as { cause?: unknown }).cause;
  }
  return [...new Set(parts.filter(Boolean))].join(': ');
}
