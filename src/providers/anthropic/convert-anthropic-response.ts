import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { TextPart, ToolCallPart } from '../../model/content-part.js';
import type { ChatResponse } from '../../model/chat-response.js';
import { buildChatResponse } from '../build-chat-response.js';
import { convertAnthropicUsage } from './convert-anthropic-usage.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

/** A whole Messages API reply as our ChatResponse. Block types we do not model (thinking, server tools) are left out. */
export function convertAnthropicResponse(message: Message): ChatResponse {
  const content: Array<TextPart | ToolCallPart> = [];
  for (const block of message.content ?? []) {
    if (block.type === 'text') {
      content.push({ type: 'text', text: block.text });
    } else if (block.type === 'tool_use') {
      content.push({ type: 'tool-call', toolCallId: block.id, toolName: block.name, input: block.input ?? {} });
    }
  }
  return buildChatResponse({
    content,
    usage: convertAnthropicUsage(message.usage),
    finishReason: mapAnthropicStopReason(message.stop_reason),
    rawFinishReason: message.stop_reason ?? undefined,
    responseModel: message.model ?? undefined,
  });
}
