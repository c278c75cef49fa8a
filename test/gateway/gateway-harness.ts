import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { Role } from '../../src/model/role.js';
import type { ModelRef } from '../../src/model/model-ref.js';
import { ChainRouter } from '../../src/gateway/chain-router.js';
import { GatewayServer, type GatewayLimits } from '../../src/gateway/gateway-server.js';
import type { GatewayAliases } from '../../src/gateway/resolve-model-chain.js';
import { GatewayTokenStore, type NewToken } from '../../src/gateway/token-store.js';
import { providerIds } from '../../src/providers/provider-catalog.js';
import { SqliteCooldownStore } from '../../src/routing/cooldown-store.js';
import { DEFAULT_RETRY_POLICY } from '../../src/routing/retry-policy.js';
import { UsageRecorder } from '../../src/usage/usage-recorder.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { startFakeVendors } from '../fakes/start-fake-vendors.js';
import { fakePool, FakeClock, TemporaryDatabase } from '../routing/routing-harness.js';

export interface GatewayHarnessOptions {
  aliases?: GatewayAliases;
  roleChains?: Partial<Record<Role, ModelRef[]>>;
  limits?: Partial<GatewayLimits>;
  isSubscription?: (providerId: string) => boolean;
  allowSubscriptions?: boolean;
  loopback?: boolean;
  /** More provider keys for the pool (e.g. GOOGLE_API_KEY), on top of OpenAI's and Anthropic's. */
  environment?: Record<string, string>;
  /** Prices for the fake models so budgets have something to count. */
  pricing?: Record<string, { input: number; output: number }>;
}

export interface UsageRowView {
  source: string | null;
  provider: string;
  model: string;
  input: number;
  output: number;
  outcome: string;
}

/** The gateway in-process, on 127.0.0.1:0, routing to the vendor fakes through the real adapters. */
export class GatewayHarness {
  fake!: FakeServer;
  database!: TemporaryDatabase;
  tokens!: GatewayTokenStore;
  server!: GatewayServer;
  url!: string;
  /** The secret of the token named "ci". */
  secret!: string;
  readonly clock = new FakeClock();

  static async start(options: GatewayHarnessOptions = {}): Promise<GatewayHarness> {
    const harness = new GatewayHarness();
    await harness.startWith(options);
    return harness;
  }

  private async startWith(options: GatewayHarnessOptions): Promise<void> {
    this.fake = await startFakeVendors();
    this.database = new TemporaryDatabase();
    const recorder = new UsageRecorder({ database: this.database.database, ...(options.pricing ? { pricing: options.pricing } : {}) });
    const router = new ChainRouter({
      pool: fakePool(this.fake, options.environment),
      policy: { ...DEFAULT_RETRY_POLICY },
      cooldowns: new SqliteCooldownStore(this.database.database),
      recordAttempt: (attempt, source) => recorder.record(attempt, source),
      clock: this.clock,
    });
    // The token store reads routing's clock: usage rows are stamped with it, budgets count rows since creation.
    this.tokens = new GatewayTokenStore(this.database.database, this.clock.now);
    this.secret = this.tokens.create({ name: 'ci' });
    this.server = new GatewayServer({
      router,
      tokens: this.tokens,
      catalog: {
        aliases: options.aliases ?? {},
        roleChains: { executor: [], evaluator: [], planner: [], embedder: [], ...options.roleChains },
        providerIds: providerIds(),
      },
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.isSubscription ? { isSubscription: options.isSubscription } : {}),
      ...(options.allowSubscriptions !== undefined ? { allowSubscriptions: options.allowSubscriptions } : {}),
      loopback: options.loopback ?? true,
      now: this.clock.now,
    });
    const address = await this.server.listen(0, '127.0.0.1');
    this.url = `http://127.0.0.1:${address.port}`;
  }

  openai(secret: string = this.secret, prefix = '/openai/v1'): OpenAI {
    return new OpenAI({ apiKey: secret, baseURL: `${this.url}${prefix}`, maxRetries: 0 });
  }

  anthropic(secret: string = this.secret, prefix = '/anthropic'): Anthropic {
    return new Anthropic({ apiKey: secret, baseURL: `${this.url}${prefix}`, maxRetries: 0 });
  }

  createToken(token: NewToken): string {
    return this.tokens.create(token);
  }

  usageRows(): UsageRowView[] {
    return this.database.database
      .prepare('SELECT source, provider, requested_model AS model, input_tokens AS input, output_tokens AS output, outcome FROM usage ORDER BY id')
      .all() as UsageRowView[];
  }

  async stop(): Promise<void> {
    await this.server.close();
    await this.fake.stop();
    this.database.close();
  }
}

/** Waits until `check` holds, polling; for effects that land after a response (usage rows). */
export async function eventually(check: () => boolean, what: string, tries = 200): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
