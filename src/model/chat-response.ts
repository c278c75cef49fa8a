import type { TextPart, ToolCallPart } from './content-part.js';
import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';

export interface ChatResponse {
  /** Text and tool calls in the order the model produced them. */
  content: Array<TextPart | ToolCallPart>;
  /** All text parts joined. */
  text: string;
  toolCalls: ToolCallPart[];
  usage: Usage;
  finishReason: FinishReason;
  rawFinishReason: string | undefined;
  /** The model the vendor says served the call (may differ from the one requested). */
  responseModel: string | undefined;
}
