import { ProviderError, type ProviderErrorKind } from './provider-error.js';
import { redactSecrets } from './redact-secrets.js';

export interface HttpErrorContext {
  provider: string;
  /** Human name for messages ("OpenAI"). */
  providerName: string;
  model?: string;
  /** Secrets the message must never contain (the key in use). */
  secrets?: ReadonlyArray<string | undefined>;
}

export interface VendorErrorFields {
  message: string | undefined;
  /** The vendor's code or type: `rate_limit_error`, `context_length_exceeded`, `RESOURCE_EXHAUSTED`. */
  code: string | undefined;
}

/**
 * Reads the message and code out of the error bodies vendors send:
 * OpenAI `{error:{message,type,code}}`, Anthropic `{type:"error",error:{type,message}}`,
 * Gemini `{error:{code,message,status}}`, Ollama `{error:"..."}`, or plain text.
 */
export function readVendorError(body: unknown): VendorErrorFields {
  if (typeof body === 'string') {
    try {
      return readVendorError(JSON.parse(body));
    } catch {
      return { message: body.trim() || undefined, code: undefined };
    }
  }
  if (!body || typeof body !== 'object') return { message: undefined, code: undefined };
  const record = body as Record<string, unknown>;
  const inner = record['error'];
  if (typeof inner === 'string') return { message: inner, code: stringField(record, 'code', 'type') };
  if (inner && typeof inner === 'object') {
    const error = inner as Record<string, unknown>;
    return {
      message: stringField(error, 'message'),
      code: stringField(error, 'code', 'type', 'status') ?? stringField(record, 'code', 'type'),
    };
  }
  return { message: stringField(record, 'message'), code: stringField(record, 'code', 'type', 'status') };
}

function stringField(record: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = record[name];
    if (typeof value === 'string' && value !== '' && value !== 'error') return value;
  }
  return undefined;
}

const CONTEXT_LENGTH = /context[_ ]length|context window|maximum context|prompt is too long|too many tokens|input is too long|exceeds the (maximum|context)/i;
const CONTENT_FILTER = /content[_ ]?(filter|policy|management)|safety|responsible ?ai|blocked by/i;
const OVERLOADED = /overloaded/i;

export function kindForStatus(status: number, fields: VendorErrorFields): ProviderErrorKind {
  const text = `${fields.code ?? ''} ${fields.message ?? ''}`;
  if (status === 429) {
    // insufficient_quota is a billing state, not a burst: waiting will not fix it.
    if (/insufficient_quota|billing/i.test(text)) return 'permission';
    return 'rate-limit';
  }
  if (status === 529 || (status >= 500 && OVERLOADED.test(text))) return 'overloaded';
  if (status === 408) return 'timeout';
  if (status === 504) return 'timeout';
  if (status >= 500) return 'server';
  if (status === 401) return 'auth';
  if (status === 403) return CONTENT_FILTER.test(text) ? 'content-filter' : 'permission';
  if (status === 404) return 'not-found';
  if (status === 413) return CONTEXT_LENGTH.test(text) ? 'context-length' : 'invalid-request';
  if (status === 409) return 'server';
  if (CONTEXT_LENGTH.test(text)) return 'context-length';
  if (CONTENT_FILTER.test(text)) return 'content-filter';
  return 'invalid-request';
}

const ADVICE: Partial<Record<ProviderErrorKind, (context: HttpErrorContext) => string>> = {
  auth: (context) => `Check the ${context.providerName} API key (openkoi status shows where it comes from).`,
  permission: (context) => `The ${context.providerName} account may lack access or quota for this model.`,
  'not-found': (context) => `Check the model name: openkoi models --provider ${context.provider} lists them.`,
  'context-length': () => 'The conversation is larger than the model\'s context window.',
};

export function providerErrorFromHttp(
  status: number,
  body: unknown,
  retryAfterMs: number | undefined,
  context: HttpErrorContext,
  cause?: unknown,
): ProviderError {
  const fields = readVendorError(body);
  return classifiedProviderError(
    { kind: kindForStatus(status, fields), status, vendorMessage: fields.message, vendorCode: fields.code, retryAfterMs },
    context,
    cause,
  );
}

export interface ClassifiedFailure {
  kind: ProviderErrorKind;
  status?: number | undefined;
  vendorMessage?: string | undefined;
  vendorCode?: string | undefined;
  retryAfterMs?: number | undefined;
  /** What to do about it, when the vendor needs its own words; else the generic advice for the kind. */
  advice?: string | undefined;
}

/**
 * The one shape of a classified failure's message, whichever adapter classified it:
 * "<Vendor> <kind> (HTTP <status>) for <provider/model>: <vendor message>. <advice>", secrets redacted.
 */
export function classifiedProviderError(failure: ClassifiedFailure, context: HttpErrorContext, cause?: unknown): ProviderError {
  const who = context.model ? `${context.provider}/${context.model}` : context.provider;
  const advice = failure.advice ?? ADVICE[failure.kind]?.(context);
  const message = redactSecrets(
    `${context.providerName} ${kindLabel(failure.kind)}${failure.status !== undefined ? ` (HTTP ${failure.status})` : ''} for ${who}` +
      `${failure.vendorMessage ? `: ${failure.vendorMessage}` : ''}${advice ? `. ${advice}` : ''}`,
    context.secrets,
  );
  return new ProviderError(message, {
    kind: failure.kind,
    provider: context.provider,
    model: context.model,
    status: failure.status,
    retryAfterMs: failure.retryAfterMs,
    vendorCode: failure.vendorCode,
    cause,
  });
}

export function kindLabel(kind: ProviderErrorKind): string {
  return {
    'rate-limit': 'rate limit',
    overloaded: 'overloaded',
    server: 'server error',
    timeout: 'timeout',
    network: 'network error',
    auth: 'authentication failed',
    permission: 'permission denied',
    'invalid-request': 'invalid request',
    'not-found': 'not found',
    'context-length': 'context length exceeded',
    'content-filter': 'content filtered',
    aborted: 'aborted',
  }[kind];
}

/**
 * An error the vendor sent inside a stream that had already started with HTTP 200: no status of
 * its own, so each adapter maps the vendor's error type to a kind, and this builds the error.
 */
export function providerErrorDuringStream(
  kind: ProviderErrorKind,
  fields: VendorErrorFields,
  context: HttpErrorContext,
  cause?: unknown,
  vendorCode: string | undefined = fields.code,
): ProviderError {
  const who = context.model ? `${context.provider}/${context.model}` : context.provider;
  const message = redactSecrets(
    `${context.providerName} ${kindLabel(kind)} during the stream for ${who}${fields.message ? `: ${fields.message}` : ''}`,
    context.secrets,
  );
  return new ProviderError(message, { kind, provider: context.provider, model: context.model, vendorCode, cause });
}
