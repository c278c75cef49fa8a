import pRetry, { AbortError } from 'p-retry';
import type { Role } from '../model/role.js';
import { formatModelRef, type ModelRef } from '../model/model-ref.js';
import type { StreamEvent } from '../model/stream-event.js';
import type { Usage } from '../model/usage.js';
import { embeddingUsageOf } from '../model/embedding-usage.js';
import { kindLabel } from '../providers/classify-http-error.js';
import type { CallOptions, ModelProvider } from '../providers/model-provider.js';
import { ProviderError } from '../providers/provider-error.js';
import { AllCandidatesExhausted, type ExhaustedCandidate } from './all-candidates-exhausted.js';
import { MemoryCooldownStore, type Cooldown, type CooldownStore } from './cooldown-store.js';
import { permanentFailure } from './explain-permanent-error.js';
import { knownContextWindow } from './known-context-windows.js';
import type {
  AttemptListener,
  AttemptRecord,
  GatewayChatResponse,
  GatewayStreamEvent,
  ModelGateway,
  RoleCallOptions,
  RoleRequest,
} from './model-gateway.js';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

/** Time as routing sees it; tests pass a fake one so that no test really sleeps. */
export interface Clock {
  now(): number;
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void>;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (milliseconds, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || milliseconds <= 0) return resolve();
      const timer = setTimeout(done, milliseconds);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      // The caller checks the signal after the wait and reports the abort itself.
      signal?.addEventListener('abort', done, { once: true });
    }),
};

export interface FallbackGatewayOptions {
  chains: Readonly<Record<Role, readonly ModelRef[]>>;
  pool: { get(providerId: string): Promise<ModelProvider> };
  policy?: RetryPolicy;
  /** Shared between processes when SQLite-backed; one process's memory otherwise. */
  cooldowns?: CooldownStore;
  onAttempt?: AttemptListener;
  clock?: Clock;
  /** Jitter source for backoff, in [0, 1). */
  random?: () => number;
  /** A model's context window in tokens, undefined when unknown (see known-context-windows.ts). */
  contextWindowOf?: (candidate: ModelRef) => number | undefined;
}

/**
 * The gateway with fallback chains, retries and cooldowns (see DESIGN.md, Routing).
 *
 * Per call: candidates are tried in chain order, skipping cooling ones. A transient error switches
 * at once to a free candidate and cools the failed one down; only when no other candidate is free
 * is the same one retried, after the current error's Retry-After (up to a cap) or a jittered
 * backoff. One retry budget and one attempt limit cover the whole chain. Permanent errors stop
 * the chain; a context-length error moves only to a larger window.
 */
export class FallbackGateway implements ModelGateway {
  readonly policy: RetryPolicy;
  private readonly cooldowns: CooldownStore;
  private readonly onAttempt: AttemptListener;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly contextWindowOf: (candidate: ModelRef) => number | undefined;

  constructor(private readonly options: FallbackGatewayOptions) {
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
    this.cooldowns = options.cooldowns ?? new MemoryCooldownStore();
    this.onAttempt = options.onAttempt ?? (() => {});
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.random = options.random ?? Math.random;
    this.contextWindowOf = options.contextWindowOf ?? knownContextWindow;
  }

  chain(role: Role): readonly ModelRef[] {
    return this.options.chains[role] ?? [];
  }

  async chat(role: Role, request: RoleRequest, options: RoleCallOptions = {}): Promise<GatewayChatResponse> {
    const run = this.startRun(role, options);
    for (;;) {
      const candidate = await run.pick();
      const result = await run.attempt(candidate, 0, (provider, callOptions) => provider.chat({ ...request, model: candidate.model }, callOptions));
      if (result.ok) {
        const { value: response } = result;
        run.recordSuccess(candidate, result.startedAt, result.waitedMs, response.usage, response.responseModel);
        return { ...response, servedBy: candidate, attempts: [...run.attempts] };
      }
      if (result.stop) throw result.stop;
    }
  }

