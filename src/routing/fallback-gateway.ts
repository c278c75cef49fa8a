import type { Role } from '../model/role.js';
import { estimateInputTokens } from '../model/estimate-tokens.js';
import { formatModelRef, type ModelRef } from '../model/model-ref.js';
import type { ModelProvider } from '../providers/model-provider.js';
import { embeddingUsageOf } from '../model/embedding-usage.js';
import { ProviderError } from '../providers/provider-error.js';
import { SYSTEM_CLOCK, type Clock } from './clock.js';
import { MemoryCooldownStore, type CooldownStore } from './cooldown-store.js';
import { knownContextWindow } from './known-context-windows.js';
import type { AttemptListener, RetryWaitListener, GatewayChatResponse, GatewayStreamEvent, ModelGateway, RoleCallOptions, RoleRequest } from './model-gateway.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { resultOf, runChain, type ChainPool, type SendAttempt } from './run-chain.js';
import { streamAttempt } from './stream-attempt.js';

export interface FallbackGatewayOptions {
  chains: Readonly<Record<Role, readonly ModelRef[]>>;
  pool: ChainPool;
  policy?: RetryPolicy;
  /** Shared between processes when SQLite-backed; one process's memory otherwise. */
  cooldowns?: CooldownStore;
  onAttempt?: AttemptListener;
  onRetryWait?: RetryWaitListener;
  clock?: Clock;
  /** Jitter source for backoff, in [0, 1). */
  random?: () => number;
  /** A model's context window in tokens, undefined when unknown (see known-context-windows.ts). */
  contextWindowOf?: (candidate: ModelRef) => number | undefined;
}

/**
 * The gateway with fallback chains, retries and cooldowns (see DESIGN.md, Routing). Every call
 * runs the same pick → attempt → decide loop (run-chain.ts); the three methods differ only in
 * how one attempt is sent.
 */
export class FallbackGateway implements ModelGateway {
  readonly policy: RetryPolicy;
  private readonly cooldowns: CooldownStore;

  constructor(private readonly options: FallbackGatewayOptions) {
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
    this.cooldowns = options.cooldowns ?? new MemoryCooldownStore();
  }

  chain(role: Role): readonly ModelRef[] {
    return this.options.chains[role] ?? [];
  }

  async chat(role: Role, request: RoleRequest, options: RoleCallOptions = {}): Promise<GatewayChatResponse> {
    const sendChat: SendAttempt<Awaited<ReturnType<ModelProvider['chat']>>> = async function* (provider, candidate, callOptions, progress) {
      const response = await provider.chat({ ...request, model: candidate.model }, callOptions);
      progress.usage = response.usage;
      if (response.responseModel) progress.responseModel = response.responseModel;
      return response;
    };
    const result = await resultOf(this.run(role, options, sendChat, estimateInputTokens(request)));
    return { ...result.value, servedBy: result.servedBy, attempts: result.attempts };
  }

  async *chatStream(role: Role, request: RoleRequest, options: RoleCallOptions = {}): AsyncIterable<GatewayStreamEvent> {
    yield* this.run(role, options, streamAttempt(request), estimateInputTokens(request));
  }

  async embed(texts: string[], options: RoleCallOptions = {}): Promise<Float32Array[]> {
    const sendEmbed: SendAttempt<Float32Array[]> = async function* (provider, candidate, callOptions, progress) {
      if (!provider.embed) {
        throw new ProviderError(`${formatModelRef(candidate)} cannot embed: ${provider.name} has no embeddings API.`, {
          kind: 'invalid-request',
          provider: candidate.provider,
          model: candidate.model,
        });
      }
      const vectors = await provider.embed(texts, { ...callOptions, model: candidate.model });
      // Tokens the adapter attached to the vectors: the embedding's usage row and cost.
      const usage = embeddingUsageOf(vectors);
      if (usage) progress.usage = usage;
      return vectors;
    };
    return (await resultOf(this.run('embedder', options, sendEmbed))).value;
  }

  private run<T>(role: Role, options: RoleCallOptions, send: SendAttempt<T>, estimatedInputTokens?: number) {
    return runChain(
      {
        role,
        chain: this.chain(role),
        options,
        pool: this.options.pool,
        policy: this.policy,
        cooldowns: this.cooldowns,
        onAttempt: this.options.onAttempt ?? (() => {}),
        onRetryWait: this.options.onRetryWait ?? (() => {}),
        clock: this.options.clock ?? SYSTEM_CLOCK,
        random: this.options.random ?? Math.random,
        contextWindowOf: this.options.contextWindowOf ?? knownContextWindow,
        ...(estimatedInputTokens !== undefined ? { estimatedInputTokens } : {}),
      },
      send,
    );
  }
}
