import type { AttemptRecord } from '../model/attempt-record.js';
import type { ModelRef } from '../model/model-ref.js';
import type { CooldownStore } from '../routing/cooldown-store.js';
import { FallbackGateway, type FallbackGatewayOptions } from '../routing/fallback-gateway.js';
import type { ModelGateway } from '../routing/model-gateway.js';
import type { RetryPolicy } from '../routing/retry-policy.js';
import type { ChainPool } from '../routing/run-chain.js';

/** Routing's clock, named through the gateway's public options (where it is defined may move). */
type Clock = NonNullable<FallbackGatewayOptions['clock']>;

export interface ChainRouterOptions {
  pool: ChainPool;
  policy: RetryPolicy;
  /** Shared by every request (and, SQLite-backed, by every openkoi process). */
  cooldowns: CooldownStore;
  /** Every attempt of every request, with the client token's name. */
  recordAttempt: (attempt: AttemptRecord, source: string) => void;
  clock?: Clock;
}

/**
 * Routing for one request's chain. Each request names its own chain (an alias, a model), so each
 * gets a FallbackGateway of its own — a small object over the shared pool, policy and cooldowns —
 * and goes through routing's public chat / chatStream / embed: retries, fallback and cooldowns
 * behave exactly as for openkoi's own runs.
 */
export class ChainRouter {
  constructor(private readonly options: ChainRouterOptions) {}

  gatewayFor(chain: readonly ModelRef[], source: string): ModelGateway {
    return new FallbackGateway({
      // The gateway's requests are the executor's kind of call (and the embedder's for embeddings).
      chains: { executor: chain, embedder: chain, planner: [], evaluator: [] },
      pool: this.options.pool,
      policy: this.options.policy,
      cooldowns: this.options.cooldowns,
      onAttempt: (attempt) => this.options.recordAttempt(attempt, source),
      ...(this.options.clock ? { clock: this.options.clock } : {}),
    });
  }
}
