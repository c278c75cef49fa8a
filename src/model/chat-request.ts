import type { Message } from './message.js';
import type { ToolDefinition } from './tool-definition.js';

/**
 * Reasoning asked of a model that takes a parameter for it (`[models.options]`). Each adapter sends
 * what its vendor takes (OpenAI `reasoning_effort`, Anthropic `thinking.budget_tokens`, Gemini
 * `thinkingConfig`, Bedrock `additionalModelRequestFields.thinking`) and warns about the rest.
 */
export interface ReasoningSettings {
  effort?: 'minimal' | 'low' | 'medium' | 'high';
  /** Tokens the model may spend thinking (Anthropic, Gemini, Bedrock Claude). */
  budgetTokens?: number;
}

export interface ChatRequest {
  /** The model id within its provider (the part after `provider/`). */
  model: string;
  messages: Message[];
  tools?: ToolDefinition[];
  maxOutputTokens?: number;
  temperature?: number;
  reasoning?: ReasoningSettings;
  /**
   * Messages before this index form a stable prefix (soul, skills, instructions) that providers
   * with prompt caching may mark as cacheable. Undefined: the system prompt alone.
   */
  cacheablePrefixLength?: number;
  /** A key that groups requests sharing a prefix (OpenAI `prompt_cache_key`). */
  promptCacheKey?: string;
}
