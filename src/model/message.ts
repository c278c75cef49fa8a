import type { AssistantPart, TextPart, ToolResultPart } from './content-part.js';

export interface SystemMessage {
  role: 'system';
  content: string;
}

export interface UserMessage {
  role: 'user';
  content: string | TextPart[];
}

export interface AssistantMessage {
  role: 'assistant';
  content: string | AssistantPart[];
}

export interface ToolMessage {
  role: 'tool';
  content: ToolResultPart[];
}

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** The text of a message's content, ignoring non-text parts (reasoning included). */
export function textOf(content: string | ReadonlyArray<{ type: string; text?: string }>): string {
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');
}
