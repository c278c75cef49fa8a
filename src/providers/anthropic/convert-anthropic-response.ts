import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { AssistantPart } from '../../model/content-part.js';
import type { ChatResponse } from '../../model/chat-response.js';
import { buildChatResponse } from '../build-chat-response.js';
import { convertAnthropicUsage } from './convert-anthropic-usage.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { refusalExplanation } from './refusal-explanation.js';

/**
 * A whole Messages API reply as our ChatResponse. Thinking blocks (signed, or redacted) become
 * reasoning parts with their payloads kept opaque; server-tool blocks are left out.
 */
export function convertAnthropicResponse(message: Message): ChatResponse {
  const content: AssistantPart[] = [];
  for (const block of message.content ?? []) {
    if (block.type === 'text') {
      content.push({ type: 'text', text: block.text });
    } else if (block.type === 'thinking') {
      content.push({ type: 'reasoning', text: block.thinking, signature: block.signature, provider: 'anthropic' });
    } else if (block.type === 'redacted_thinking') {
      content.push({ type: 'reasoning', text: '', encrypted: block.data, provider: 'anthropic' });
    } else if (block.type === 'tool_use') {
      content.push({ type: 'tool-call', toolCallId: block.id, toolName: block.name, input: block.input ?? {} });
    }
  }
  const refusal = message.stop_reason === 'refusal' ? refusalExplanation(message.stop_details) : undefined;
  return buildChatResponse({
    content,
    usage: convertAnthropicUsage(message.usage),
    finishReason: mapAnthropicStopReason(message.stop_reason),
    rawFinishReason: message.stop_reason ?? undefined,
    ...(refusal !== undefined ? { refusal } : {}),
    responseModel: message.model ?? undefined,
  });
}
