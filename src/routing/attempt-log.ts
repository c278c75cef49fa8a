import { formatModelRef, type ModelRef } from '../model/model-ref.js';
import type { Role } from '../model/role.js';
import type { Usage } from '../model/usage.js';
import { kindLabel } from '../providers/classify-http-error.js';
import { ProviderError } from '../providers/provider-error.js';
import type { Clock } from './clock.js';
import type { Cooldown } from './cooldown-store.js';
import type { AttemptListener, AttemptRecord, AttemptEvent } from './model-gateway.js';

/**
 * Everything one gateway call tried, in order: told to the listener at once, kept for the
 * response and the exhausted error, and queued for a stream to yield as `attempt` events.
 */
export class AttemptLog {
  readonly attempts: AttemptRecord[] = [];
  private readonly unreported: AttemptRecord[] = [];
  /** Each candidate's last error in this call (what it said beats an older cooldown's reason). */
  private readonly lastErrors = new Map<string, ProviderError>();
  private readonly skipReported = new Set<string>();

  constructor(
    private readonly role: Role,
    private readonly taskId: string | undefined,
    private readonly clock: Clock,
    private readonly onAttempt: AttemptListener,
  ) {}

  /** Attempt records not yet yielded as stream events. */
  *drainEvents(): Generator<AttemptEvent> {
    while (this.unreported.length > 0) yield { type: 'attempt', attempt: this.unreported.shift()! };
  }

  lastErrorOf(candidate: ModelRef): ProviderError | undefined {
    return this.lastErrors.get(formatModelRef(candidate));
  }

  triedInThisCall(candidate: ModelRef): boolean {
    return this.lastErrors.has(formatModelRef(candidate));
  }

  recordFailure(candidate: ModelRef, startedAt: number, waitedMs: number, error: unknown, usage: Usage | undefined): void {
    const providerError = error instanceof ProviderError ? error : undefined;
    this.record({
      candidate,
      startedAt,
      waitedMs,
      outcome: 'error',
      ...(providerError ? { errorKind: providerError.kind, message: providerError.message } : { message: String(error) }),
      ...(providerError?.status !== undefined ? { status: providerError.status } : {}),
      ...(usage ? { usage } : {}),
    });
    if (providerError) this.lastErrors.set(formatModelRef(candidate), providerError);
  }

  recordSuccess(candidate: ModelRef, startedAt: number, waitedMs: number, usage: Usage | undefined, responseModel: string | undefined): void {
    this.record({
      candidate,
      startedAt,
      waitedMs,
      outcome: 'ok',
      ...(usage ? { usage } : {}),
      ...(responseModel ? { responseModel } : {}),
    });
  }

  /** Once per call, and not for a candidate this call already tried (its error says more). */
  recordSkip(candidate: ModelRef, cooldown: Cooldown, now: number): void {
    const key = formatModelRef(candidate);
    if (this.skipReported.has(key) || this.lastErrors.has(key)) return;
    this.skipReported.add(key);
    this.record({
      candidate,
      startedAt: now,
      waitedMs: 0,
      outcome: 'skipped',
      errorKind: cooldown.errorKind,
      ...(cooldown.status !== undefined ? { status: cooldown.status } : {}),
      message: `cooling down until ${new Date(cooldown.untilMs).toISOString()} after ${kindLabel(cooldown.errorKind)}`,
    });
  }

  private record(details: Omit<AttemptRecord, 'role' | 'durationMs'>): void {
    const attempt: AttemptRecord = {
      role: this.role,
      ...(this.taskId ? { taskId: this.taskId } : {}),
      ...details,
      durationMs: details.outcome === 'skipped' ? 0 : Math.max(0, this.clock.now() - details.startedAt),
    };
    this.attempts.push(attempt);
    this.unreported.push(attempt);
    this.onAttempt(attempt);
  }
}
