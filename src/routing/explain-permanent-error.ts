import type { Role } from '../model/role.js';
import { formatModelRef, type ModelRef } from '../model/model-ref.js';
import { ProviderError, type ProviderErrorKind } from '../providers/provider-error.js';

/** What the user can do about each permanent error, said in terms of openkoi's own settings. */
function fixFor(kind: ProviderErrorKind, candidate: ModelRef, role: Role): string {
  const reference = formatModelRef(candidate);
  switch (kind) {
    case 'auth':
      return `set a valid ${candidate.provider} key (openkoi status shows where it comes from), or remove ${reference} from the ${role} chain`;
    case 'permission':
      return `check that the ${candidate.provider} account has access and quota for ${reference}, or choose another model for ${role}`;
    case 'not-found':
      return `check the model name in [models] / [models.fallback] ${role} (openkoi models --provider ${candidate.provider} lists them)`;
    case 'context-length':
      return `shorten the conversation, or add a model with a larger context window to [models.fallback] ${role}`;
    case 'content-filter':
      return 'rephrase the task: the vendor\'s content filter blocked it';
    default:
      return `the vendor rejected the request itself; check the ${role} model and its options, and report it if it persists`;
  }
}

/**
 * The error that stops a chain on a permanent failure: it keeps the vendor's kind and status, and
 * its message names the candidate, says no fallback was tried and why, and what to fix.
 */
export function permanentFailure(error: ProviderError, candidate: ModelRef, role: Role, detail?: string): ProviderError {
  const reference = formatModelRef(candidate);
  const why = detail ?? 'a permanent error is not retried and does not fall back';
  return new ProviderError(`${reference} (${role}) failed: ${error.message}\nStopped: ${why}. To fix: ${fixFor(error.kind, candidate, role)}.`, {
    kind: error.kind,
    provider: error.provider,
    ...(error.model !== undefined ? { model: error.model } : {}),
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.vendorCode !== undefined ? { vendorCode: error.vendorCode } : {}),
    cause: error,
  });
}
