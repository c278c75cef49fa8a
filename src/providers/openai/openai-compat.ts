/**
 * What one OpenAI-compatible server takes and how it counts, as pi-mono's
 * `OpenAICompletionsCompat` describes its vendors: the Chat Completions wire is shared, but not
 * every server takes every parameter, and not every server counts tokens the same way.
 */
export interface OpenAICompat {
  /** Takes `stream_options: {include_usage: true}`; else the option is not sent. */
  streamUsageOption: boolean;
  /** The name of the output limit: OpenAI's current `max_completion_tokens` or the older `max_tokens`. */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** Takes `reasoning_effort` (OpenAI o-series and gpt-5, Groq, xAI mini models). */
  reasoningEffort: boolean;
  /** Takes `prompt_cache_key` (OpenAI only). */
  promptCacheKey: boolean;
  /**
   * `completion_tokens` excludes reasoning tokens, which are billed as output on top (xAI: its
   * totals prove it, prompt + completion + reasoning = total). Elsewhere reasoning is inside.
   */
  reasoningOutsideCompletion: boolean;
  /**
   * An assistant turn that called tools must carry its `reasoning_content` back (DeepSeek's
   * thinking mode answers 400 otherwise; Moonshot's thinking models want it kept too).
   */
  reasoningContentBack: boolean;
}

const OPENAI: OpenAICompat = {
  streamUsageOption: true,
  maxTokensField: 'max_completion_tokens',
  reasoningEffort: true,
  promptCacheKey: true,
  reasoningOutsideCompletion: false,
  reasoningContentBack: false,
};

/**
 * A server we know nothing about (a custom `[providers.<id>]`, vLLM, llama.cpp, LM Studio,
 * Ollama's /v1): the widely implemented subset. `max_tokens` is what every one of them takes;
 * `stream_options` is taken by vLLM, Ollama, LM Studio and llama.cpp, and ignored elsewhere.
 */
export const GENERIC_COMPAT: OpenAICompat = {
  streamUsageOption: true,
  maxTokensField: 'max_tokens',
  reasoningEffort: false,
  promptCacheKey: false,
  reasoningOutsideCompletion: false,
  reasoningContentBack: false,
};

/** The vendors of the compatible table (provider-catalog.ts) that differ from the generic subset. */
const VENDOR_COMPAT: Readonly<Record<string, OpenAICompat>> = {
  openai: OPENAI,
  'github-models': { ...OPENAI, promptCacheKey: false },
  groq: { ...GENERIC_COMPAT, maxTokensField: 'max_completion_tokens', reasoningEffort: true },
  // OpenRouter and Together always send usage on the last chunk and document no stream_options.
  openrouter: { ...GENERIC_COMPAT, streamUsageOption: false },
  together: { ...GENERIC_COMPAT, streamUsageOption: false },
  deepseek: { ...GENERIC_COMPAT, reasoningContentBack: true },
  moonshot: { ...GENERIC_COMPAT, reasoningContentBack: true },
  minimax: { ...GENERIC_COMPAT },
  xai: { ...GENERIC_COMPAT, maxTokensField: 'max_completion_tokens', reasoningEffort: true, reasoningOutsideCompletion: true },
};

/** The flags of a provider id; an unknown id (a custom endpoint) gets the generic subset. */
export function openaiCompatFor(providerId: string): OpenAICompat {
  return VENDOR_COMPAT[providerId] ?? GENERIC_COMPAT;
}
