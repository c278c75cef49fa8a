import type { AttemptRecord } from '../model/attempt-record.js';
import type { Role } from '../model/role.js';
import type { ChatRequest } from '../model/chat-request.js';
import type { ChatResponse } from '../model/chat-response.js';
import type { ModelRef } from '../model/model-ref.js';
import type { StreamEvent } from '../model/stream-event.js';
import type { CallOptions } from '../providers/model-provider.js';

// Attempts are model vocabulary (usage records them without knowing routing); re-exported for callers of the gateway.
export type { AttemptListener, AttemptRecord } from '../model/attempt-record.js';

/**
 * What the engine sees of models: it asks a role, never a vendor. Behind it, routing picks the
 * candidate of the role's chain, retries, cools down and falls back; every attempt is reported.
 */
export interface ModelGateway {
  chat(role: Role, request: RoleRequest, options?: RoleCallOptions): Promise<GatewayChatResponse>;
  chatStream(role: Role, request: RoleRequest, options?: RoleCallOptions): AsyncIterable<GatewayStreamEvent>;
  embed(texts: string[], options?: RoleCallOptions): Promise<Float32Array[]>;
  /** The candidates of a role in the order they are tried. */
  chain(role: Role): readonly ModelRef[];
}

/** A request without a model: the gateway fills it in per candidate. */
export type RoleRequest = Omit<ChatRequest, 'model'>;

export interface RoleCallOptions extends CallOptions {
  /** Recorded with each attempt (usage rows, iteration records). */
  taskId?: string;
  /**
   * Called before each request leaves with the candidate and the request's estimated input
   * tokens (model/estimate-tokens.ts); throwing refuses the request, and the call fails with that
   * error, nothing sent. The engine's cost budget hooks in here.
   */
  beforeSend?(candidate: ModelRef, estimatedInputTokens: number): void;
}

export interface GatewayChatResponse extends ChatResponse {
  servedBy: ModelRef;
  attempts: AttemptRecord[];
}

/** Reported as it happens, so callers can record and show every attempt. */
export interface AttemptEvent {
  type: 'attempt';
  attempt: AttemptRecord;
}

/** The stream moved to another candidate; `afterOutput` when text had already reached the user. */
export interface ModelSwitchEvent {
  type: 'model-switch';
  from: ModelRef;
  to: ModelRef;
  reason: string;
  afterOutput: boolean;
}

/** The candidate now streaming, before its first token. */
export interface ServedByEvent {
  type: 'served-by';
  candidate: ModelRef;
}

export type GatewayStreamEvent = StreamEvent | AttemptEvent | ModelSwitchEvent | ServedByEvent;
