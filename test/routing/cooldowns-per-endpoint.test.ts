import { join } from 'node:path';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/memory/database.js';
import { MIGRATIONS } from '../../src/memory/migrations/index.js';
import type { ModelRef } from '../../src/model/model-ref.js';
import { BUILTIN_PROVIDERS } from '../../src/providers/provider-catalog.js';
import { SqliteCooldownStore } from '../../src/routing/cooldown-store.js';
import { ProviderPool } from '../../src/routing/provider-pool.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { temporaryDirectories } from '../temporary-directories.js';
import { ASK, chains, FakeClock, gatewayFor, storeOf, TemporaryDatabase } from './routing-harness.js';

const GPT: ModelRef = { provider: 'openai', model: 'gpt-5.2' };
const CLAUDE: ModelRef = { provider: 'anthropic', model: 'claude-sonnet-4-6' };
const KEY = 'sk-test-endpoint-key-one';

// Two fakes: two real endpoints of the same provider (two base URLs).
let first: FakeServer;
let second: FakeServer;
let database: TemporaryDatabase;
const makeDirectory = temporaryDirectories('openkoi-endpoint-');

beforeAll(async () => {
  [first, second] = await Promise.all([startFakeVendors(), startFakeVendors()]);
});
afterAll(async () => {
  await Promise.all([first.stop(), second.stop()]);
});
beforeEach(() => {
  first.reset();
  second.reset();
  database = new TemporaryDatabase();
});
afterEach(() => database.close());

function poolAt(fake: FakeServer, openaiKey: string = KEY): ProviderPool {
  return new ProviderPool(BUILTIN_PROVIDERS, { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: openaiKey, ANTHROPIC_API_KEY: 'sk-ant-test-endpoint' });
}

/** One chat through openai/gpt-5.2 then anthropic, on the given pool, sharing the test's database and clock. */
async function chatThrough(pool: ProviderPool, clock: FakeClock) {
  const { gateway } = gatewayFor({ chains: chains([GPT, CLAUDE]), pool, cooldowns: storeOf(database), clock });
  return gateway.chat('executor', ASK);
}

describe('a cooldown belongs to the endpoint it was earned on', () => {
  it('a 429 at one base URL does not cool the same model at another base URL; the first stays cooling', async () => {
    const clock = new FakeClock();
    first.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '300' } } });
    first.script('anthropic.messages', { text: 'fallback at the first' });
    expect((await chatThrough(poolAt(first), clock)).servedBy).toEqual(CLAUDE);
    expect(database.cooldownRows()).toMatchObject([{ candidate: 'openai/gpt-5.2', forMs: 300_000, errorKind: 'rate-limit' }]);

    second.script('openai.chat', { text: 'served at the second base URL' });
    const atSecond = await chatThrough(poolAt(second), clock);
    expect(atSecond.servedBy).toEqual(GPT);
    expect(second.requestsTo('openai.chat')).toHaveLength(1);

    first.script('anthropic.messages', { text: 'fallback again' });
    const backAtFirst = await chatThrough(poolAt(first), clock);
    expect(backAtFirst.servedBy).toEqual(CLAUDE);
    expect(first.requestsTo('openai.chat')).toHaveLength(1);
  });

  it('a 429 earned with one key does not cool the same model and base URL with another key', async () => {
    const clock = new FakeClock();
    first.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '300' } } }, { text: 'served with the other key' });
    first.script('anthropic.messages', { text: 'fallback' });
    expect((await chatThrough(poolAt(first, KEY), clock)).servedBy).toEqual(CLAUDE);

    const otherKey = await chatThrough(poolAt(first, 'sk-test-endpoint-key-two'), clock);
    expect(otherKey.servedBy).toEqual(GPT);
    expect(first.requestsTo('openai.chat')).toHaveLength(2);
  });

  it('the database holds a short fingerprint of the endpoint, never the key or the base URL', async () => {
    first.script('openai.chat', { fault: { status: 429, headers: { 'retry-after': '300' } } });
    first.script('anthropic.messages', { text: 'fallback' });
    await chatThrough(poolAt(first), new FakeClock());
    const rows = database.database.prepare('SELECT * FROM cooldowns').all() as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]!['endpoint']).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(rows)).not.toContain(KEY);
    expect(JSON.stringify(rows)).not.toContain(first.url);
  });

  it('openkoi cooldowns clear provider/model clears the model at every endpoint', () => {
    const store = storeOf(database);
    store.coolDown(GPT, { endpoint: 'aaaa', untilMs: 2_000, errorKind: 'rate-limit', now: 1_000 });
    store.coolDown(GPT, { endpoint: 'bbbb', untilMs: 3_000, errorKind: 'server', now: 1_000 });
    store.coolDown(CLAUDE, { endpoint: 'aaaa', untilMs: 3_000, errorKind: 'server', now: 1_000 });
    expect(store.active(1_500).map((row) => [row.candidate.model, row.endpoint])).toEqual([
      ['gpt-5.2', 'aaaa'],
      ['claude-sonnet-4-6', 'aaaa'],
      ['gpt-5.2', 'bbbb'],
    ]);
    expect(store.clear(GPT)).toBe(2);
    expect(store.get(GPT, 'aaaa')).toBeUndefined();
    expect(store.get(CLAUDE, 'aaaa')?.untilMs).toBe(3_000);
  });
});

