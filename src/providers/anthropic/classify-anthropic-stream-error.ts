import { kindForStatus, providerErrorDuringStream, readVendorError, type HttpErrorContext } from '../classify-http-error.js';
import type { ProviderError, ProviderErrorKind } from '../provider-error.js';

// The HTTP status Anthropic uses for each error type, so an error that arrives inside a 200
// stream is classified exactly as the same error would be had it come as the HTTP answer.
const STATUS_FOR_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/**
 * The `{"type":"error","error":{"type","message"}}` body of an `event: error` in a Messages
 * stream, or undefined when `error` is not one. The SDK throws it as an APIError without a
 * status (the HTTP status was 200), which generic classification would take for a network error.
 */
export function anthropicStreamErrorBody(error: unknown): unknown {
  if (!error || typeof error !== 'object') return undefined;
  const record = error as { status?: unknown; error?: unknown; type?: unknown };
  if (record.status !== undefined) return undefined;
  const body = record.error as { type?: unknown; error?: { type?: unknown } } | undefined;
  if (body && typeof body === 'object' && body.type === 'error' && typeof body.error?.type === 'string') return body;
  return undefined;
}

export function providerErrorFromStreamEvent(body: unknown, context: HttpErrorContext, cause?: unknown): ProviderError {
  const fields = readVendorError(body);
  const kind: ProviderErrorKind =
    fields.code === 'billing_error' ? 'permission' : kindForStatus(STATUS_FOR_ERROR_TYPE[fields.code ?? ''] ?? 500, fields);
  return providerErrorDuringStream(kind, fields, context, cause);
}
