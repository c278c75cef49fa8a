import type { ResponseUsage } from 'openai/resources/responses/responses';
import type { Usage } from '../../model/usage.js';

/** Responses API usage → ours: `input_tokens` includes the cached ones, as in Chat Completions. */
export function convertResponsesUsage(usage: ResponseUsage): Usage {
  const cached = usage.input_tokens_details?.cached_tokens ?? 0;
  const reasoning = usage.output_tokens_details?.reasoning_tokens;
  return {
    inputTokens: Math.max(0, usage.input_tokens - cached),
    outputTokens: usage.output_tokens,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    ...(reasoning !== undefined ? { reasoningTokens: reasoning } : {}),
  };
}
