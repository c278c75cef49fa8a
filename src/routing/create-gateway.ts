import type { Role } from '../model/role.js';
import type { OpenkoiConfig } from '../config/config-schema.js';
import type { Database } from '../memory/database.js';
import type { ModelRef } from '../model/model-ref.js';
import { MemoryCooldownStore, SqliteCooldownStore } from './cooldown-store.js';
import { FallbackGateway } from './fallback-gateway.js';
import type { AttemptListener, ModelGateway, RetryWaitListener } from './model-gateway.js';
import type { ProviderPool } from './provider-pool.js';
import { retryPolicyFromConfig } from './retry-policy.js';

export interface GatewayOptions {
  /** Each role's candidates in order; buildRoleChains makes them from config. */
  chains: Record<Role, ModelRef[]>;
  pool: ProviderPool;
  config: OpenkoiConfig;
  /** The shared database (cooldowns live there); undefined in tests that need none. */
  database?: Database;
  onAttempt?: AttemptListener;
  onRetryWait?: RetryWaitListener;
}

/** The gateway a task runs through: fallback chains, retries, and cooldowns shared via openkoi.db. */
export function createGateway(options: GatewayOptions): ModelGateway {
  return new FallbackGateway({
    chains: options.chains,
    pool: options.pool,
    policy: retryPolicyFromConfig(options.config.routing),
    // Without a database, cooldowns last as long as this process: still no hammering of a
    // rate-limited model within one run.
    cooldowns: options.database ? new SqliteCooldownStore(options.database) : new MemoryCooldownStore(),
    ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
    ...(options.onRetryWait ? { onRetryWait: options.onRetryWait } : {}),
  });
}
