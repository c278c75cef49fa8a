import type { Usage } from '../../model/usage.js';

export interface OllamaUsageFields {
  prompt_eval_count?: number;
  eval_count?: number;
}

/**
 * Ollama counts in `prompt_eval_count` (prompt tokens evaluated) and `eval_count` (tokens
 * generated). It omits `prompt_eval_count` when the whole prompt came from its KV cache; that is
 * a local cache with no price, so it counts as zero input rather than as a cache read.
 */
export function convertOllamaUsage(fields: OllamaUsageFields): Usage {
  return {
    inputTokens: count(fields.prompt_eval_count),
    outputTokens: count(fields.eval_count),
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
