import { randomUUID } from 'node:crypto';
import type { GenerateContentResponse, Part } from '@google/genai';
import type { ChatResponse } from '../../model/chat-response.js';
import type { AssistantPart } from '../../model/content-part.js';
import { buildChatResponse } from '../build-chat-response.js';
import { GENERATED_CALL_ID_PREFIX } from './convert-google-messages.js';
import { convertGoogleUsage } from './convert-google-usage.js';
import { mapGoogleFinishReason } from './map-google-finish-reason.js';
import { rememberThoughtSignature } from './remember-thought-signatures.js';

/**
 * The reasoning, text and function calls of a candidate's parts, in order. Thought summaries
 * (`thought: true`) are the model's reasoning, not its answer: they become reasoning parts with
 * their thought signature kept opaque. A call without a Gemini id gets one of ours; a call's
 * thought signature is remembered under its id.
 */
export function convertGoogleParts(parts: readonly Part[] | undefined): AssistantPart[] {
  const content: AssistantPart[] = [];
  for (const part of parts ?? []) {
    if (part.thought) {
      const previous = content.at(-1);
      // Consecutive thought parts are one block of reasoning; a signature closes it.
      if (previous?.type === 'reasoning' && previous.signature === undefined) previous.text += part.text ?? '';
      else content.push({ type: 'reasoning', text: part.text ?? '', provider: 'google' });
      if (part.thoughtSignature) (content.at(-1) as { signature?: string }).signature = part.thoughtSignature;
      continue;
    }
    if (typeof part.text === 'string' && part.text !== '') {
      content.push({ type: 'text', text: part.text });
    } else if (part.functionCall) {
      const toolCallId = part.functionCall.id || `${GENERATED_CALL_ID_PREFIX}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
      rememberThoughtSignature(toolCallId, part.thoughtSignature);
      content.push({ type: 'tool-call', toolCallId, toolName: part.functionCall.name ?? '', input: part.functionCall.args ?? {} });
    }
  }
  return content;
}

/**
 * Why the reply ended: the candidate's finishReason, or, when the prompt itself was blocked and no
 * candidate came back, the prompt's blockReason.
 */
export function rawGoogleFinishReason(response: GenerateContentResponse): string | undefined {
  return response.candidates?.[0]?.finishReason ?? response.promptFeedback?.blockReason ?? undefined;
}

/** A whole generateContent reply as our ChatResponse. */
export function convertGoogleResponse(response: GenerateContentResponse): ChatResponse {
  const content = convertGoogleParts(response.candidates?.[0]?.content?.parts);
  const rawFinishReason = rawGoogleFinishReason(response);
  return buildChatResponse({
    content,
    usage: response.usageMetadata ? convertGoogleUsage(response.usageMetadata) : undefined,
    finishReason: mapGoogleFinishReason(rawFinishReason, content.some((part) => part.type === 'tool-call')),
    rawFinishReason,
    responseModel: response.modelVersion ?? undefined,
  });
}
