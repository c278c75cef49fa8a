/** What a test wants one fake vendor reply to be. Vendor route modules render it in their wire format. */
export interface ScriptedToolCall {
  id?: string;
  name: string;
  /** An object is JSON-encoded; a string is sent as is (to script malformed arguments). */
  arguments: unknown;
}

export interface ScriptedUsage {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

export interface ScriptedFault {
  status: number;
  /** The vendor-shaped error body; the route module builds a default from `message`. */
  body?: unknown;
  message?: string;
  /** e.g. `rate_limit_exceeded`, `overloaded_error`, `context_length_exceeded`. */
  code?: string;
  headers?: Record<string, string>;
}

export interface ScriptedReply {
  /** Reply text. Streamed in `chunks` when given, else split into small pieces. */
  text?: string;
  chunks?: string[];
  toolCalls?: ScriptedToolCall[];
  usage?: ScriptedUsage;
  /** The raw vendor finish reason; defaults follow from tool calls. */
  finishReason?: string;
  /** The model the reply claims served it (default: the requested one). */
  model?: string;
  /** Answer with an HTTP error instead. */
  fault?: ScriptedFault;
  /** Streaming: destroy the connection after this many events. */
  cutAfterEvents?: number;
  /** Streaming: send a malformed chunk after this many events, then end. */
  malformedAfterEvents?: number;
  /** Streaming: stop sending (but keep the connection open) after this many events. */
  stallAfterEvents?: number;
  /**
   * Streaming: answer HTTP 200, then after this many events send `fault` as the vendor's
   * in-stream error event and end (Anthropic `event: error`). Without it a fault is an HTTP error.
   */
  faultAfterEvents?: number;
  /** Wait before answering (ms). */
  delayMs?: number;
  /** Milliseconds between streamed events. */
  eventIntervalMs?: number;
  /**
   * The vendor's wire payloads verbatim, written by a test from the vendor's documented format
   * (a reasoning model's chunks, a usage convention): a whole reply's JSON body, or a stream's
   * event payloads that the route only frames (SSE `data:` / `event:` lines). The fault, cut
   * and stall options still apply to `wire.events`.
   */
  wire?: { body?: unknown; events?: unknown[] };
  /** Extra headers on a successful reply (the vendor's rate-limit figures); OpenAI chat route. */
  headers?: Record<string, string>;
}

export function replyChunks(reply: ScriptedReply): string[] {
  if (reply.chunks) return reply.chunks;
  const text = reply.text ?? '';
  if (text === '') return [];
  return text.match(/.{1,8}/gs) ?? [text];
}

export function replyText(reply: ScriptedReply): string {
  return reply.chunks ? reply.chunks.join('') : (reply.text ?? '');
}

export const DEFAULT_USAGE: ScriptedUsage = { input: 10, output: 5 };
