import { AllCandidatesExhausted } from '../routing/all-candidates-exhausted.js';
import { ProviderError } from '../providers/provider-error.js';
import { ModelRefError } from '../model/model-ref.js';
import { GatewayRequestError, type ClientErrorKind } from './client-error.js';

/**
 * What routing's failure means to the client. The vendor's verdict on the request itself (bad
 * request, unknown model, context too long) is the client's 400/404; a vendor that is down, slow or
 * rate-limited everywhere is a 429/5xx; a credential problem upstream is the gateway's, never a 401
 * (that would tell the client its own token is wrong).
 */
export function clientErrorOf(error: unknown, now: number = Date.now()): GatewayRequestError {
  if (error instanceof GatewayRequestError) return error;
  if (error instanceof ModelRefError) return new GatewayRequestError('invalid-request', error.message, 'model');
  if (error instanceof AllCandidatesExhausted) return exhausted(error, now);
  if (error instanceof ProviderError) {
    const kind = kindOfProviderError(error);
    return new GatewayRequestError(
      kind,
      error.message,
      undefined,
      error.retryAfterMs !== undefined ? error.retryAfterMs / 1000 : undefined,
      error.kind === 'overloaded' ? 529 : undefined,
    );
  }
  return new GatewayRequestError('upstream', `The gateway failed: ${error instanceof Error ? error.message : String(error)}`);
}

function kindOfProviderError(error: ProviderError): ClientErrorKind {
  switch (error.kind) {
    case 'invalid-request':
    case 'context-length':
    case 'content-filter':
      return 'invalid-request';
    case 'not-found':
      return 'not-found';
    case 'rate-limit':
      return 'rate-limit';
    case 'overloaded':
      return 'overloaded';
    case 'timeout':
      return 'timeout';
    default:
      return 'upstream';
  }
}

function exhausted(error: AllCandidatesExhausted, now: number): GatewayRequestError {
  const kinds = error.candidates.map((entry) => (entry.cooldownUntil !== undefined && entry.cooldownUntil > now ? 'rate-limit' : entry.lastError?.kind));
  const waits = error.candidates.flatMap((entry) => (entry.cooldownUntil !== undefined && entry.cooldownUntil > now ? [entry.cooldownUntil - now] : []));
  const retryAfter = waits.length > 0 ? Math.min(...waits) / 1000 : undefined;
  const message = error.message.replace(/^No model could serve the \w+ role/, 'No model of the chain could serve the request');
  if (kinds.every((kind) => kind === 'rate-limit')) return new GatewayRequestError('rate-limit', message, undefined, retryAfter);
  if (kinds.every((kind) => kind === 'rate-limit' || kind === 'overloaded')) return new GatewayRequestError('overloaded', message, undefined, retryAfter, 529);
  return new GatewayRequestError('upstream', message, undefined, retryAfter);
}
