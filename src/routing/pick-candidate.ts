import { formatModelRef, type ModelRef } from '../model/model-ref.js';
import type { Role } from '../model/role.js';
import { ProviderError } from '../providers/provider-error.js';
import type { Cooldown } from './cooldown-store.js';
import type { RetryPolicy } from './retry-policy.js';

/** What the chain does next when it needs a candidate. */
export type Pick =
  | { kind: 'send'; candidate: ModelRef }
  /** Every usable candidate is cooling; the earliest is free again after this wait, paid from the retry budget. */
  | { kind: 'wait'; waitMs: number }
  | { kind: 'exhausted'; reason: string }
  /** Nothing could ever be sent (no chain, or no candidate could be created): the setup error says more. */
  | { kind: 'setup-error'; error: ProviderError };

export interface PickInput {
  role: Role;
  chain: readonly ModelRef[];
  policy: RetryPolicy;
  now: number;
  /** Candidates this call will not try again: no provider (missing key) or too small a window. */
  excluded: ReadonlySet<string>;
  /** Why each candidate that could not be created failed. */
  unavailable: ReadonlyMap<string, ProviderError>;
  requestsSent: number;
  retriesUsed: number;
  cooldownOf(candidate: ModelRef): Cooldown | undefined;
  triedInThisCall(candidate: ModelRef): boolean;
  /** Told of each cooling candidate passed over. */
  onSkip(candidate: ModelRef, cooldown: Cooldown): void;
}

/** The first usable candidate in chain order that is not cooling, or why there is none now. */
export function pickCandidate(input: PickInput): Pick {
  const { chain, policy, now } = input;
  if (chain.length === 0) {
    return { kind: 'setup-error', error: new ProviderError(`No model is configured for the ${input.role} role.`, { kind: 'invalid-request', provider: 'none' }) };
  }
  const usable = chain.filter((candidate) => !input.excluded.has(formatModelRef(candidate)));
  if (usable.length === 0) {
    if (input.unavailable.size === chain.length) return { kind: 'setup-error', error: [...input.unavailable.values()][0]! };
    return { kind: 'exhausted', reason: 'no candidate is left to try' };
  }
  if (input.requestsSent >= policy.maxAttempts) return { kind: 'exhausted', reason: `the limit of ${policy.maxAttempts} attempts (max_attempts) was reached` };
  let earliest: Cooldown | undefined;
  for (const candidate of usable) {
    const cooldown = input.cooldownOf(candidate);
    if (!cooldown || cooldown.untilMs <= now) return { kind: 'send', candidate };
    input.onSkip(candidate, cooldown);
    if (!earliest || cooldown.untilMs < earliest.untilMs) earliest = cooldown;
  }
  const waitMs = earliest!.untilMs - now;
  // Cooling because of what happened in this very call reads better as "failed".
  const state = usable.every((candidate) => input.triedInThisCall(candidate)) ? 'failed and is cooling down' : 'is cooling down';
  if (waitMs > policy.maxAllCoolingWaitMs) {
    return { kind: 'exhausted', reason: `every candidate ${state}, the first for another ${Math.ceil(waitMs / 1000)} s (more than max_all_cooling_wait_s)` };
  }
  if (input.retriesUsed >= policy.retryBudget) return { kind: 'exhausted', reason: `every candidate ${state} and the retry budget (retry_budget) is spent` };
  return { kind: 'wait', waitMs };
}
