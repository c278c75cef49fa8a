import { kindForStatus, providerErrorDuringStream, readVendorError, type HttpErrorContext } from '../classify-http-error.js';
import type { ProviderError } from '../provider-error.js';

// The HTTP status OpenAI answers with for each error code or type, so an error that arrives
// inside a 200 stream is classified exactly as the same error would be as the HTTP answer.
const STATUS_FOR_ERROR_CODE: Record<string, number> = {
  invalid_request_error: 400,
  context_length_exceeded: 400,
  invalid_api_key: 401,
  authentication_error: 401,
  permission_error: 403,
  model_not_found: 404,
  not_found_error: 404,
  rate_limit_exceeded: 429,
  requests: 429,
  tokens: 429,
  insufficient_quota: 429,
  server_error: 500,
  service_unavailable: 503,
};

/**
 * The error object of a `data: {"error": {...}}` line in a Chat Completions stream, or undefined
 * when `error` is not one. The SDK throws it as an APIError without a status (the HTTP status was
 * 200), which generic classification would take for a network error.
 */
export function openaiStreamErrorBody(error: unknown): Record<string, unknown> | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const record = error as { status?: unknown; error?: unknown };
  if (record.status !== undefined) return undefined;
  const body = record.error;
  if (body && typeof body === 'object' && ('message' in body || 'code' in body || 'type' in body)) return body as Record<string, unknown>;
  return undefined;
}

export function providerErrorFromStreamError(body: Record<string, unknown>, context: HttpErrorContext, cause?: unknown): ProviderError {
  const fields = readVendorError({ error: body });
  // OpenRouter and some other compatible servers put the HTTP status itself in `code`.
  const numericCode = typeof body['code'] === 'number' && body['code'] >= 400 && body['code'] < 600 ? body['code'] : undefined;
  const status = numericCode ?? STATUS_FOR_ERROR_CODE[fields.code ?? ''] ?? 500;
  const kind = kindForStatus(status, fields);
  return providerErrorDuringStream(kind, fields, context, cause, fields.code ?? (numericCode === undefined ? undefined : String(numericCode)));
}
