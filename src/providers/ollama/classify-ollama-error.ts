import type { CallDeadline } from '../call-deadline.js';
import { providerErrorFromHttp, type HttpErrorContext } from '../classify-http-error.js';
import { classifySdkError } from '../classify-sdk-error.js';
import { ProviderError } from '../provider-error.js';
import { redactSecrets } from '../redact-secrets.js';
import { MALFORMED_LINE_ERROR, type OllamaCallState } from './create-ollama-fetch.js';

const TRUNCATED = 'Did not receive done or success response in stream';

/**
 * Whatever the `ollama` client threw → ProviderError. The client throws `ResponseError` (with
 * `status_code`) for HTTP errors, a plain Error carrying the server's message for an `{error}`
 * line inside a stream, and fetch's TypeError (cause ECONNREFUSED, ...) when nothing listens.
 */
export function classifyOllamaError(
  error: unknown,
  context: HttpErrorContext & { host: string },
  deadline: CallDeadline,
  state: OllamaCallState,
): ProviderError {
  if (error instanceof ProviderError) return error;
  const record = (error && typeof error === 'object' ? error : {}) as Record<string, unknown>;
  const who = context.model ? `${context.provider}/${context.model}` : context.provider;
  const message = error instanceof Error ? error.message : String(error);
  if (record['name'] === 'ResponseError' && typeof record['status_code'] === 'number') {
    const status = record['status_code'] as number;
    const result = providerErrorFromHttp(status, { error: record['error'] ?? message }, state.retryAfterMs, context, error);
    if (result.kind !== 'not-found' || !context.model) return result;
    // Ollama's 404 is almost always a model that is not pulled yet: say how to get it.
    return new ProviderError(`${result.message} Run \`ollama pull ${context.model}\` to install it.`, {
      kind: result.kind, provider: result.provider, model: result.model, status, cause: error,
    });
  }
  if (!deadline.signal.aborted) {
    if (message === MALFORMED_LINE_ERROR) {
      return new ProviderError(`${context.providerName} sent a malformed reply for ${who}: ${MALFORMED_LINE_ERROR}`, {
        kind: 'server', provider: context.provider, model: context.model, cause: error,
      });
    }
    if (message.includes(TRUNCATED)) {
      // A truncated reply must never look complete.
      return new ProviderError(`${context.providerName} stream for ${who} ended before the reply was complete (no done)`, {
        kind: 'network', provider: context.provider, model: context.model, cause: error,
      });
    }
    const code = networkCode(error);
    // A name that does not resolve is a wrong OLLAMA_HOST, not a server to start: said by classifySdkError.
    if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH') {
      return new ProviderError(
        `${context.providerName} is not reachable at ${context.host} (${code}) for ${who}. Start it with \`ollama serve\`, or set OLLAMA_HOST to where it runs.`,
        { kind: 'network', provider: context.provider, model: context.model, cause: error },
      );
    }
    if (!(error instanceof TypeError) && !code && error instanceof Error && record['name'] === 'Error') {
      // A plain Error from the client with the server's own words: an `{error}` line mid-stream.
      return new ProviderError(redactSecrets(`${context.providerName} error for ${who}: ${message}`, context.secrets), {
        kind: 'server', provider: context.provider, model: context.model, cause: error,
      });
    }
  }
  return classifySdkError(error, context, deadline);
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