  async *chatStream(role: Role, request: RoleRequest, options: RoleCallOptions = {}): AsyncIterable<GatewayStreamEvent> {
    const run = this.startRun(role, options);
    let pendingSwitch: { from: ModelRef; reason: string; afterOutput: boolean } | undefined;
    let retrySame: { candidate: ModelRef; waitMs: number } | undefined;
    for (;;) {
      let candidate: ModelRef;
      try {
        candidate = retrySame?.candidate ?? (await run.pick());
      } finally {
        yield* run.drainEvents();
      }
      if (pendingSwitch) {
        yield { type: 'model-switch', from: pendingSwitch.from, to: candidate, reason: pendingSwitch.reason, afterOutput: pendingSwitch.afterOutput };
        pendingSwitch = undefined;
      }
      const result = await run.attempt(candidate, retrySame?.waitMs ?? 0, (provider, callOptions) =>
        primeStream(provider.chatStream({ ...request, model: candidate.model }, callOptions)),
      );
      retrySame = undefined;
      yield* run.drainEvents();
      if (!result.ok) {
        if (result.stop) throw result.stop;
        pendingSwitch = { from: candidate, reason: result.reason, afterOutput: false };
        continue;
      }
      const primed = result.value;
      yield { type: 'served-by', candidate };
      let finished = primed.done;
      try {
        for (const event of primed.buffered) yield event;
        while (!finished) {
          const next = await primed.iterator.next();
          if (next.done) {
            finished = true;
            break;
          }
          primed.observe(next.value);
          yield next.value;
        }
      } catch (error) {
        const decision = run.fail(candidate, result.startedAt, result.waitedMs, error, primed.usage);
        yield* run.drainEvents();
        if (decision.stop) throw decision.stop;
        // Text already reached the caller: it keeps it, and hears that the step starts over.
        pendingSwitch = { from: candidate, reason: decision.reason, afterOutput: primed.outputSeen };
        if (decision.retryWaitMs !== undefined) retrySame = { candidate, waitMs: decision.retryWaitMs };
        continue;
      } finally {
        // The consumer may stop early; the vendor's stream must not stay open behind it.
        if (!finished) await primed.iterator.return?.();
      }
      run.recordSuccess(candidate, result.startedAt, result.waitedMs, primed.usage, primed.responseModel);
      yield* run.drainEvents();
      return;
    }
  }

  async embed(texts: string[], options: RoleCallOptions = {}): Promise<Float32Array[]> {
    const run = this.startRun('embedder', options);
    for (;;) {
      const candidate = await run.pick();
      const result = await run.attempt(candidate, 0, async (provider, callOptions) => {
        if (!provider.embed) {
          throw new ProviderError(`${formatModelRef(candidate)} cannot embed: ${provider.name} has no embeddings API.`, {
            kind: 'invalid-request',
            provider: candidate.provider,
            model: candidate.model,
          });
        }
        return provider.embed(texts, { ...callOptions, model: candidate.model });
      });
      if (result.ok) {
        // Tokens the adapter attached to the vectors: the embedding's usage row and cost.
        run.recordSuccess(candidate, result.startedAt, result.waitedMs, embeddingUsageOf(result.value), undefined);
        return result.value;
      }
      if (result.stop) throw result.stop;
    }
  }

  private startRun(role: Role, options: RoleCallOptions): ChainRun {
    return new ChainRun({
      role,
      chain: this.chain(role),
      options,
      pool: this.options.pool,
      policy: this.policy,
      cooldowns: this.cooldowns,
      onAttempt: this.onAttempt,
      clock: this.clock,
      random: this.random,
      contextWindowOf: this.contextWindowOf,
    });
  }
}

type AttemptResult<T> =
  | { ok: true; value: T; startedAt: number; waitedMs: number }
  | { ok: false; stop?: Error; reason: string };

interface Decision {
  /** Set: the chain ends with this error. */
  stop?: Error;
  /** Set: try the same candidate again after this wait. Neither set: move to the next candidate. */
  retryWaitMs?: number;
  reason: string;
}

interface RunContext {
  role: Role;
  chain: readonly ModelRef[];
  options: RoleCallOptions;
  pool: FallbackGatewayOptions['pool'];
  policy: RetryPolicy;
  cooldowns: CooldownStore;
  onAttempt: AttemptListener;
  clock: Clock;
  random: () => number;
  contextWindowOf: (candidate: ModelRef) => number | undefined;
}

// A Retry-After of 0 must still move the chain on rather than straight back to the same model.
const MINIMUM_COOLDOWN_MS = 1_000;

