import { formatModelRef, type ModelRef } from '../model/model-ref.js';
import type { Role } from '../model/role.js';
import type { Usage } from '../model/usage.js';
import type { CallOptions, ModelProvider } from '../providers/model-provider.js';
import { ProviderError } from '../providers/provider-error.js';
import { AllCandidatesExhausted, type ExhaustedCandidate } from './all-candidates-exhausted.js';
import { AttemptLog } from './attempt-log.js';
import type { Clock } from './clock.js';
import type { CooldownStore } from './cooldown-store.js';
import { decideOnError, type Decision } from './decide-on-error.js';
import type { AttemptListener, AttemptRecord, GatewayStreamEvent, ModelSwitchEvent, RoleCallOptions } from './model-gateway.js';
import { pickCandidate } from './pick-candidate.js';
import type { RetryPolicy } from './retry-policy.js';

/** What an attempt tells the chain about itself while it runs, read when it ends either way. */
export interface AttemptProgress {
  usage?: Usage;
  responseModel?: string;
  /** Text or a tool call has reached the caller: a retry or a switch must be announced. */
  outputSeen: boolean;
}

/**
 * One request to one candidate: `chat`, `chatStream` and `embed` differ only here. It may yield
 * events for the caller (a stream's output); it throws to fail the attempt.
 */
export type SendAttempt<T> = (
  provider: ModelProvider,
  candidate: ModelRef,
  callOptions: CallOptions,
  progress: AttemptProgress,
) => AsyncGenerator<GatewayStreamEvent, T, undefined>;

export interface ChainContext {
  role: Role;
  chain: readonly ModelRef[];
  options: RoleCallOptions;
  pool: { get(providerId: string): Promise<ModelProvider> };
  policy: RetryPolicy;
  cooldowns: CooldownStore;
  onAttempt: AttemptListener;
  clock: Clock;
  random: () => number;
  contextWindowOf: (candidate: ModelRef) => number | undefined;
}

export interface ChainResult<T> {
  value: T;
  servedBy: ModelRef;
  attempts: AttemptRecord[];
}

/**
 * The one pick → attempt → decide loop of a gateway call. Candidates are tried in chain order,
 * skipping cooling ones. A transient error switches at once to a free candidate and cools the
 * failed one down; only when no other candidate is free is the same one retried, after the
 * current error's Retry-After (up to a cap) or a jittered backoff. One retry budget (spent in
 * `spendRetry` alone) and one attempt limit cover the whole chain. Permanent errors stop the
 * chain; a context-length error moves only to a larger window.
 *
 * Yields attempt records, model switches and whatever the attempts yield; returns the result.
 */
export async function* runChain<T>(context: ChainContext, send: SendAttempt<T>): AsyncGenerator<GatewayStreamEvent, ChainResult<T>, undefined> {
  const run = new ChainRun(context);
  let retry: { candidate: ModelRef; waitMs: number } | undefined;
  let pendingSwitch: Omit<ModelSwitchEvent, 'type' | 'to'> | undefined;
  for (;;) {
    let candidate: ModelRef;
    let waitMs = 0;
    if (retry) {
      ({ candidate, waitMs } = retry);
      retry = undefined;
    } else {
      try {
        candidate = await run.pick();
      } finally {
        yield* run.log.drainEvents();
      }
    }
    // A retry of the same candidate before any output is invisible to the caller; anything else
    // is a switch it must hear of (text it already has is kept, the step starts over).
    if (pendingSwitch && (pendingSwitch.afterOutput || formatModelRef(pendingSwitch.from) !== formatModelRef(candidate))) {
      yield { type: 'model-switch', ...pendingSwitch, to: candidate };
    }
    pendingSwitch = undefined;
    await run.waitBeforeRetry(waitMs);
    const provider = await run.providerOf(candidate);
    if (!provider) {
      yield* run.log.drainEvents();
      pendingSwitch = { from: candidate, reason: run.unavailableReason(candidate), afterOutput: false };
      continue;
    }
    const startedAt = context.clock.now();
    const progress: AttemptProgress = { outputSeen: false };
    let value: T;
    let decision: Decision;
    try {
      run.requestsSent++;
      value = yield* send(provider, candidate, run.callOptions, progress);
    } catch (error) {
      run.log.recordFailure(candidate, startedAt, waitMs, error, progress.usage);
      decision = run.decide(candidate, error);
      yield* run.log.drainEvents();
      if (decision.action === 'stop') throw decision.error;
      pendingSwitch = { from: candidate, reason: decision.reason, afterOutput: progress.outputSeen };
      if (decision.action === 'retry') retry = { candidate, waitMs: run.spendRetry(decision.waitMs) };
      continue;
    }
    run.log.recordSuccess(candidate, startedAt, waitMs, progress.usage, progress.responseModel);
    yield* run.log.drainEvents();
    return { value, servedBy: candidate, attempts: [...run.log.attempts] };
  }
}

/** Runs a chain whose events nobody watches (chat, embed) to its result. */
export async function resultOf<T>(run: AsyncGenerator<GatewayStreamEvent, ChainResult<T>, undefined>): Promise<ChainResult<T>> {
  for (;;) {
    const next = await run.next();
    if (next.done) return next.value;
  }
}

/** The state of one gateway call: what was tried, what is left of the budget. */
class ChainRun {
  readonly log: AttemptLog;
  readonly callOptions: CallOptions;
  requestsSent = 0;
  /** The one retry counter: same-candidate retries and waits for a cooling chain alike. */
  private retriesUsed = 0;
  /** Candidates this call will not try again: no provider (missing key) or too small a window. */
  private readonly excluded = new Set<string>();
  private readonly unavailable = new Map<string, ProviderError>();
  /** Cooldowns this call capped at max_cooldown_s, and what the vendor had asked for. */
  private readonly cooldownNotes = new Map<string, string>();

