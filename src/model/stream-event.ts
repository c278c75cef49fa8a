import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';

export interface TextDeltaEvent {
  type: 'text-delta';
  text: string;
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

export interface FinishEvent {
  type: 'finish';
  finishReason: FinishReason;
  rawFinishReason: string | undefined;
}

export type StreamEvent =
  | TextDeltaEvent
  | ToolInputDeltaEvent
  | ToolCallEvent
  | UsageEvent
  | ResponseMetadataEvent
  | FinishEvent;