/** The state of one gateway call: what was tried, what is left of the budget. */
class ChainRun {
  readonly attempts: AttemptRecord[] = [];
  private readonly unreported: AttemptRecord[] = [];
  private requestsSent = 0;
  private retriesUsed = 0;
  private readonly lastErrors = new Map<string, ProviderError>();
  /** Candidates this call will not try again: no provider (missing key) or too small a window. */
  private readonly excluded = new Set<string>();
  private readonly unavailable = new Map<string, ProviderError>();
  private readonly skipReported = new Set<string>();
  private readonly callOptions: CallOptions;

  constructor(private readonly context: RunContext) {
    this.callOptions = { ...context.options, idleTimeoutMs: context.options.idleTimeoutMs ?? context.policy.idleTimeoutMs };
  }

  /** Attempt records not yet yielded as stream events. */
  *drainEvents(): Generator<GatewayStreamEvent> {
    while (this.unreported.length > 0) yield { type: 'attempt', attempt: this.unreported.shift()! };
  }

  /**
   * The first usable candidate that is not cooling. With every candidate cooling it waits for the
   * earliest deadline when that is close enough (a retry from the budget), else gives up.
   */
  async pick(): Promise<ModelRef> {
    const { chain, policy, clock, role } = this.context;
    if (chain.length === 0) {
      throw new ProviderError(`No model is configured for the ${role} role.`, { kind: 'invalid-request', provider: 'none' });
    }
    for (;;) {
      const usable = chain.filter((candidate) => !this.excluded.has(formatModelRef(candidate)));
      if (usable.length === 0) {
        // Nothing was even sendable (missing keys): the setup error says more than "exhausted".
        if (this.unavailable.size === chain.length) throw [...this.unavailable.values()][0]!;
        throw this.exhausted('no candidate is left to try');
      }
      if (this.requestsSent >= policy.maxAttempts) throw this.exhausted(`the limit of ${policy.maxAttempts} attempts (max_attempts) was reached`);
      const now = clock.now();
      let earliest: Cooldown | undefined;
      for (const candidate of usable) {
        const cooldown = this.context.cooldowns.get(candidate);
        if (!cooldown || cooldown.untilMs <= now) return candidate;
        this.reportSkip(candidate, cooldown, now);
        if (!earliest || cooldown.untilMs < earliest.untilMs) earliest = cooldown;
      }
      const waitMs = earliest!.untilMs - now;
      // Cooling because of what happened in this very call reads better as "failed".
      const state = usable.every((candidate) => this.lastErrors.has(formatModelRef(candidate))) ? 'failed and is cooling down' : 'is cooling down';
      if (waitMs > policy.maxAllCoolingWaitMs) {
        throw this.exhausted(`every candidate ${state}, the first for another ${Math.ceil(waitMs / 1000)} s (more than max_all_cooling_wait_s)`);
      }
      if (this.retriesUsed >= policy.retryBudget) throw this.exhausted(`every candidate ${state} and the retry budget (retry_budget) is spent`);
      this.retriesUsed++;
      await this.wait(waitMs);
    }
  }

  /**
   * Sends to one candidate through p-retry: the same candidate is tried again only while
   * `decide` says so; any other outcome leaves p-retry through its AbortError.
   */
  async attempt<T>(
    candidate: ModelRef,
    initialWaitMs: number,
    send: (provider: ModelProvider, callOptions: CallOptions) => Promise<T>,
  ): Promise<AttemptResult<T>> {
    let provider: ModelProvider;
    try {
      provider = await this.context.pool.get(candidate.provider);
    } catch (error) {
      return this.providerUnavailable(candidate, error);
    }
    let nextWaitMs = initialWaitMs;
    let outcome: Decision | undefined;
    try {
      return await pRetry(
        async () => {
          const waitedMs = nextWaitMs;
          nextWaitMs = 0;
          if (waitedMs > 0) await this.wait(waitedMs);
          const startedAt = this.context.clock.now();
          this.requestsSent++;
          let value: T;
          try {
            value = await send(provider, this.callOptions);
          } catch (error) {
            const decision = this.fail(candidate, startedAt, waitedMs, error, undefined);
            if (decision.retryWaitMs !== undefined) {
              nextWaitMs = decision.retryWaitMs;
              throw error;
            }
            outcome = decision;
            throw new AbortError(error instanceof Error ? error : new Error(String(error)));
          }
          return { ok: true as const, value, startedAt, waitedMs };
        },
        // Waits happen above on the injectable clock, so p-retry's own timer stays at zero; the
        // attempt limit and budget are enforced by `decide`, this is only a backstop.
        { retries: this.context.policy.maxAttempts, minTimeout: 0, maxTimeout: 0, randomize: false },
      );
    } catch (error) {
      if (outcome) return { ok: false, ...(outcome.stop ? { stop: outcome.stop } : {}), reason: outcome.reason };
      throw error;
    }
  }

