import { classifiedProviderError, kindForStatus, type HttpErrorContext } from '../classify-http-error.js';
import { classifySdkError } from '../classify-sdk-error.js';
import type { CallDeadline } from '../call-deadline.js';
import { parseRetryAfter } from '../parse-retry-after.js';
import { ProviderError, type ProviderErrorKind } from '../provider-error.js';

/**
 * Bedrock's exceptions by name. The AWS SDK throws each as its own class (`name` is the
 * exception), whether it came as the HTTP answer (named by `x-amzn-errortype`) or as an exception
 * frame inside a ConverseStream. ValidationException is resolved from its message.
 */
const KIND_FOR_EXCEPTION: Record<string, ProviderErrorKind> = {
  ThrottlingException: 'rate-limit',
  // Quotas per account and model (tokens per minute or day): waiting is the cure, as for a 429.
  ServiceQuotaExceededException: 'rate-limit',
  ServiceUnavailableException: 'overloaded',
  // The model is being loaded onto capacity; it will answer shortly.
  ModelNotReadyException: 'overloaded',
  InternalServerException: 'server',
  ModelErrorException: 'server',
  ModelStreamErrorException: 'server',
  ModelTimeoutException: 'timeout',
  AccessDeniedException: 'permission',
  ResourceNotFoundException: 'not-found',
  UnrecognizedClientException: 'auth',
  ExpiredTokenException: 'auth',
  InvalidSignatureException: 'auth',
  IncompleteSignatureException: 'auth',
  MissingAuthenticationTokenException: 'auth',
  InvalidClientTokenId: 'auth',
  // No credentials anywhere in the chain: nothing was sent.
  CredentialsProviderError: 'auth',
};

// Converse's own wording for an over-long prompt, beside the phrases every vendor uses
// ("Input is too long for requested model", "prompt is too long", "Input Tokens Exceeded").
const BEDROCK_CONTEXT_LENGTH = /too many input tokens|input tokens exceed|exceeds? (the )?max(imum)? (input |context )?(length|tokens)/i;

/** What the AWS SDK threw, as a ProviderError. */
export function classifyBedrockError(error: unknown, context: HttpErrorContext, deadline?: CallDeadline): ProviderError {
  if (error instanceof ProviderError) return error;
  const record = (error && typeof error === 'object' ? error : {}) as {
    name?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number };
    $response?: { headers?: Record<string, string> };
  };
  const name = typeof record.name === 'string' ? record.name : '';
  const status = typeof record.$metadata?.httpStatusCode === 'number' && record.$metadata.httpStatusCode >= 400 ? record.$metadata.httpStatusCode : undefined;
  const vendorMessage = typeof record.message === 'string' && record.message !== '' && record.message !== 'UnknownError' ? record.message : undefined;
  let kind: ProviderErrorKind | undefined = KIND_FOR_EXCEPTION[name];
  // Raised before anything is sent, when the chain found a credential it cannot sign with.
  if (kind === undefined && /could not be signed|could not load credentials/i.test(vendorMessage ?? '')) kind = 'auth';
  if (name === 'ValidationException' || (kind === undefined && status !== undefined)) {
    kind = BEDROCK_CONTEXT_LENGTH.test(vendorMessage ?? '') ? 'context-length' : kindForStatus(status ?? 400, { message: vendorMessage, code: name });
  }
  // The SDK's HTTP handler renames a request's ECONNRESET and EPIPE to `TimeoutError` (so its own
  // retry strategy treats them as transient); a connection the server dropped is a network error,
  // not a timeout, unless our idle deadline is what ended it.
  const code = (error as { code?: unknown } | null)?.code;
  if (kind === undefined && name === 'TimeoutError' && (code === 'ECONNRESET' || code === 'EPIPE') && !deadline?.signal.aborted) {
    return classifiedProviderError({ kind: 'network', vendorMessage: `${vendorMessage ?? 'connection reset'} (${code})` }, context, error);
  }
  // Without an exception name or a status, the request never got an answer (network, abort,
  // idle timeout, a broken frame): the generic classification tells those apart.
  if (kind === undefined) return classifySdkError(error, context, deadline);
  const detail = [name, vendorMessage].filter(Boolean).join(': ');
  return classifiedProviderError(
    {
      kind,
      status,
      vendorMessage: detail || undefined,
      vendorCode: name || undefined,
      retryAfterMs: parseRetryAfter(record.$response?.headers),
      advice: ADVICE[kind],
    },
    context,
    error,
  );
}

const ADVICE: Partial<Record<ProviderErrorKind, string>> = {
  auth: 'Check the AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN for temporary ones), or AWS_PROFILE.',
  permission: 'The AWS identity may lack bedrock:InvokeModel permission, or the model may not be enabled in this account and region (Bedrock console, Model access).',
  'not-found': 'Check the model id and region: openkoi models --provider bedrock lists the known ids.',
  'context-length': "The conversation is larger than the model's context window.",
};
