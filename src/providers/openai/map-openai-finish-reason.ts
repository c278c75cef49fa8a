import type { MappedFinishReason } from '../build-chat-response.js';

/**
 * Chat Completions `finish_reason` → our unified reason. `function_call` is the legacy name of
 * `tool_calls` that some OpenAI-compatible servers still send.
 */
export function mapOpenAIFinishReason(raw: string | null | undefined): MappedFinishReason {
  const rawFinishReason = raw ?? undefined;
  switch (raw) {
    case 'stop':
      return { finishReason: 'stop', rawFinishReason };
    case 'length':
      return { finishReason: 'length', rawFinishReason };
    case 'tool_calls':
    case 'function_call':
      return { finishReason: 'tool-calls', rawFinishReason };
    case 'content_filter':
      return { finishReason: 'content-filter', rawFinishReason };
    default:
      return { finishReason: 'other', rawFinishReason };
  }
}