  /** Records a failed attempt and decides what happens next. */
  fail(candidate: ModelRef, startedAt: number, waitedMs: number, error: unknown, usage: Usage | undefined): Decision {
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
    if (!providerError) return { stop: error instanceof Error ? error : new Error(String(error)), reason: String(error) };
    this.lastErrors.set(formatModelRef(candidate), providerError);
    return this.decide(candidate, providerError);
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

  private decide(candidate: ModelRef, error: ProviderError): Decision {
    const { role, policy, clock } = this.context;
    const reason = `${formatModelRef(candidate)}: ${kindLabel(error.kind)}${error.status !== undefined ? ` (HTTP ${error.status})` : ''}`;
    // The caller gave up: nothing to retry, and the model did nothing wrong.
    if (error.kind === 'aborted') return { stop: error, reason };
    if (error.kind === 'context-length') return this.decideContextLength(candidate, error, reason);
    if (!error.retryable) return { stop: permanentFailure(error, candidate, role), reason };

    const now = clock.now();
    const retryAfterMs = error.retryAfterMs;
    // The vendor said when it will take requests again: other processes should know at once,
    // even if this one waits it out on the same model.
    if (retryAfterMs !== undefined) this.coolDown(candidate, error, now + retryAfterMs, now);
    const otherFree = this.context.chain.some(
      (other) => formatModelRef(other) !== formatModelRef(candidate) && !this.excluded.has(formatModelRef(other)) && !this.isCooling(other, now),
    );
    const withinCap = retryAfterMs === undefined || retryAfterMs <= policy.maxRetryWaitMs;
    if (!otherFree && withinCap && this.retriesUsed < policy.retryBudget && this.requestsSent < policy.maxAttempts) {
      this.retriesUsed++;
      // The current error's Retry-After, never an earlier one's (LiteLLM #20722).
      return { retryWaitMs: retryAfterMs ?? backoffDelayMs(policy, this.retriesUsed, this.context.random), reason };
    }
    this.coolDown(candidate, error, now + Math.max(MINIMUM_COOLDOWN_MS, retryAfterMs ?? policy.defaultCooldownMs), now);
    return { reason };
  }

  /** Moves on only to candidates whose window is known to be larger; never cools anything down. */
  private decideContextLength(candidate: ModelRef, error: ProviderError, reason: string): Decision {
    const window = this.context.contextWindowOf(candidate);
    for (const other of this.context.chain) {
      const otherWindow = this.context.contextWindowOf(other);
      if (window === undefined || otherWindow === undefined || otherWindow <= window) this.excluded.add(formatModelRef(other));
    }
    const larger = this.context.chain.filter((other) => !this.excluded.has(formatModelRef(other)));
    if (larger.length > 0) return { reason };
    const size = window === undefined ? 'its window is unknown' : `${window} tokens`;
    return {
      stop: permanentFailure(error, candidate, this.context.role, `no other candidate has a known context window larger than ${formatModelRef(candidate)}'s (${size})`),
      reason,
    };
  }

  private providerUnavailable(candidate: ModelRef, error: unknown): AttemptResult<never> {
    const now = this.context.clock.now();
    const providerError =
      error instanceof ProviderError ? error : new ProviderError(String(error), { kind: 'invalid-request', provider: candidate.provider, model: candidate.model });
    this.record({ candidate, startedAt: now, waitedMs: 0, outcome: 'error', errorKind: providerError.kind, message: providerError.message });
    // Nothing was sent: this is the setup of one candidate (a missing key), not a vendor's verdict,
    // so the chain goes on without it.
    const key = formatModelRef(candidate);
    this.excluded.add(key);
    this.unavailable.set(key, providerError);
    this.lastErrors.set(key, providerError);
    return { ok: false, reason: `${key}: ${providerError.message}` };
  }

  private isCooling(candidate: ModelRef, now: number): boolean {
    const cooldown = this.context.cooldowns.get(candidate);
    return cooldown !== undefined && cooldown.untilMs > now;
  }

  private coolDown(candidate: ModelRef, error: ProviderError, untilMs: number, now: number): void {
    this.context.cooldowns.coolDown(candidate, {
      untilMs,
      errorKind: error.kind,
      ...(error.status !== undefined ? { status: error.status } : {}),
      message: error.message,
      now,
    });
  }

  private async wait(milliseconds: number): Promise<void> {
    const signal = this.context.options.signal;
    await this.context.clock.sleep(milliseconds, signal);
    if (signal?.aborted) {
      throw new ProviderError(`The ${this.context.role} call was aborted while waiting to retry.`, { kind: 'aborted', provider: 'routing' });
    }
  }

  private reportSkip(candidate: ModelRef, cooldown: Cooldown, now: number): void {
    const key = formatModelRef(candidate);
    // Once per call, and not for a candidate this call already tried (its error says more).
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
      role: this.context.role,
      ...(this.context.options.taskId ? { taskId: this.context.options.taskId } : {}),
      ...details,
      durationMs: details.outcome === 'skipped' ? 0 : Math.max(0, this.context.clock.now() - details.startedAt),
    };
    this.attempts.push(attempt);
    this.unreported.push(attempt);
    this.context.onAttempt(attempt);
  }

