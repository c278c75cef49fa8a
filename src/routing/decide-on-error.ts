import { formatModelRef, type ModelRef } from '../model/model-ref.js';
import type { Role } from '../model/role.js';
import { kindLabel } from '../providers/classify-http-error.js';
import { ProviderError } from '../providers/provider-error.js';
import { permanentFailure } from './explain-permanent-error.js';
import { backoffDelayMs, type RetryPolicy } from './retry-policy.js';

/** What the chain does after a failed attempt. */
export type Decision = (
  | { action: 'stop'; error: Error }
  /** Send to the same candidate again after the wait; the chain pays one retry from its budget. */
  | { action: 'retry'; waitMs: number }
  | { action: 'switch' }
) & {
  /** "openai/gpt-4.1: rate limit (HTTP 429)", for the stream's switch event. */
  reason: string;
  /** Set: the failed candidate cools down until then (a store keeps the later of two deadlines). */
  coolUntilMs?: number;
  /** Set when the vendor asked for a longer cooldown than max_cooldown_s allows: says so. */
  cooldownNote?: string;
  /** Candidates this call must not try again (a context-length error rules out smaller windows). */
  exclude?: readonly ModelRef[];
};

export interface DecisionInput {
  role: Role;
  chain: readonly ModelRef[];
  policy: RetryPolicy;
  now: number;
  /** Jitter source for backoff, in [0, 1). */
  random: () => number;
  requestsSent: number;
  retriesUsed: number;
  excluded: ReadonlySet<string>;
  isCooling(candidate: ModelRef): boolean;
  contextWindowOf(candidate: ModelRef): number | undefined;
}

// A Retry-After of 0 must still move the chain on rather than straight back to the same model.
const MINIMUM_COOLDOWN_MS = 1_000;

/**
 * The one rule for a failure (DESIGN.md, Routing): permanent errors stop; a transient one retries
 * the same candidate only when no other is free and the budget allows, else cools it and moves on.
 */
export function decideOnError(candidate: ModelRef, error: unknown, input: DecisionInput): Decision {
  if (!(error instanceof ProviderError)) return { action: 'stop', error: error instanceof Error ? error : new Error(String(error)), reason: String(error) };
  const { policy, now } = input;
  const reason = `${formatModelRef(candidate)}: ${kindLabel(error.kind)}${error.status !== undefined ? ` (HTTP ${error.status})` : ''}${error.hint ? `: ${error.hint}` : ''}`;
  // The caller gave up: nothing to retry, and the model did nothing wrong.
  if (error.kind === 'aborted') return { action: 'stop', error, reason };
  if (error.kind === 'context-length') return decideContextLength(candidate, error, reason, input);
  if (!error.retryable) return { action: 'stop', error: permanentFailure(error, candidate, input.role), reason };

  const retryAfterMs = error.retryAfterMs;
  const otherFree = input.chain.some(
    (other) => formatModelRef(other) !== formatModelRef(candidate) && !input.excluded.has(formatModelRef(other)) && !input.isCooling(other),
  );
  const withinCap = retryAfterMs === undefined || retryAfterMs <= policy.maxRetryWaitMs;
  if (!otherFree && withinCap && input.retriesUsed < policy.retryBudget && input.requestsSent < policy.maxAttempts) {
    return {
      action: 'retry',
      // The current error's Retry-After, never an earlier one's (LiteLLM #20722).
      waitMs: retryAfterMs ?? backoffDelayMs(policy, input.retriesUsed + 1, input.random),
      reason,
      // The vendor said when it will take requests again: other processes should know at once,
      // even if this one waits it out on the same model.
      ...(retryAfterMs !== undefined ? cappedCooldown(now, retryAfterMs, policy) : {}),
    };
  }
  return { action: 'switch', reason, ...cappedCooldown(now, Math.max(MINIMUM_COOLDOWN_MS, retryAfterMs ?? policy.defaultCooldownMs), policy) };
}

/** A cooldown of `forMs` from now, never longer than max_cooldown_s; a capped one says what the vendor asked for. */
function cappedCooldown(now: number, forMs: number, policy: RetryPolicy): Pick<Decision, 'coolUntilMs' | 'cooldownNote'> {
  if (forMs <= policy.maxCooldownMs) return { coolUntilMs: now + forMs };
  return {
    coolUntilMs: now + policy.maxCooldownMs,
    cooldownNote: `the vendor asked for ${Math.ceil(forMs / 1000)} s; capped at max_cooldown_s = ${Math.round(policy.maxCooldownMs / 1000)} s`,
  };
}

/** Moves on only to candidates whose window is known to be larger; never cools anything down. */
function decideContextLength(candidate: ModelRef, error: ProviderError, reason: string, input: DecisionInput): Decision {
  const window = input.contextWindowOf(candidate);
  const exclude = input.chain.filter((other) => {
    const otherWindow = input.contextWindowOf(other);
    return window === undefined || otherWindow === undefined || otherWindow <= window;
  });
  const larger = input.chain.filter((other) => !input.excluded.has(formatModelRef(other)) && !exclude.includes(other));
  if (larger.length > 0) return { action: 'switch', reason, exclude };
  const size = window === undefined ? 'its window is unknown' : `${window} tokens`;
  return {
    action: 'stop',
    error: permanentFailure(error, candidate, input.role, `no other candidate has a known context window larger than ${formatModelRef(candidate)}'s (${size})`),
    reason,
    exclude,
  };
}
