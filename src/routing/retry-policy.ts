import type { RoutingConfig } from '../config/config-schema.js';
import { DEFAULT_IDLE_TIMEOUT_MS } from '../providers/call-deadline.js';

/** How hard one gateway call tries before it gives up: the `[routing]` table, in milliseconds. */
export interface RetryPolicy {
  /** Requests sent in one call, over every candidate and retry together. */
  maxAttempts: number;
  /** Retries of an already-tried candidate (and waits for a cooling chain) in one call, for the whole chain. */
  retryBudget: number;
  /** The longest Retry-After honoured by waiting; a longer one cools the candidate down instead. */
  maxRetryWaitMs: number;
  /** Cooldown when the vendor gave no Retry-After. */
  defaultCooldownMs: number;
  /** No cooldown is longer, whatever the vendor asked for (a Retry-After of a day is capped). */
  maxCooldownMs: number;
  /** With every candidate cooling, wait for the earliest deadline only when it is this close. */
  maxAllCoolingWaitMs: number;
  /** Milliseconds without a byte before a call counts as a timeout. */
  idleTimeoutMs: number;
  /** First backoff step when no Retry-After was given; doubles with each retry, then jittered. */
  backoffBaseMs: number;
  /** Backoff never grows beyond this. */
  maxBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  retryBudget: 2,
  maxRetryWaitMs: 30_000,
  defaultCooldownMs: 60_000,
  maxCooldownMs: 900_000,
  maxAllCoolingWaitMs: 30_000,
  idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS,
  backoffBaseMs: 1_000,
  maxBackoffMs: 30_000,
};

/** The `[routing]` config table over the defaults. */
export function retryPolicyFromConfig(routing: RoutingConfig | undefined): RetryPolicy {
  const seconds = (value: number | undefined, fallback: number): number => (value === undefined ? fallback : Math.round(value * 1000));
  return {
    ...DEFAULT_RETRY_POLICY,
    maxAttempts: routing?.max_attempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    retryBudget: routing?.retry_budget ?? DEFAULT_RETRY_POLICY.retryBudget,
    maxRetryWaitMs: seconds(routing?.max_retry_wait_s, DEFAULT_RETRY_POLICY.maxRetryWaitMs),
    defaultCooldownMs: seconds(routing?.default_cooldown_s, DEFAULT_RETRY_POLICY.defaultCooldownMs),
    maxCooldownMs: seconds(routing?.max_cooldown_s, DEFAULT_RETRY_POLICY.maxCooldownMs),
    maxAllCoolingWaitMs: seconds(routing?.max_all_cooling_wait_s, DEFAULT_RETRY_POLICY.maxAllCoolingWaitMs),
    idleTimeoutMs: seconds(routing?.idle_timeout_s, DEFAULT_RETRY_POLICY.idleTimeoutMs),
  };
}

/**
 * Exponential backoff with equal jitter: half of the step is fixed, half random, so retries from
 * many processes spread out without ever collapsing to an immediate retry.
 */
export function backoffDelayMs(policy: RetryPolicy, retryNumber: number, random: () => number): number {
  const step = Math.min(policy.maxBackoffMs, policy.backoffBaseMs * 2 ** Math.max(0, retryNumber - 1));
  return Math.round(step / 2 + (step / 2) * random());
}
