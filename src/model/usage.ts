/**
 * Token usage of one model call, normalised across vendors.
 *
 * The three input fields do not overlap: `inputTokens` counts only prompt tokens billed at the
 * full input price. Anthropic already reports it that way; for OpenAI-style usage the adapter
 * subtracts `prompt_tokens_details.cached_tokens` from `prompt_tokens`. The whole prompt is
 * `inputTokens + cacheReadTokens + cacheWriteTokens`.
 */
export interface Usage {
  /** Prompt tokens billed at the full input price (excluding cache reads and writes). */
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from the vendor's prompt cache. */
  cacheReadTokens: number;
  /** Prompt tokens written to the vendor's prompt cache (Anthropic bills these above input). */
  cacheWriteTokens: number;
  /** Reasoning tokens, where the vendor reports them; already counted in outputTokens. */
  reasoningTokens?: number;
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
}

export function addUsage(total: Usage, more: Usage): Usage {
  const sum: Usage = {
    inputTokens: total.inputTokens + more.inputTokens,
    outputTokens: total.outputTokens + more.outputTokens,
    cacheReadTokens: total.cacheReadTokens + more.cacheReadTokens,
    cacheWriteTokens: total.cacheWriteTokens + more.cacheWriteTokens,
  };
  if (total.reasoningTokens !== undefined || more.reasoningTokens !== undefined) {
    sum.reasoningTokens = (total.reasoningTokens ?? 0) + (more.reasoningTokens ?? 0);
  }
  return sum;
}
