import type { ModelRef } from '../model/model-ref.js';

/**
 * Context windows (input tokens) of common models, by model-id prefix, longest prefix first.
 *
 * Why a table and not `provider.models()`: the context-length fallback decides in the middle of a
 * failing call, and a listing is another request to a vendor that may be the one in trouble (and
 * OpenAI's listing has no window at all). An unknown window is never assumed to be larger.
 */
const WINDOWS: ReadonlyArray<[string, number]> = [
  ['gpt-4.1', 1_047_576],
  ['gpt-5', 400_000],
  ['gpt-4o', 128_000],
  ['o3', 200_000],
  ['o4-mini', 200_000],
  ['claude-', 200_000],
  ['anthropic.claude-', 200_000],
  ['gemini-2.5', 1_048_576],
  ['gemini-', 1_048_576],
  ['deepseek-', 128_000],
  ['llama-3.3', 128_000],
  ['llama3.3', 128_000],
  ['meta.llama3-3', 128_000],
  ['amazon.nova-pro', 300_000],
  ['grok-4', 256_000],
  ['kimi-k2', 256_000],
];

const SORTED = [...WINDOWS].sort(([left], [right]) => right.length - left.length);

export function knownContextWindow(candidate: ModelRef): number | undefined {
  const model = candidate.model.toLowerCase();
  return SORTED.find(([prefix]) => model.startsWith(prefix))?.[1];
}
