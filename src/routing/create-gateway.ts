import type { Role } from '../config/config-schema.js';
import type { OpenkoiConfig } from '../config/config-schema.js';
import type { Database } from '../memory/database.js';
import type { ModelRef } from '../model/model-ref.js';
import { DirectGateway } from './direct-gateway.js';
import type { AttemptListener, ModelGateway } from './model-gateway.js';
import type { ProviderPool } from './provider-pool.js';

export interface GatewayOptions {
  chains: Record<Role, ModelRef[]>;
  pool: ProviderPool;
  config: OpenkoiConfig;
  /** The shared database (cooldowns live there); undefined in tests that need none. */
  database?: Database;
  onAttempt?: AttemptListener;
}

/** The gateway a task runs through. */
export function createGateway(options: GatewayOptions): ModelGateway {
  return new DirectGateway(options.chains, options.pool, options.onAttempt);
}
