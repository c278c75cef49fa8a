import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';

export interface TextDeltaEvent {
  type: 'text-delta';
  text: string;
}

/** A reasoning block opens. `id` ties its deltas and its end together (blocks may interleave with text). */
export interface ReasoningStartEvent {
  type: 'reasoning-start';
  id: string;
}

export interface ReasoningDeltaEvent {
  type: 'reasoning-delta';
  id: string;
  text: string;
}

/**
 * A reasoning block is complete. `signature` / `encrypted` are the vendor's opaque payloads (see
 * ReasoningPart), to be sent back unchanged; a redacted block has only `encrypted`.
 */
export interface ReasoningEndEvent {
  type: 'reasoning-end';
  id: string;
  signature?: string;
  encrypted?: string;
}

/** Partial JSON arguments of a tool call while the model writes them. */
export interface ToolInputDeltaEvent {
  type: 'tool-input-delta';
  toolCallId: string;
  toolName: string;
  delta: string;
}

/** A complete tool call, arguments parsed. */
export interface ToolCallEvent {
  type: 'tool-call';
  toolCallId: string;
  toolName: string;
  input: unknown;
}

export interface UsageEvent {
  type: 'usage';
  usage: Usage;
}

/** The vendor's response metadata, as soon as it is known. */
export interface ResponseMetadataEvent {
  type: 'response-metadata';
  responseModel?: string;
  responseId?: string;
}

/** The model declined; `text` is its (or the vendor's) explanation. It is not the answer. */
export interface RefusalEvent {
  type: 'refusal';
  text: string;
}

/** A setting the vendor does not take, or a notice of its SDK, for the user's warning line. */
export interface WarningEvent {
  type: 'warning';
  message: string;
}

export interface FinishEvent {
  type: 'finish';
  finishReason: FinishReason;
  rawFinishReason: string | undefined;
}

export type StreamEvent =
  | TextDeltaEvent
  | ReasoningStartEvent
  | ReasoningDeltaEvent
  | ReasoningEndEvent
  | ToolInputDeltaEvent
  | ToolCallEvent
  | UsageEvent
  | ResponseMetadataEvent
  | RefusalEvent
  | WarningEvent
  | FinishEvent;
