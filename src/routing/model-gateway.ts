import type { Role } from '../model/role.js';
import type { ChatRequest } from '../model/chat-request.js';
import type { ChatResponse } from '../model/chat-response.js';
import type { ModelRef } from '../model/model-ref.js';
import type { StreamEvent } from '../model/stream-event.js';
import type { Usage } from '../model/usage.js';
import type { CallOptions } from '../providers/model-provider.js';
import type { ProviderErrorKind } from '../providers/provider-error.js';

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
}

/** One try of one candidate: a reply, or an error, with what it cost. */
export interface AttemptRecord {
  role: Role;
  candidate: ModelRef;
  taskId?: string;
  startedAt: number;
  durationMs: number;
  outcome: 'ok' | 'error' | 'skipped';
  errorKind?: ProviderErrorKind;
  status?: number;
  message?: string;
  /** Time spent waiting (Retry-After or backoff) before this attempt started. */
  waitedMs: number;
  /** Tokens the vendor reported; a stream that failed after replying may still have used some. */
  usage?: Usage;
  responseModel?: string;
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

/** Notified of every attempt, whatever its outcome (usage recording hooks in here). */
export type AttemptListener = (attempt: AttemptRecord) => void;
