import type { TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import type { Usage } from '../../model/usage.js';

/**
 * Converse usage as ours. Bedrock reports it as Anthropic does: `inputTokens` excludes the prompt
 * cache's reads and writes, which are reported beside it, so each field maps straight across.
 */
export function convertBedrockUsage(usage: TokenUsage | undefined): Usage {
  return {
    inputTokens: count(usage?.inputTokens),
    outputTokens: count(usage?.outputTokens),
    cacheReadTokens: count(usage?.cacheReadInputTokens),
    cacheWriteTokens: count(usage?.cacheWriteInputTokens),
  };
}

function count(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
