import { afterEach, describe, expect, it } from 'vitest';
import { GatewayTokenStore, TokenStoreError } from '../../src/gateway/token-store.js';
import { TemporaryDatabase } from '../routing/routing-harness.js';

let database: TemporaryDatabase | undefined;
afterEach(() => {
  database?.close();
  database = undefined;
});

function store(now: () => number = () => 1_000): GatewayTokenStore {
  database = new TemporaryDatabase();
  return new GatewayTokenStore(database.database, now);
}

describe('gateway tokens at rest', () => {
  it('stores a hash, never the secret, and checks a presented secret against it', () => {
    const tokens = store();
    const secret = tokens.create({ name: 'ci' });
    const rows = database!.database.prepare('SELECT * FROM gateway_tokens').all() as Array<Record<string, unknown>>;
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(rows[0]!['token_hash']).toMatch(/^[0-9a-f]{64}$/);
    expect(tokens.check(secret)).toMatchObject({ ok: true, token: { name: 'ci' } });
    expect(tokens.check(secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A'))).toEqual({ ok: false, reason: 'unknown' });
    expect(tokens.check(undefined)).toEqual({ ok: false, reason: 'missing' });
  });

  it('expires at its deadline', () => {
    let now = 1_000;
    const tokens = store(() => now);
    const secret = tokens.create({ name: 'short', expiresAt: 2_000 });
    expect(tokens.check(secret).ok).toBe(true);
    now = 2_000;
    expect(tokens.check(secret)).toEqual({ ok: false, reason: 'expired' });
    expect(tokens.hasValidTokens()).toBe(false);
  });

  it('refuses a second valid token of the same name; a revoked name may be reused, the old secret stays dead', () => {
    const tokens = store();
    const first = tokens.create({ name: 'ci' });
    expect(() => tokens.create({ name: 'ci' })).toThrow(TokenStoreError);
    expect(tokens.revoke('ci')).toBe(true);
    expect(tokens.revoke('ci')).toBe(false);
    const second = tokens.create({ name: 'ci' });
    expect(tokens.check(first)).toEqual({ ok: false, reason: 'unknown' });
    expect(tokens.check(second).ok).toBe(true);
  });

  it('refuses names that would not read well in tables and headers', () => {
    const tokens = store();
    for (const name of ['', 'has space', '-dash-first', 'x'.repeat(65)]) expect(() => tokens.create({ name })).toThrow(TokenStoreError);
  });
});
