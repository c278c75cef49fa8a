import type { FinishReason } from '../model/finish-reason.js';
import type { Usage } from '../model/usage.js';
import type { GatewayRequestError } from './client-error.js';

export interface ReasoningProof {
  signature?: string;
  encrypted?: string;
}

/**
 * Where a streamed reply goes, in openkoi's vocabulary; one implementation per wire format writes
 * it as that format's events. Called in the order the model produced things.
 */
export interface ReplySink {
  text(delta: string): void;
  /** Partial JSON arguments of a tool call. */
  toolInputDelta(toolCallId: string, toolName: string, delta: string): void;
  /** The complete call; its arguments may already have streamed as deltas. */
  toolCall(toolCallId: string, toolName: string, input: unknown): void;
  /** Reasoning text as it streams; `provider` made it (the candidate serving the reply). */
  reasoningDelta(id: string, text: string, provider: string): void;
  /** A reasoning block is complete, with the vendor's opaque proof of it (sent back unchanged). */
  reasoningEnd(id: string, proof: ReasoningProof, provider: string): void;
  usage(usage: Usage): void;
  finish(reason: FinishReason, rawReason: string | undefined): void;
  /** The reply failed after the stream had started: the format's in-stream error. */
  fail(error: GatewayRequestError): void;
  /** Closes the stream (after finish, or after fail). */
  end(): void;
}
