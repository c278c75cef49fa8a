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

/**
 * Characters of a list (a message's parts, a request's tool definitions) as JSON, remembered per
 * list. A tool loop sends the whole history every round (and the executor's budget check and the
 * gateway each estimate it): without this, every round stringified every earlier tool result
 * again, twice. The key is the list itself with its length, so a list that grew since (a part
 * pushed) is measured again; a new list (MCP tools/list_changed) is a new key. Lists are built
 * before a request and not edited in place after it, so the length is the check that matters.
 */
const listCharacters = new WeakMap<readonly unknown[], { length: number; characters: number }>();

function jsonCharacters(list: readonly unknown[]): number {
  const known = listCharacters.get(list);
  if (known && known.length === list.length) return known.characters;
  const characters = JSON.stringify(list).length;
  listCharacters.set(list, { length: list.length, characters });
  return characters;
}

function messageCharacters(message: Message): number {
  return typeof message.content === 'string' ? message.content.length : jsonCharacters(message.content);
}

/** The estimated input tokens of a request: every message's content and the tool definitions. */
export function estimateInputTokens(request: { messages: readonly Message[]; tools?: readonly ToolDefinition[] | undefined }): number {
  let characters = 0;
  for (const message of request.messages) characters += messageCharacters(message);
  if (request.tools?.length) characters += jsonCharacters(request.tools);
  return Math.ceil(characters / CHARACTERS_PER_TOKEN);
}
