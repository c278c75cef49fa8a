import type { AttemptRecord } from '../model/attempt-record.js';
import { computeCost, type CallCost } from './compute-cost.js';
import { findModelPrice, type PriceSource, type PricingOverrides } from './find-model-price.js';

export interface AttemptCost extends CallCost {
  source: PriceSource;
}

/**
 * What one gateway attempt cost: undefined when it reported no usage or its price is unknown.
 * The price is looked up at the time the call ended (the catalog holds dated price changes).
 */
export function priceAttempt(attempt: AttemptRecord, pricing?: PricingOverrides): AttemptCost | undefined {
  if (!attempt.usage) return undefined;
  const lookup = findModelPrice(attempt.candidate, {
    ...(pricing ? { pricing } : {}),
    ...(attempt.responseModel ? { responseModel: attempt.responseModel } : {}),
    at: new Date(attempt.startedAt + attempt.durationMs),
  });
  if (!lookup.known) return undefined;
  return { ...computeCost(attempt.usage, lookup.price), source: lookup.price.source };
}

/** The engine's cost budget wants USD or undefined (unknown) per attempt: this is that function. */
export function attemptPricer(pricing?: PricingOverrides): (attempt: AttemptRecord) => number | undefined {
  return (attempt) => priceAttempt(attempt, pricing)?.costUsd;
}