describe('a pool works out each provider\'s endpoint once, and keeps providers apart', () => {
  it('asks credential discovery once per provider, and gives each provider its own fingerprint', () => {
    const asked: string[] = [];
    const environment = fakeVendorEnvironment(first);
    const pool = new ProviderPool(BUILTIN_PROVIDERS, environment, (entry) => {
      asked.push(entry.id);
      return { apiKey: entry.id === 'openai' ? KEY : 'sk-ant-test-endpoint', source: 'test' };
    });
    const openai = pool.endpointOf('openai');
    const anthropic = pool.endpointOf('anthropic');
    for (let round = 0; round < 5; round++) {
      expect(pool.endpointOf('openai')).toBe(openai);
      expect(pool.endpointOf('anthropic')).toBe(anthropic);
    }
    expect(anthropic).not.toBe(openai);
    // What a fresh pool works out for the same provider, base URL and key: the remembered answer is not stale.
    expect(openai).toBe(poolAt(first).endpointOf('openai'));
    expect(poolAt(first, 'sk-test-endpoint-key-two').endpointOf('openai')).not.toBe(openai);
    expect(asked).toEqual(['openai', 'anthropic']);
  });
});

describe('cooldowns written before endpoints were told apart keep working', () => {
  it('a row from schema 7 survives the migration and still cools every endpoint of its model until it ends', () => {
    const path = join(makeDirectory(), 'openkoi.db');
    const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    const old = new Sqlite(path);
    const before = MIGRATIONS.findIndex((migration) => migration.name === 'cooldowns keyed by endpoint');
    expect(before).toBeGreaterThan(0);
    for (const migration of MIGRATIONS.slice(0, before)) old.exec(migration.sql);
    old.pragma(`user_version = ${before}`);
    old.prepare("INSERT INTO cooldowns (provider, model, until_ms, error_kind, status, message, updated_at) VALUES ('openai', 'gpt-5.2', 5000, 'rate-limit', 429, 'slow down', 1000)").run();
    old.close();

    const migrated = openDatabase(path);
    try {
      const store = new SqliteCooldownStore(migrated);
      expect(store.get(GPT, '0123456789abcdef')).toMatchObject({ endpoint: '', untilMs: 5000, errorKind: 'rate-limit', status: 429, message: 'slow down' });
      // A newer, later row of one endpoint wins there; the old row still covers the others.
      store.coolDown(GPT, { endpoint: '0123456789abcdef', untilMs: 9000, errorKind: 'server', now: 2000 });
      expect(store.get(GPT, '0123456789abcdef')?.untilMs).toBe(9000);
      expect(store.get(GPT, 'fedcba9876543210')?.untilMs).toBe(5000);
      expect(store.clear(GPT)).toBe(2);
    } finally {
      migrated.close();
    }
  });
});