  private exhausted(reason: string): AllCandidatesExhausted {
    const now = this.context.clock.now();
    const candidates: ExhaustedCandidate[] = this.context.chain.map((candidate) => {
      const error = this.lastErrors.get(formatModelRef(candidate));
      const cooldown = this.context.cooldowns.get(candidate);
      const entry: ExhaustedCandidate = { candidate };
      if (error) entry.lastError = { kind: error.kind, ...(error.status !== undefined ? { status: error.status } : {}), message: error.message };
      else if (cooldown) entry.lastError = { kind: cooldown.errorKind, ...(cooldown.status !== undefined ? { status: cooldown.status } : {}), message: cooldown.message ?? '' };
      if (cooldown && cooldown.untilMs > now) entry.cooldownUntil = cooldown.untilMs;
      return entry;
    });
    return new AllCandidatesExhausted(this.context.role, candidates, [...this.attempts], now, reason);
  }
}

/** What a stream has told about itself so far. */
interface Observed {
  usage: Usage | undefined;
  responseModel: string | undefined;
}

interface PrimedStream extends Observed {
  iterator: AsyncIterator<StreamEvent>;
  /** Events before (and including) the first output, held back until the stream proved alive. */
  buffered: StreamEvent[];
  /** The stream ended while priming. */
  done: boolean;
  /** Text or a tool call has been (or is about to be) handed to the caller. */
  outputSeen: boolean;
  observe(event: StreamEvent): void;
}

const OUTPUT_EVENTS: ReadonlySet<StreamEvent['type']> = new Set(['text-delta', 'tool-input-delta', 'tool-call']);

/**
 * Reads a stream up to its first output. Until then nothing has reached the caller, so a failure
 * is an ordinary failed attempt and the chain may switch freely.
 */
async function primeStream(stream: AsyncIterable<StreamEvent>): Promise<PrimedStream> {
  const iterator = stream[Symbol.asyncIterator]();
  const primed: PrimedStream = {
    iterator,
    buffered: [],
    done: false,
    outputSeen: false,
    usage: undefined,
    responseModel: undefined,
    observe(event) {
      if (event.type === 'usage') primed.usage = event.usage;
      if (event.type === 'response-metadata') primed.responseModel = event.responseModel ?? primed.responseModel;
      if (OUTPUT_EVENTS.has(event.type)) primed.outputSeen = true;
    },
  };
  for (;;) {
    const next = await iterator.next();
    if (next.done) {
      primed.done = true;
      return primed;
    }
    primed.observe(next.value);
    primed.buffered.push(next.value);
    if (primed.outputSeen) return primed;
  }
}
