import type { ChatResponse } from '../model/chat-response.js';
import type { ReasoningPart } from '../model/content-part.js';

/** A vendor's finish reason in our vocabulary, with the vendor's own value kept beside it. */
export type MappedFinishReason = Pick<ChatResponse, 'finishReason' | 'rawFinishReason'>;

/** What an adapter reads off a whole reply; the rest of a ChatResponse follows from it. */
export type ChatResponseParts = Omit<ChatResponse, 'text' | 'toolCalls' | 'reasoning' | 'reasoningParts' | 'warnings'> & {
  warnings?: string[];
};

/**
 * A ChatResponse from the parts of a whole reply. `text`, `reasoning` and `toolCalls` are derived
 * from `content` here, so they can never disagree with it.
 */
export function buildChatResponse(parts: ChatResponseParts): ChatResponse {
  const { content } = parts;
  const reasoningParts = content.filter((part): part is ReasoningPart => part.type === 'reasoning');
  const response: ChatResponse = {
    content,
    text: content.map((part) => (part.type === 'text' ? part.text : '')).join(''),
    reasoning: reasoningParts.map((part) => part.text).join(''),
    reasoningParts,
    toolCalls: content.filter((part) => part.type === 'tool-call'),
    usage: parts.usage,
    finishReason: parts.finishReason,
    rawFinishReason: parts.rawFinishReason,
    responseModel: parts.responseModel,
    warnings: parts.warnings ?? [],
  };
  if (parts.refusal !== undefined) response.refusal = parts.refusal;
  return response;
}
