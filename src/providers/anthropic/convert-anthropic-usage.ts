import type { Usage } from '../../model/usage.js';

/** The usage fields Anthropic reports, in message bodies, message_start and message_delta alike. */
export interface AnthropicUsageFields {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/**
 * Anthropic's usage as ours. Anthropic already reports `input_tokens` without the cached part,
 * which is exactly our `inputTokens`; the cache fields may be null or absent.
 */
export function convertAnthropicUsage(usage: AnthropicUsageFields | null | undefined): Usage {
  const result: Usage = {
    inputTokens: usage?.input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    cacheReadTokens: usage?.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage?.cache_creation_input_tokens ?? 0,
  };
  const thinkingTokens = usage?.output_tokens_details?.thinking_tokens;
  if (typeof thinkingTokens === 'number') result.reasoningTokens = thinkingTokens;
  return result;
}

/**
 * A stream reports usage twice: message_start carries the input and cache counts (and a
 * placeholder output count), message_delta the final, cumulative counts. Fields the later report
 * leaves null keep the earlier value.
 */
export function mergeAnthropicUsage(
  earlier: AnthropicUsageFields | null | undefined,
  later: AnthropicUsageFields | null | undefined,
): AnthropicUsageFields {
  const merged: AnthropicUsageFields = { ...earlier };
  if (!later) return merged;
  for (const key of ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const) {
    const value = later[key];
    if (value !== null && value !== undefined) merged[key] = value;
  }
  if (later.output_tokens_details) merged.output_tokens_details = later.output_tokens_details;
  return merged;
}
