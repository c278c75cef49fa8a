import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../src/model/role.js';
import { openDatabase, type Database } from '../../src/memory/database.js';
import type { ModelRef } from '../../src/model/model-ref.js';
import { BUILTIN_PROVIDERS } from '../../src/providers/provider-catalog.js';
import { SqliteCooldownStore } from '../../src/routing/cooldown-store.js';
import type { Clock } from '../../src/routing/clock.js';
import { FallbackGateway, type FallbackGatewayOptions } from '../../src/routing/fallback-gateway.js';
import type { AttemptRecord, GatewayStreamEvent } from '../../src/routing/model-gateway.js';
import { ProviderPool } from '../../src/routing/provider-pool.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../src/routing/retry-policy.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment } from '../fakes/start-fake-vendors.js';

/** 2026-01-01T00:00:00Z: cooldown deadlines in assertions read as offsets from it. */
export const T0 = Date.UTC(2026, 0, 1);

/** A clock that only moves when routing sleeps; every wait is recorded instead of slept. */
export class FakeClock implements Clock {
  readonly waits: number[] = [];
  constructor(public current: number = T0) {}
  now = (): number => this.current;
  sleep = async (milliseconds: number): Promise<void> => {
    this.waits.push(milliseconds);
    this.current += milliseconds;
  };
}

export interface CooldownRowView {
  candidate: string;
  forMs: number;
  errorKind: string;
  status: number | null;
}

/** A temporary openkoi.db with the real migrations. */
export class TemporaryDatabase {
  readonly directory = mkdtempSync(join(tmpdir(), 'openkoi-routing-'));
  readonly path = join(this.directory, 'openkoi.db');
  readonly database: Database = openDatabase(this.path);

  /** Cooldown rows, deadlines as offsets from `since`. */
  cooldownRows(since: number = T0): CooldownRowView[] {
    return (
      this.database.prepare('SELECT provider, model, until_ms, error_kind, status FROM cooldowns ORDER BY provider, model').all() as Array<{
        provider: string;
        model: string;
        until_ms: number;
        error_kind: string;
        status: number | null;
      }>
    ).map((row) => ({ candidate: `${row.provider}/${row.model}`, forMs: row.until_ms - since, errorKind: row.error_kind, status: row.status }));
  }

  close(): void {
    this.database.close();
    rmSync(this.directory, { recursive: true, force: true });
  }
}

export const FAKE_KEYS = { OPENAI_API_KEY: 'sk-test-routing', ANTHROPIC_API_KEY: 'sk-ant-test-routing' };

/** The real adapters, through the real SDKs, pointed at the fake. */
export function fakePool(fake: FakeServer, extra: Record<string, string> = {}): ProviderPool {
  return new ProviderPool(BUILTIN_PROVIDERS, { ...FAKE_KEYS, ...fakeVendorEnvironment(fake), ...extra });
}

export function chains(executor: ModelRef[], others: Partial<Record<Role, ModelRef[]>> = {}): Record<Role, ModelRef[]> {
  return { executor, evaluator: [], planner: [], embedder: [], ...others };
}

export interface Harness {
  gateway: FallbackGateway;
  clock: FakeClock;
  attempts: AttemptRecord[];
}

export function gatewayFor(
  options: Omit<FallbackGatewayOptions, 'clock' | 'policy' | 'onAttempt'> & { policy?: Partial<RetryPolicy>; clock?: FakeClock },
): Harness {
  const clock = options.clock ?? new FakeClock();
  const attempts: AttemptRecord[] = [];
  const gateway = new FallbackGateway({
    random: () => 0.5,
    ...options,
    policy: { ...DEFAULT_RETRY_POLICY, ...options.policy },
    clock,
    onAttempt: (attempt) => attempts.push(attempt),
  });
  return { gateway, clock, attempts };
}

export function storeOf(database: TemporaryDatabase): SqliteCooldownStore {
  return new SqliteCooldownStore(database.database);
}

export interface StreamOutcome {
  events: GatewayStreamEvent[];
  text: string;
  error?: unknown;
}

/** Runs a gateway stream to its end or its failure. */
export async function collectStream(stream: AsyncIterable<GatewayStreamEvent>): Promise<StreamOutcome> {
  const events: GatewayStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    return { events, text: textOf(events), error };
  }
  return { events, text: textOf(events) };
}

export function textOf(events: GatewayStreamEvent[]): string {
  return events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
}

export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the call succeeded but was expected to fail');
}

export const ASK = { messages: [{ role: 'user' as const, content: 'Say something.' }] };
