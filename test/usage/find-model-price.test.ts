import { describe, expect, it } from 'vitest';
import { computeCost } from '../../src/usage/compute-cost.js';
import { findModelPrice, type ModelPrice } from '../../src/usage/find-model-price.js';

function priceOf(provider: string, model: string, options: Parameters<typeof findModelPrice>[1] = {}): ModelPrice {
  const lookup = findModelPrice({ provider, model }, options);
  if (!lookup.known) throw new Error(`expected a known price for ${provider}/${model}`);
  return lookup.price;
}

describe('prices come from the catalog for every major vendor', () => {
  it.each([
    ['anthropic', 'claude-sonnet-4-5'],
    ['openai', 'gpt-4.1'],
    ['google', 'gemini-2.5-pro'],
    ['bedrock', 'anthropic.claude-sonnet-4-20250514'],
    ['groq', 'llama-3.3-70b-versatile'],
    ['deepseek', 'deepseek-chat'],
    ['xai', 'grok-4-0709'],
    ['moonshot', 'kimi-k2.5'],
    ['kimi', 'kimi-k2.5'],
    ['together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo'],
  ])('%s/%s is known', (provider, model) => {
    const price = priceOf(provider, model);
    expect(price.source).toBe('catalog');
    expect(computeCost({ inputTokens: 1_000_000, outputTokens: 1_000_000, cacheReadTokens: 0, cacheWriteTokens: 0 }, price).costUsd).toBeGreaterThan(0);
  });

  // Published list prices of long-lived models; a catalog update that moves them deserves a look.
  it('gpt-4.1: $2 input, $8 output, $0.50 cached input per million', () => {
    expect(priceOf('openai', 'gpt-4.1')).toMatchObject({ input: 2, output: 8, cacheRead: 0.5, anthropicCaching: false });
  });

  it('Claude on Bedrock is priced with Anthropic cache rates', () => {
    const price = priceOf('bedrock', 'anthropic.claude-sonnet-4-20250514');
    expect(price).toMatchObject({ input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, anthropicCaching: true });
  });

  it('a dated snapshot name finds its model', () => {
    expect(priceOf('anthropic', 'claude-sonnet-4-20250514').catalogModel).toBe('claude-sonnet-4-0');
  });

  it('the model the vendor says served the call is priced first', () => {
    // openrouter/auto routes anywhere: only the served model has a price.
    expect(findModelPrice({ provider: 'openrouter', model: 'auto' }).known).toBe(false);
    expect(priceOf('openrouter', 'auto', { responseModel: 'openai/gpt-4o' }).source).toBe('catalog');
  });
});

describe('[pricing."provider/model"] in config beats the catalog', () => {
  it('overrides a catalog price', () => {
    const price = priceOf('openai', 'gpt-4.1', { pricing: { 'openai/gpt-4.1': { input: 1, output: 2, cache_read: 0.25 } } });
    expect(price).toMatchObject({ input: 1, output: 2, cacheRead: 0.25, source: 'config' });
  });

  it('prices a model the catalog does not know', () => {
    const price = priceOf('openai', 'in-house-model', { pricing: { 'openai/in-house-model': { input: 4, output: 5 } } });
    expect(price).toMatchObject({ input: 4, output: 5, source: 'config' });
    expect(price.cacheRead).toBeUndefined();
  });

  it('a Claude override without cache rates falls back to the Anthropic multipliers', () => {
    const price = priceOf('anthropic', 'claude-custom', { pricing: { 'anthropic/claude-custom': { input: 10, output: 20 } } });
    expect(price.anthropicCaching).toBe(true);
  });
});

describe('an unknown price stays unknown, never guessed', () => {
  it.each([
    ['openai', 'no-such-model-anywhere'],
    ['my-endpoint', 'llama3.3'],
    ['openrouter', 'auto'],
  ])('%s/%s', (provider, model) => {
    expect(findModelPrice({ provider, model })).toEqual({ known: false });
  });
});

describe('subscriptions and local models cost nothing per call', () => {
  it.each([
    ['github-copilot', 'gpt-4.1', 'subscription'],
    ['openai-codex', 'gpt-5', 'subscription'],
    ['chatgpt', 'gpt-5', 'subscription'],
    ['ollama', 'llama3.3', 'local'],
  ])('%s/%s is known and free', (provider, model, source) => {
    const price = priceOf(provider, model);
    expect(price.source).toBe(source);
    expect(computeCost({ inputTokens: 5000, outputTokens: 5000, cacheReadTokens: 5000, cacheWriteTokens: 5000 }, price).costUsd).toBe(0);
  });

  it("unless config prices them: the user's own figure wins (Ollama on a rented GPU)", () => {
    const price = priceOf('ollama', 'llama3.3', { pricing: { 'ollama/llama3.3': { input: 1, output: 1 } } });
    expect(price).toMatchObject({ input: 1, output: 1, source: 'config' });
  });
});
