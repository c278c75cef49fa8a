import { classifiedProviderError, kindForStatus, readVendorError, type HttpErrorContext } from '../classify-http-error.js';
import { classifySdkError } from '../classify-sdk-error.js';
import type { CallDeadline } from '../call-deadline.js';
import { ProviderError, type ProviderErrorKind } from '../provider-error.js';

/**
 * What `@google/genai` threw, as a ProviderError. The SDK's ApiError carries the HTTP status and,
 * as its message, the JSON error body (`{error:{code,message,status,details}}`), prefixed with
 * `got status: ...` when the error arrived inside a stream. It carries no response headers: the
 * wait a 429 asks for comes from the body's RetryInfo, which is where the Gemini API puts it.
 */
export function classifyGoogleError(error: unknown, context: HttpErrorContext, deadline?: CallDeadline): ProviderError {
  if (error instanceof ProviderError) return error;
  const record = (error && typeof error === 'object' ? error : {}) as { name?: unknown; status?: unknown; message?: unknown };
  if (record.name !== 'ApiError' || typeof record.status !== 'number') return classifySdkError(error, context, deadline);
  const status = record.status;
  const body = errorBody(typeof record.message === 'string' ? record.message : '');
  const fields = readVendorError(body ?? record.message);
  const reasons = errorInfoReasons(body);
  const kind: ProviderErrorKind = keyRejected(reasons, fields.code) ? 'auth' : kindForStatus(status, fields);
  return classifiedProviderError(
    { kind, status, vendorMessage: fields.message, vendorCode: reasons[0] ?? fields.code, retryAfterMs: retryDelay(body), advice: ADVICE[kind] },
    context,
    error,
  );
}

const ADVICE: Partial<Record<ProviderErrorKind, string>> = {
  auth: 'Check the Google API key in GOOGLE_API_KEY or GEMINI_API_KEY (openkoi status shows where it comes from).',
  permission: 'The Google account or project may lack access to this model, or the API may not be enabled for the key.',
  'not-found': 'Check the model name: openkoi models --provider google lists them.',
  'context-length': "The conversation is larger than the model's context window.",
};

function errorBody(message: string): unknown {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    return JSON.parse(message.slice(start));
  } catch {
    return undefined;
  }
}

function details(body: unknown): Array<Record<string, unknown>> {
  const list = (body as { error?: { details?: unknown } } | undefined)?.error?.details;
  return Array.isArray(list) ? list.filter((item): item is Record<string, unknown> => !!item && typeof item === 'object') : [];
}

function errorInfoReasons(body: unknown): string[] {
  return details(body)
    .filter((detail) => String(detail['@type']).endsWith('google.rpc.ErrorInfo') && typeof detail['reason'] === 'string')
    .map((detail) => detail['reason'] as string);
}

// A bad or expired key is answered with 400 INVALID_ARGUMENT and the reason API_KEY_INVALID,
// not with 401: it is an authentication failure all the same.
function keyRejected(reasons: string[], code: string | undefined): boolean {
  return reasons.some((reason) => reason === 'API_KEY_INVALID' || reason === 'API_KEY_EXPIRED') || code === 'UNAUTHENTICATED';
}

/** RetryInfo's `retryDelay` ("37s", "0.5s") in milliseconds. */
function retryDelay(body: unknown): number | undefined {
  for (const detail of details(body)) {
    if (!String(detail['@type']).endsWith('google.rpc.RetryInfo')) continue;
    const match = /^(\d+(?:\.\d+)?)s$/.exec(String(detail['retryDelay'] ?? '').trim());
    if (match) return Math.round(Number(match[1]) * 1000);
  }
  return undefined;
}
