/** Which vendor's wire format a client speaks: errors are answered in that shape. */
export type ClientDialect = 'openai' | 'anthropic';

export type ClientErrorKind =
  | 'invalid-request'
  | 'auth'
  | 'permission'
  | 'not-found'
  | 'too-large'
  | 'rate-limit'
  | 'overloaded'
  | 'upstream'
  | 'timeout';

const STATUS: Record<ClientErrorKind, number> = {
  'invalid-request': 400,
  auth: 401,
  permission: 403,
  'not-found': 404,
  'too-large': 413,
  'rate-limit': 429,
  overloaded: 503,
  upstream: 502,
  timeout: 504,
};

// The error `type` each vendor documents for these statuses, so an SDK raises its own error class.
const ANTHROPIC_TYPE: Record<ClientErrorKind, string> = {
  'invalid-request': 'invalid_request_error',
  auth: 'authentication_error',
  permission: 'permission_error',
  'not-found': 'not_found_error',
  'too-large': 'request_too_large',
  'rate-limit': 'rate_limit_error',
  overloaded: 'overloaded_error',
  upstream: 'api_error',
  timeout: 'timeout_error',
};

const OPENAI_TYPE: Record<ClientErrorKind, string> = {
  'invalid-request': 'invalid_request_error',
  auth: 'invalid_request_error',
  permission: 'permission_error',
  'not-found': 'invalid_request_error',
  'too-large': 'invalid_request_error',
  'rate-limit': 'rate_limit_error',
  overloaded: 'server_error',
  upstream: 'server_error',
  timeout: 'server_error',
};

/**
 * A request the gateway answers with an error itself: bad input, a token problem, or routing that
 * gave up. `field` names the part of the client's request at fault, when there is one.
 */
export class GatewayRequestError extends Error {
  override name = 'GatewayRequestError';
  constructor(
    readonly kind: ClientErrorKind,
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
    /** Anthropic answers an overloaded vendor with 529; OpenAI clients get 503. */
    readonly anthropicStatus?: number,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.kind];
  }
}

/** Throws a 400 naming the field; translation code reads better with it. */
export function invalidField(field: string, message: string): never {
  throw new GatewayRequestError('invalid-request', `${field}: ${message}`, field);
}

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** The error in the client's own shape: `{error: {...}}` for OpenAI, `{type: 'error', ...}` for Anthropic. */
export function renderClientError(dialect: ClientDialect, error: GatewayRequestError): RenderedError {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
  if (dialect === 'anthropic') {
    return {
      status: error.anthropicStatus ?? error.status,
      headers,
      body: { type: 'error', error: { type: ANTHROPIC_TYPE[error.kind], message: error.message } },
    };
  }
  return {
    status: error.status,
    headers,
    body: {
      error: {
        message: error.message,
        type: OPENAI_TYPE[error.kind],
        param: error.field ?? null,
        code: error.kind === 'auth' ? 'invalid_api_key' : error.kind === 'rate-limit' ? 'rate_limit_exceeded' : null,
      },
    },
  };
}
