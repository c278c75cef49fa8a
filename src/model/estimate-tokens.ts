import type { Message } from './message.js';
import type { ToolDefinition } from './tool-definition.js';

/**
 * About four characters a token: the usual figure for English text and code with the vendors'
 * BPE tokenizers. It is an estimate, character-based on purpose (no tokenizer is loaded to send a
 * request): good enough to refuse a request that would clearly cross a budget or a context window
 * before it is sent, never used to bill anything.
 */
export const CHARACTERS_PER_TOKEN = 4;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARACTERS_PER_TOKEN);
}

function messageText(message: Message): string {
  if (typeof message.content === 'string') return message.content;
  return JSON.stringify(message.content);
}

/** The estimated input tokens of a request: every message's content and the tool definitions. */
export function estimateInputTokens(request: { messages: readonly Message[]; tools?: readonly ToolDefinition[] | undefined }): number {
  let characters = 0;
  for (const message of request.messages) characters += messageText(message).length;
  if (request.tools?.length) characters += JSON.stringify(request.tools).length;
  return Math.ceil(characters / CHARACTERS_PER_TOKEN);
}
