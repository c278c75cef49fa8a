import { randomUUID } from 'node:crypto';
import type { ReasoningSettings } from '../model/chat-request.js';
import { invalidField } from './client-error.js';

type ReasoningEffort = NonNullable<ReasoningSettings['effort']>;
const EFFORTS: ReadonlySet<unknown> = new Set<ReasoningEffort>(['minimal', 'low', 'medium', 'high']);

/**
 * A client's reasoning effort, when it is one openkoi forwards. Efforts beyond the four (none,
 * xhigh) are one vendor's vocabulary: not forwarded, as an absent effort would not be.
 */
export function reasoningEffortOf(value: unknown): ReasoningEffort | undefined {
  return EFFORTS.has(value) ? (value as ReasoningEffort) : undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Joins the text of content parts. A part of another type (an image, a file, audio) has no
 * equivalent in openkoi's messages, so it is refused by name rather than silently dropped.
 */
export function textOfParts(parts: unknown[], field: string, textTypes: readonly string[]): string {
  return parts
    .map((part, index) => {
      if (!isObject(part)) invalidField(`${field}[${index}]`, 'a content part object.');
      if (!textTypes.includes(String(part['type']))) {
        invalidField(`${field}[${index}].type`, `"${String(part['type'])}" content is not supported by the gateway (text only).`);
      }
      if (typeof part['text'] !== 'string') invalidField(`${field}[${index}].text`, 'required.');
      return part['text'];
    })
    .join('');
}

/** Tool-call arguments as sent back by a client: a JSON string (OpenAI) or an object. */
export function parseToolArguments(value: unknown, field: string): unknown {
  if (typeof value !== 'string') return value ?? {};
  if (value.trim() === '') return {};
  try {
    return JSON.parse(value);
  } catch {
    invalidField(field, 'not valid JSON.');
  }
}

export function randomId(prefix: string): string {
  return prefix + randomUUID().replaceAll('-', '');
}
