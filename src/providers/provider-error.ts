import type { ProviderErrorKind } from '../model/provider-error-kind.js';
import type { Usage } from '../model/usage.js';
import { redactUrlSecrets } from './redact-secrets.js';

export type { ProviderErrorKind };

const RETRYABLE_KINDS: ReadonlySet<ProviderErrorKind> = new Set([
  'rate-limit',
  'overloaded',
  'server',
  'timeout',
  'network',
]);

export function isRetryableKind(kind: ProviderErrorKind): boolean {
  return RETRYABLE_KINDS.has(kind);
}

export interface ProviderErrorDetails {
  kind: ProviderErrorKind;
  provider: string;
  model?: string;
  status?: number;
  retryAfterMs?: number;
  /** The vendor's own error code or type (`rate_limit_error`, `insufficient_quota`, ...). */
  vendorCode?: string;
  /**
   * What a one-line notice adds after the kind when the kind alone misleads ("host could not be
   * resolved: \"x.invalid\"" for a network error that is really a wrong base URL). No secret.
   */
  hint?: string;
  cause?: unknown;
}

/** Every failure that leaves an adapter. Its message never contains a secret. */
export class ProviderError extends Error {
  override name = 'ProviderError';
  readonly kind: ProviderErrorKind;
  readonly retryable: boolean;
  readonly provider: string;
  readonly model: string | undefined;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly vendorCode: string | undefined;
  readonly hint: string | undefined;
  /**
   * A stream that failed after the vendor had reported token counts: those counts (input at least,
   * output so far). Set by streamWithDeadline; routing records it as the attempt's partial usage.
   */
  partialUsage: Usage | undefined;

  constructor(message: string, details: ProviderErrorDetails) {
    // A URL quoted in a message (an SDK's "request to http://user:pass@…" or a base URL with
    // ?key=) loses its userinfo and secret query values here, whichever adapter built it.
    super(redactUrlSecrets(message), details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.retryable = isRetryableKind(details.kind);
    this.provider = details.provider;
    this.model = details.model;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.vendorCode = details.vendorCode;
    this.hint = details.hint;
  }
}
