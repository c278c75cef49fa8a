import type { Content, FunctionDeclaration, Part } from '@google/genai';
import type { ChatRequest } from '../../model/chat-request.js';
import type { Message } from '../../model/message.js';
import type { ToolDefinition } from '../../model/tool-definition.js';
import { recallThoughtSignature, UNKNOWN_THOUGHT_SIGNATURE } from './remember-thought-signatures.js';

export interface GooglePrompt {
  systemInstruction: Content | undefined;
  contents: Content[];
  functionDeclarations: FunctionDeclaration[] | undefined;
}

/**
 * Ids the adapter makes up for function calls that came without one (the Gemini API leaves
 * `functionCall.id` empty on most models). They are ours only: never sent back as Gemini ids.
 */
export const GENERATED_CALL_ID_PREFIX = 'gemini_call_';

/**
 * Our request as the Gemini API wants it: system messages lifted into `systemInstruction`, the
 * assistant as role `model`, tool calls as `functionCall` parts (with their thought signature),
 * tool results as `functionResponse` parts in a user turn, and consecutive turns of one role
 * merged so that a tool result and the user's next words travel together.
 */
export function convertGooglePrompt(request: ChatRequest): GooglePrompt {
  const systemParts: Part[] = [];
  const contents: Content[] = [];
  for (const message of request.messages) {
    if (message.role === 'system') {
      if (message.content !== '') systemParts.push({ text: message.content });
      continue;
    }
    const role = message.role === 'assistant' ? 'model' : 'user';
    const parts = partsOf(message);
    if (parts.length === 0) continue;
    const previous = contents.at(-1);
    if (previous && previous.role === role) previous.parts!.push(...parts);
    else contents.push({ role, parts });
  }
  return {
    systemInstruction: systemParts.length > 0 ? { role: 'user', parts: systemParts } : undefined,
    contents,
    functionDeclarations: request.tools?.length ? request.tools.map(convertTool) : undefined,
  };
}

function partsOf(message: Exclude<Message, { role: 'system' }>): Part[] {
  if (typeof message.content === 'string') return message.content === '' ? [] : [{ text: message.content }];
  const parts: Part[] = [];
  let signedFirstCall = false;
  for (const part of message.content) {
    if (part.type === 'text') {
      // The API rejects a part with empty text.
      if (part.text !== '') parts.push({ text: part.text });
    } else if (part.type === 'reasoning') {
      // Gemini's own thoughts go back as it sent them, signature included; another vendor's cannot.
      if (part.provider === 'google' && (part.text !== '' || part.signature !== undefined)) {
        parts.push({ text: part.text, thought: true, ...(part.signature !== undefined ? { thoughtSignature: part.signature } : {}) });
      }
    } else if (part.type === 'tool-call') {
      // Only the first call of a turn must carry a signature (parallel calls share it); one we
      // no longer have is replaced by the documented stand-in rather than dropped.
      const signature = recallThoughtSignature(part.toolCallId) ?? (signedFirstCall ? undefined : UNKNOWN_THOUGHT_SIGNATURE);
      signedFirstCall = true;
      parts.push({
        functionCall: { ...vendorId(part.toolCallId), name: part.toolName, args: argumentsObject(part.input) },
        ...(signature ? { thoughtSignature: signature } : {}),
      });
    } else {
      parts.push({
        functionResponse: {
          ...vendorId(part.toolCallId),
          name: part.toolName,
          // Gemini's convention: the result under `output`, a failure under `error`.
          response: part.isError ? { error: part.output } : { output: part.output },
        },
      });
    }
  }
  return parts;
}

function vendorId(toolCallId: string): { id?: string } {
  return toolCallId.startsWith(GENERATED_CALL_ID_PREFIX) || toolCallId === '' ? {} : { id: toolCallId };
}

// `functionCall.args` must be an object; a call recorded without arguments becomes `{}`.
function argumentsObject(input: unknown): Record<string, unknown> {
  return input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
}

function convertTool(tool: ToolDefinition): FunctionDeclaration {
  // parametersJsonSchema takes JSON Schema as tools write it; the older `parameters` field takes
  // only an OpenAPI subset and rejects keywords such as additionalProperties.
  return { name: tool.name, description: tool.description, parametersJsonSchema: { type: 'object', ...tool.inputSchema } };
}
