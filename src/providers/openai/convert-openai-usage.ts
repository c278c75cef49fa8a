import type { CompletionUsage } from 'openai/resources/completions';
import type { Usage } from '../../model/usage.js';

/**
 * Chat Completions usage → our Usage. OpenAI counts cached prompt tokens inside `prompt_tokens`;
 * our `inputTokens` holds only the tokens billed at the full price, so the cached ones are
 * subtracted and reported as cache reads. OpenAI caches implicitly and never bills cache writes.
 *
 * Reasoning: OpenAI counts reasoning tokens inside `completion_tokens`. xAI counts them outside
 * (`reasoningOutsideCompletion`): its output is completion + reasoning, which is what it bills
 * and what makes its `total_tokens` add up.
 */
export function convertOpenAIUsage(usage: CompletionUsage, options: { reasoningOutsideCompletion?: boolean } = {}): Usage {
  const promptTokens = numberOrZero(usage.prompt_tokens);
  // Clamped: a compatible server that reports more cached than prompt tokens must not make
  // inputTokens negative (and with it a negative cost).
  const cachedTokens = Math.min(numberOrZero(usage.prompt_tokens_details?.cached_tokens), promptTokens);
  const completionTokens = numberOrZero(usage.completion_tokens);
  const rawReasoning = usage.completion_tokens_details?.reasoning_tokens;
  const reasoningTokens = typeof rawReasoning === 'number' && Number.isFinite(rawReasoning) && rawReasoning > 0 ? rawReasoning : undefined;
  const outputTokens = options.reasoningOutsideCompletion ? completionTokens + (reasoningTokens ?? 0) : completionTokens;
  const result: Usage = {
    inputTokens: promptTokens - cachedTokens,
    outputTokens,
    cacheReadTokens: cachedTokens,
    cacheWriteTokens: 0,
  };
  // Reasoning is part of output: a server whose count says otherwise is clamped, not believed.
  if (typeof rawReasoning === 'number' && Number.isFinite(rawReasoning)) result.reasoningTokens = Math.min(Math.max(0, rawReasoning), outputTokens);
  return result;
}

function numberOrZero(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
