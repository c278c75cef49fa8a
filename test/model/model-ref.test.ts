import { describe, expect, it } from 'vitest';
import { formatModelRef, ModelRefError, parseModelRef } from '../../src/model/model-ref.js';

const PROVIDERS = ['anthropic', 'openai', 'google', 'ollama', 'bedrock', 'together', 'openrouter', 'xai'];

describe('a model reference is provider/model, split at the first slash only', () => {
  it.each([
    ['openai/gpt-4.1', 'openai', 'gpt-4.1'],
    ['together/meta-llama/Llama-3.3-70B-Instruct-Turbo', 'together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo'],
    ['bedrock/anthropic.claude-sonnet-4-20250514', 'bedrock', 'anthropic.claude-sonnet-4-20250514'],
    ['openrouter/auto', 'openrouter', 'auto'],
    ['ollama/llama3.3', 'ollama', 'llama3.3'],
    ['  OpenAI/gpt-4.1  ', 'openai', 'gpt-4.1'],
  ])('%s → %s + %s', (text, provider, model) => {
    expect(parseModelRef(text, PROVIDERS)).toEqual({ provider, model });
  });

  it('formats back to the same text', () => {
    const text = 'together/meta-llama/Llama-3.3-70B-Instruct-Turbo';
    expect(formatModelRef(parseModelRef(text, PROVIDERS))).toBe(text);
  });
});

describe('a reference without a usable provider gets a helpful error', () => {
  it('lists the providers and suggests the vendor of a bare model name', () => {
    expect(() => parseModelRef('gpt-4.1', PROVIDERS)).toThrow(ModelRefError);
    expect(() => parseModelRef('gpt-4.1', PROVIDERS)).toThrow(/Did you mean "openai\/gpt-4.1"\?.*Providers: anthropic, openai/s);
    expect(() => parseModelRef('claude-sonnet-4-5', PROVIDERS)).toThrow(/Did you mean "anthropic\/claude-sonnet-4-5"/);
  });

  it('suggests the closest provider for a misspelt one', () => {
    expect(() => parseModelRef('opneai/gpt-4.1', PROVIDERS)).toThrow(/Unknown provider "opneai".*Did you mean "openai\/gpt-4.1"/s);
    expect(() => parseModelRef('antropic/claude-sonnet-4-5', PROVIDERS)).toThrow(/Did you mean "anthropic\/claude-sonnet-4-5"/);
  });

  it('rejects an empty model or provider', () => {
    expect(() => parseModelRef('openai/', PROVIDERS)).toThrow(/must be "provider\/model"/);
    expect(() => parseModelRef('/gpt-4.1', PROVIDERS)).toThrow(/must be "provider\/model"/);
  });

  it('makes no suggestion when nothing is close', () => {
    const message = (() => {
      try {
        parseModelRef('zzzzzz/q', PROVIDERS);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).not.toMatch(/Did you mean/);
    expect(message).toMatch(/Providers: /);
  });
});
