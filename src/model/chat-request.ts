import type { Message } from './message.js';
import type { ToolDefinition } from './tool-definition.js';

export interface ChatRequest {
  /** The model id within its provider (the part after `provider/`). */
  model: string;
  messages: Message[];
  tools?: ToolDefinition[];
  maxOutputTokens?: number;
  temperature?: number;
  /**
   * Messages before this index form a stable prefix (soul, skills, instructions) that providers
   * with prompt caching may mark as cacheable. Undefined: the system prompt alone.
   */
  cacheablePrefixLength?: number;
  /** A key that groups requests sharing a prefix (OpenAI `prompt_cache_key`). */
  promptCacheKey?: string;
}
