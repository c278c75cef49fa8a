import type { Usage } from '../../model/usage.js';

/** The usage fields of a Gemini reply (`usageMetadata`). */
export interface GoogleUsageFields {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
}

/**
 * Gemini's usage as ours. `promptTokenCount` includes the cached tokens, so they are subtracted
 * to leave the part billed at the full price. Thinking tokens are billed as output but reported
 * beside `candidatesTokenCount`, not inside it: they are added to outputTokens (our Usage counts
 * reasoning inside the output) and reported again as reasoningTokens. Gemini never bills cache
 * writes per call (explicit caches are paid by storage time).
 */
export function convertGoogleUsage(usage: GoogleUsageFields | undefined): Usage {
  const prompt = count(usage?.promptTokenCount) + count(usage?.toolUsePromptTokenCount);
  const cached = Math.min(count(usage?.cachedContentTokenCount), prompt);
  const thoughts = count(usage?.thoughtsTokenCount);
  const result: Usage = {
    inputTokens: prompt - cached,
    outputTokens: count(usage?.candidatesTokenCount) + thoughts,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
  };
  if (usage?.thoughtsTokenCount !== undefined) result.reasoningTokens = thoughts;
  return result;
}

function count(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
