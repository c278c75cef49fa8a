import type { AssistantPart, ReasoningPart, ToolCallPart } from './content-part.js';
import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';

export interface ChatResponse {
  /** Reasoning, text and tool calls in the order the model produced them. */
  content: AssistantPart[];
  /** All text parts joined. */
  text: string;
  /** All reasoning parts' text joined ('' when the model showed none). */
  reasoning: string;
  reasoningParts: ReasoningPart[];
  toolCalls: ToolCallPart[];
  /** Undefined when the vendor reported none (some compatible servers): unknown, never zero. */
  usage: Usage | undefined;
  finishReason: FinishReason;
  rawFinishReason: string | undefined;
  /** The vendor's explanation when the model refused (OpenAI `refusal`, Anthropic `stop_details`). */
  refusal?: string;
  /** The model the vendor says served the call (may differ from the one requested). */
  responseModel: string | undefined;
  /** Settings the vendor does not take and SDK notices, for the user's warning line. */
  warnings: string[];
}
