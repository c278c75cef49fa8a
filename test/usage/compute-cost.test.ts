import { describe, expect, it } from 'vitest';
import type { Usage } from '../../src/model/usage.js';
import { computeCost } from '../../src/usage/compute-cost.js';
import type { ModelPrice } from '../../src/usage/find-model-price.js';

function usage(inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0): Usage {
  return { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens };
}

// Prices in USD per million tokens; every expected figure below is worked out by hand.
const OPENAI_LIKE: ModelPrice = { input: 2, output: 8, cacheRead: 0.5, anthropicCaching: false, source: 'catalog' };
const ANTHROPIC_LIKE: ModelPrice = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, anthropicCaching: true, source: 'catalog' };

describe('a call costs input, output, cache reads and cache writes at their own prices', () => {
  it('OpenAI-style: cached input at the cached-input price', () => {
    // 1000×2 + 500×8 + 200×0.5 = 6100 per million
    const cost = computeCost(usage(1000, 500, 200), OPENAI_LIKE);
    expect(cost.costUsd).toBeCloseTo(0.0061, 12);
    // 200 × (2 − 0.5) = 300 per million
    expect(cost.cacheSavedUsd).toBeCloseTo(0.0003, 12);
    expect(cost.cacheWritePremiumUsd).toBe(0);
  });

  it('Anthropic-style: cache writes above input, cache reads far below it', () => {
    // 100×3 + 50×15 + 2000×0.3 + 1000×3.75 = 300 + 750 + 600 + 3750 = 5400 per million
    const cost = computeCost(usage(100, 50, 2000, 1000), ANTHROPIC_LIKE);
    expect(cost.costUsd).toBeCloseTo(0.0054, 12);
    // reads: 2000 × (3 − 0.3) = 5400; writes: 1000 × (3.75 − 3) = 750
    expect(cost.cacheSavedUsd).toBeCloseTo(0.0054, 12);
    expect(cost.cacheWritePremiumUsd).toBeCloseTo(0.00075, 12);
  });

  it('nothing used costs nothing', () => {
    expect(computeCost(usage(0, 0), ANTHROPIC_LIKE).costUsd).toBe(0);
  });
});

describe('a price without cache rates', () => {
  it('Claude models get Anthropic multipliers: reads 0.1x input, 5-minute writes 1.25x', () => {
    const price: ModelPrice = { input: 10, output: 20, anthropicCaching: true, source: 'config' };
    // 100×10 + 10×20 + 1000×1 + 400×12.5 = 1000 + 200 + 1000 + 5000 = 7200 per million
    expect(computeCost(usage(100, 10, 1000, 400), price).costUsd).toBeCloseTo(0.0072, 12);
  });

  it('other vendors published no discount: cached tokens are billed as input', () => {
    const price: ModelPrice = { input: 1, output: 2, anthropicCaching: false, source: 'config' };
    // 1000×1 + 500×2 + 200×1 = 2200 per million; nothing saved
    const cost = computeCost(usage(1000, 500, 200), price);
    expect(cost.costUsd).toBeCloseTo(0.0022, 12);
    expect(cost.cacheSavedUsd).toBe(0);
  });
});

describe('long-context tiers reprice the whole call once the prompt passes the threshold', () => {
  const tiered: ModelPrice = {
    input: { base: 3, tiers: [{ start: 200_000, price: 6 }] },
    output: { base: 15, tiers: [{ start: 200_000, price: 22.5 }] },
    cacheRead: { base: 0.3, tiers: [{ start: 200_000, price: 0.6 }] },
    anthropicCaching: true,
    source: 'catalog',
  };

  it('a prompt at the threshold pays the base rates', () => {
    // 200000×3 + 1000×15 = 615000 per million
    expect(computeCost(usage(200_000, 1000), tiered).costUsd).toBeCloseTo(0.615, 12);
  });

  it('cached tokens count towards the prompt size', () => {
    // prompt = 150000 + 60000 = 210000 > 200000: 150000×6 + 1000×22.5 + 60000×0.6 = 900000 + 22500 + 36000
    expect(computeCost(usage(150_000, 1000, 60_000), tiered).costUsd).toBeCloseTo(0.9585, 12);
  });
});