  constructor(private readonly context: ChainContext) {
    this.log = new AttemptLog(context.role, context.options.taskId, context.clock, context.onAttempt);
    this.callOptions = { ...context.options, idleTimeoutMs: context.options.idleTimeoutMs ?? context.policy.idleTimeoutMs };
  }

  /** The next candidate to send to; with every candidate cooling, waits for the earliest when the budget allows. */
  async pick(): Promise<ModelRef> {
    for (;;) {
      const now = this.context.clock.now();
      const pick = pickCandidate({
        role: this.context.role,
        chain: this.context.chain,
        policy: this.context.policy,
        now,
        excluded: this.excluded,
        unavailable: this.unavailable,
        requestsSent: this.requestsSent,
        retriesUsed: this.retriesUsed,
        cooldownOf: (candidate) => this.context.cooldowns.get(candidate),
        triedInThisCall: (candidate) => this.log.triedInThisCall(candidate),
        onSkip: (candidate, cooldown) => this.log.recordSkip(candidate, cooldown, now),
      });
      switch (pick.kind) {
        case 'send':
          return pick.candidate;
        case 'setup-error':
          throw pick.error;
        case 'exhausted':
          throw this.exhausted(pick.reason);
        case 'wait':
          await this.waitBeforeRetry(this.spendRetry(pick.waitMs));
      }
    }
  }

  /** Pays one retry from the chain's budget; returns the wait it bought. */
  spendRetry(waitMs: number): number {
    this.retriesUsed++;
    return waitMs;
  }

  /** An abortable wait: the caller aborting ends the call now, not after the wait. */
  async waitBeforeRetry(milliseconds: number): Promise<void> {
    if (milliseconds <= 0) return;
    const signal = this.context.options.signal;
    await this.context.clock.sleep(milliseconds, signal);
    if (signal?.aborted) {
      throw new ProviderError(`The ${this.context.role} call was aborted while waiting to retry.`, { kind: 'aborted', provider: 'routing' });
    }
  }

  /** The candidate's adapter, or undefined when it cannot be created (recorded; the chain goes on without it). */
  async providerOf(candidate: ModelRef): Promise<ModelProvider | undefined> {
    try {
      return await this.context.pool.get(candidate.provider);
    } catch (error) {
      const providerError =
        error instanceof ProviderError ? error : new ProviderError(String(error), { kind: 'invalid-request', provider: candidate.provider, model: candidate.model });
      // Nothing was sent: this is the setup of one candidate (a missing key), not a vendor's
      // verdict, so it is neither cooled down nor retried.
      this.log.recordFailure(candidate, this.context.clock.now(), 0, providerError, undefined);
      const key = formatModelRef(candidate);
      this.excluded.add(key);
      this.unavailable.set(key, providerError);
      return undefined;
    }
  }

  unavailableReason(candidate: ModelRef): string {
    const key = formatModelRef(candidate);
    return `${key}: ${this.unavailable.get(key)?.message ?? 'unavailable'}`;
  }

  /** Decides what follows a failed attempt and applies its cooldown and exclusions. */
  decide(candidate: ModelRef, error: unknown): Decision {
    const now = this.context.clock.now();
    const decision = decideOnError(candidate, error, {
      role: this.context.role,
      chain: this.context.chain,
      policy: this.context.policy,
      now,
      random: this.context.random,
      requestsSent: this.requestsSent,
      retriesUsed: this.retriesUsed,
      excluded: this.excluded,
      isCooling: (other) => {
        const cooldown = this.context.cooldowns.get(other);
        return cooldown !== undefined && cooldown.untilMs > now;
      },
      contextWindowOf: this.context.contextWindowOf,
    });
    for (const other of decision.exclude ?? []) this.excluded.add(formatModelRef(other));
    if (decision.coolUntilMs !== undefined && error instanceof ProviderError) {
      this.context.cooldowns.coolDown(candidate, {
        untilMs: decision.coolUntilMs,
        errorKind: error.kind,
        ...(error.status !== undefined ? { status: error.status } : {}),
        message: decision.cooldownNote ? `${error.message} (${decision.cooldownNote})` : error.message,
        now,
      });
      if (decision.cooldownNote) this.cooldownNotes.set(formatModelRef(candidate), decision.cooldownNote);
    }
    return decision;
  }

  private exhausted(reason: string): AllCandidatesExhausted {
    const now = this.context.clock.now();
    const candidates: ExhaustedCandidate[] = this.context.chain.map((candidate) => {
      const error = this.log.lastErrorOf(candidate);
      const cooldown = this.context.cooldowns.get(candidate);
      const entry: ExhaustedCandidate = { candidate };
      if (error) entry.lastError = { kind: error.kind, ...(error.status !== undefined ? { status: error.status } : {}), message: error.message };
      else if (cooldown) entry.lastError = { kind: cooldown.errorKind, ...(cooldown.status !== undefined ? { status: cooldown.status } : {}), message: cooldown.message ?? '' };
      if (cooldown && cooldown.untilMs > now) entry.cooldownUntil = cooldown.untilMs;
      const note = this.cooldownNotes.get(formatModelRef(candidate));
      if (note) entry.cooldownNote = note;
      return entry;
    });
    return new AllCandidatesExhausted(this.context.role, candidates, [...this.log.attempts], now, reason);
  }
}
