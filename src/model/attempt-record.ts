import type { ModelRef } from './model-ref.js';
import type { ProviderErrorKind } from './provider-error-kind.js';
import type { Role } from './role.js';
import type { Usage } from './usage.js';

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

/** Notified of every attempt, whatever its outcome (usage recording hooks in here). */
export type AttemptListener = (attempt: AttemptRecord) => void;
