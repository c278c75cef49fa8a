import { formatModelRef, type ModelRef } from '../model/model-ref.js';
import type { Role } from '../model/role.js';
import type { Usage } from '../model/usage.js';
import type { CallOptions, ModelProvider } from '../providers/model-provider.js';
import { ProviderError } from '../providers/provider-error.js';
import { AllCandidatesExhausted, type ExhaustedCandidate } from './all-candidates-exhausted.js';
import { AttemptLog } from './attempt-log.js';
import type { Clock } from './clock.js';
import type { Cooldown, CooldownStore } from './cooldown-store.js';
import { decideOnError, type Decision } from './decide-on-error.js';
import type { AttemptListener, AttemptRecord, GatewayStreamEvent, ModelSwitchEvent, RetryWaitListener, RoleCallOptions } from './model-gateway.js';
import type { ProviderErrorKind } from '../providers/provider-error.js';
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

/** Where a chain gets its adapters, and which endpoint each provider's requests go to (for cooldowns). */
export interface ChainPool {
  get(providerId: string): Promise<ModelProvider>;
  /** endpoint-fingerprint.ts; without it, a cooldown covers every endpoint of the model. */
  endpointOf?(providerId: string): string;
}

export interface ChainContext {
  role: Role;
  chain: readonly ModelRef[];
  options: RoleCallOptions;
  pool: ChainPool;
  policy: RetryPolicy;
  cooldowns: CooldownStore;
  onAttempt: AttemptListener;
  /** Told before every wait (retry of a candidate, or a cooling chain). */
  onRetryWait: RetryWaitListener;
  clock: Clock;
  random: () => number;
  contextWindowOf: (candidate: ModelRef) => number | undefined;
  /**
   * The request's estimated input tokens (model/estimate-tokens.ts), for chat calls: a candidate
   * whose known window it exceeds is refused without sending, and `options.beforeSend` (the
   * engine's budget) may refuse it too.
   */
  estimatedInputTokens?: number;
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
  let retry: { candidate: ModelRef; waitMs: number; because: string } | undefined;
  let pendingSwitch: Omit<ModelSwitchEvent, 'type' | 'to'> | undefined;
  for (;;) {
    let candidate: ModelRef;
    let waitMs = 0;
    let because = '';
    if (retry) {
      ({ candidate, waitMs, because } = retry);
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
    await run.waitBeforeRetry(waitMs, candidate, because);
    const provider = await run.providerOf(candidate);
    if (!provider) {
      yield* run.log.drainEvents();
      pendingSwitch = { from: candidate, reason: run.unavailableReason(candidate), afterOutput: false };
      continue;
    }
    if (context.estimatedInputTokens !== undefined) {
      const refusal = run.refuseOversized(candidate, context.estimatedInputTokens);
      if (refusal) {
        yield* run.log.drainEvents();
        if (refusal.action === 'stop') throw refusal.error;
        pendingSwitch = { from: candidate, reason: refusal.reason, afterOutput: false };
        continue;
      }
      // The caller's budget may refuse the request too: its error ends the call, nothing sent.
      context.options.beforeSend?.(candidate, context.estimatedInputTokens);
    }
    const startedAt = context.clock.now();
    const progress: AttemptProgress = { outputSeen: false };
    let value: T;
    let decision: Decision;
    let settled = false;
    try {
      run.requestsSent++;
      value = yield* send(provider, candidate, run.callOptions, progress);
      settled = true;
    } catch (error) {
      settled = true;
      run.log.recordFailure(candidate, startedAt, waitMs, error, progress.usage);
      decision = run.decide(candidate, error);
      yield* run.log.drainEvents();
      if (decision.action === 'stop') throw decision.error;
      pendingSwitch = { from: candidate, reason: decision.reason, afterOutput: progress.outputSeen };
      if (decision.action === 'retry') retry = { candidate, waitMs: run.spendRetry(decision.waitMs), because: whatHappened(error, progress.outputSeen) };
      continue;
    } finally {
      // The caller stopped reading mid-attempt (a budget, an interrupt): the attempt is recorded
      // with the usage the vendor reported so far, neither failed nor cooled.
      if (!settled) run.log.recordStopped(candidate, startedAt, waitMs, progress.usage);
    }
    run.log.recordSuccess(candidate, startedAt, waitMs, progress.usage, progress.responseModel);
    yield* run.log.drainEvents();
    return { value, servedBy: candidate, attempts: [...run.log.attempts] };
  }
}

/** How a retry notice says what the candidate did. */
function whatHappened(error: unknown, afterOutput: boolean): string {
  const kind = error instanceof ProviderError ? error.kind : undefined;
  const phrases: Partial<Record<ProviderErrorKind, string>> = {
    'rate-limit': 'rate-limited',
    overloaded: 'overloaded',
    server: 'server error',
    timeout: afterOutput ? 'stalled mid-stream' : 'timed out',
    network: afterOutput ? 'cut off mid-stream' : 'network error',
  };
  return (kind && phrases[kind]) ?? 'failed';
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
  private readonly endpoints = new Map<string, string>();

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
        cooldownOf: (candidate) => this.cooldownOf(candidate),
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
          await this.waitBeforeRetry(this.spendRetry(pick.waitMs), pick.candidate, 'cooling down');
      }
    }
  }

  /** The candidate's cooldown at the endpoint this process would send to. */
  private cooldownOf(candidate: ModelRef): Cooldown | undefined {
    return this.context.cooldowns.get(candidate, this.endpointOf(candidate));
  }

  private endpointOf(candidate: ModelRef): string {
    // Memoised: the fingerprint hashes the key, and a chain asks on every pick.
    let endpoint = this.endpoints.get(candidate.provider);
    if (endpoint === undefined) {
      endpoint = this.context.pool.endpointOf?.(candidate.provider) ?? '';
      this.endpoints.set(candidate.provider, endpoint);
    }
    return endpoint;
  }

  /** Pays one retry from the chain's budget; returns the wait it bought. */
  spendRetry(waitMs: number): number {
    this.retriesUsed++;
    return waitMs;
  }

  /** An abortable wait: the caller aborting ends the call now, not after the wait. */
  async waitBeforeRetry(milliseconds: number, candidate: ModelRef, because: string): Promise<void> {
    if (milliseconds <= 0) return;
    this.context.onRetryWait({ role: this.context.role, candidate, waitMs: milliseconds, because });
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

  /**
   * A request whose estimated input alone exceeds the candidate's known context window is not
   * sent: it is the context-length error the vendor would answer, without paying for the round trip.
   */
  refuseOversized(candidate: ModelRef, estimatedInputTokens: number): Decision | undefined {
    const window = this.context.contextWindowOf(candidate);
    if (window === undefined || estimatedInputTokens <= window) return undefined;
    const key = formatModelRef(candidate);
    const error = new ProviderError(
      `Not sent: the ${this.context.role} request is about ${estimatedInputTokens} input tokens (estimated at 4 characters a token), more than ${key}'s context window of ${window} tokens.`,
      { kind: 'context-length', provider: candidate.provider, model: candidate.model },
    );
    this.log.recordRefused(candidate, error, this.context.clock.now());
    return this.decide(candidate, error);
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
        const cooldown = this.cooldownOf(other);
        return cooldown !== undefined && cooldown.untilMs > now;
      },
      contextWindowOf: this.context.contextWindowOf,
    });
    for (const other of decision.exclude ?? []) this.excluded.add(formatModelRef(other));
    if (decision.coolUntilMs !== undefined && error instanceof ProviderError) {
      this.context.cooldowns.coolDown(candidate, {
        endpoint: this.endpointOf(candidate),
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
      const cooldown = this.cooldownOf(candidate);
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
