import type { CompletionUsage } from 'openai/resources/completions';
import type { Usage } from '../../model/usage.js';

/**
 * Chat Completions usage → our Usage. OpenAI counts cached prompt tokens inside `prompt_tokens`;
 * our `inputTokens` holds only the tokens billed at the full price, so the cached ones are
 * subtracted and reported as cache reads. OpenAI caches implicitly and never bills cache writes.
 * Reasoning tokens are already part of `completion_tokens`; they are reported beside it.
 */
export function convertOpenAIUsage(usage: CompletionUsage): Usage {
  const promptTokens = numberOrZero(usage.prompt_tokens);
  // Clamped: a compatible server that reports more cached than prompt tokens must not make
  // inputTokens negative (and with it a negative cost).
  const cachedTokens = Math.min(numberOrZero(usage.prompt_tokens_details?.cached_tokens), promptTokens);
  const result: Usage = {
    inputTokens: promptTokens - cachedTokens,
    outputTokens: numberOrZero(usage.completion_tokens),
    cacheReadTokens: cachedTokens,
    cacheWriteTokens: 0,
  };
  const reasoningTokens = usage.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoningTokens === 'number' && Number.isFinite(reasoningTokens)) result.reasoningTokens = reasoningTokens;
  return result;
}

function numberOrZero(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
