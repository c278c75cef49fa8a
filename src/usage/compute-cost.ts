import type { Usage } from '../model/usage.js';
import type { ModelPrice, PerMillionRate } from './find-model-price.js';

/**
 * Anthropic's published cache multipliers of the base input price, for a price that lacks its
 * own cache rates (a `[pricing]` override with input and output only, or a catalog gap).
 * The adapter asks for the default 5-minute cache, so writes are 5-minute writes; 1-hour writes
 * (2x input) would need the adapter to report them apart, which it does not.
 */
export const ANTHROPIC_CACHE_MULTIPLIERS = { read: 0.1, fiveMinuteWrite: 1.25, oneHourWrite: 2 } as const;

export interface CallCost {
  /** What the call cost. */
  costUsd: number;
  /** Cache reads priced at the input rate minus what they cost: what caching saved. */
  cacheSavedUsd: number;
  /** Cache writes' cost above the input rate (Anthropic bills writes at 1.25x): caching's price. */
  cacheWritePremiumUsd: number;
}

/** The per-million rates one call is billed at, tiers resolved for its prompt size. */
export interface CallRates {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * USD for one call: input × input rate + output × output rate + cache reads × cache-read rate +
 * cache writes × cache-write rate (Usage's input excludes both cache counts, so nothing is
 * billed twice).
 */
export function computeCost(usage: Usage, price: ModelPrice): CallCost {
  const rates = callRates(usage, price);
  const costUsd =
    (usage.inputTokens * rates.input +
      usage.outputTokens * rates.output +
      usage.cacheReadTokens * rates.cacheRead +
      usage.cacheWriteTokens * rates.cacheWrite) /
    1_000_000;
  return {
    costUsd,
    cacheSavedUsd: (usage.cacheReadTokens * (rates.input - rates.cacheRead)) / 1_000_000,
    cacheWritePremiumUsd: (usage.cacheWriteTokens * (rates.cacheWrite - rates.input)) / 1_000_000,
  };
}

export function callRates(usage: Usage, price: ModelPrice): CallRates {
  // Long-context tiers look at the whole prompt, cached parts included.
  const promptTokens = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  const input = resolveRate(price.input, promptTokens);
  const output = resolveRate(price.output, promptTokens);
  // Without a cached-input price, a non-Anthropic vendor has published no discount: cached
  // tokens are billed as input (OpenAI-style caching has no write surcharge either).
  const cacheRead =
    price.cacheRead !== undefined
      ? resolveRate(price.cacheRead, promptTokens)
      : price.anthropicCaching
        ? input * ANTHROPIC_CACHE_MULTIPLIERS.read
        : input;
  const cacheWrite =
    price.cacheWrite !== undefined
      ? resolveRate(price.cacheWrite, promptTokens)
      : price.anthropicCaching
        ? input * ANTHROPIC_CACHE_MULTIPLIERS.fiveMinuteWrite
        : input;
  return { input, output, cacheRead, cacheWrite };
}

function resolveRate(rate: PerMillionRate, promptTokens: number): number {
  if (typeof rate === 'number') return rate;
  let resolved = rate.base;
  for (const tier of rate.tiers) if (promptTokens > tier.start) resolved = tier.price;
  return resolved;
}
