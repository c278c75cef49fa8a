import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../memory/database.js';

/** A client token as stored: never the secret, only its hash. */
export interface GatewayToken {
  name: string;
  createdAt: number;
  expiresAt: number | undefined;
  /** A glob over `provider/model` (or an alias name); undefined: every model. */
  modelPattern: string | undefined;
  budgetUsd: number | undefined;
  revokedAt: number | undefined;
}

export interface NewToken {
  name: string;
  expiresAt?: number;
  modelPattern?: string;
  budgetUsd?: number;
}

export type TokenCheck = { ok: true; token: GatewayToken } | { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'revoked' };

interface TokenRow {
  name: string;
  token_hash: string;
  created_at: number;
  expires_at: number | null;
  model_pattern: string | null;
  budget_usd: number | null;
  revoked_at: number | null;
}

export class TokenStoreError extends Error {
  override name = 'TokenStoreError';
}

const TOKEN_PREFIX = 'okg_';
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function hashOf(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Gateway client tokens in openkoi.db. Secrets are shown once at creation and stored as SHA-256
 * hashes (a token is 256 random bits, so a fast hash is enough: nothing to brute-force). Every
 * check reads the table, so a revocation from another process applies to the next request.
 */
export class GatewayTokenStore {
  // Prepared once: the check runs on every request.
  private readonly byHash: BetterSqlite3.Statement<unknown[]>;
  private readonly spendSince: BetterSqlite3.Statement<unknown[]>;

  constructor(
    private readonly database: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.byHash = database.prepare('SELECT * FROM gateway_tokens WHERE token_hash = ?');
    this.spendSince = database.prepare('SELECT COALESCE(SUM(cost_usd), 0) AS spent FROM usage WHERE source = ? AND at >= ?');
  }

  /** Creates a token and returns its secret, which is not kept anywhere. */
  create(token: NewToken): string {
    if (!NAME_PATTERN.test(token.name)) {
      throw new TokenStoreError(`Token name "${token.name}" must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit.`);
    }
    const existing = this.row(token.name);
    if (existing && existing.revoked_at === null) {
      throw new TokenStoreError(`A token named "${token.name}" already exists; revoke it first (openkoi token revoke ${token.name}) or choose another name.`);
    }
    const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const write = this.database.transaction(() => {
      // A revoked name may be reused; its old row goes (usage rows keep the name as their source).
      if (existing) this.database.prepare('DELETE FROM gateway_tokens WHERE name = ?').run(token.name);
      this.database
        .prepare(
          `INSERT INTO gateway_tokens (name, token_hash, created_at, expires_at, model_pattern, budget_usd)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(token.name, hashOf(secret), this.now(), token.expiresAt ?? null, token.modelPattern ?? null, token.budgetUsd ?? null);
    });
    write.immediate();
    return secret;
  }

  list(): GatewayToken[] {
    return (this.database.prepare('SELECT * FROM gateway_tokens ORDER BY name').all() as TokenRow[]).map(tokenOf);
  }

  /** Revokes a token by name; false when there is no such valid token. */
  revoke(name: string): boolean {
    return this.database.prepare('UPDATE gateway_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL').run(this.now(), name).changes > 0;
  }

  /** Whether any token could be used now. */
  hasValidTokens(): boolean {
    const now = this.now();
    return this.database.prepare('SELECT 1 FROM gateway_tokens WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) LIMIT 1').get(now) !== undefined;
  }

  /** Checks a presented secret. The row is found by hash, then the hashes are compared in constant time. */
  check(secret: string | undefined): TokenCheck {
    if (secret === undefined || secret === '') return { ok: false, reason: 'missing' };
    const presented = hashOf(secret);
    const row = this.byHash.get(presented) as TokenRow | undefined;
    if (!row || !timingSafeEqual(Buffer.from(row.token_hash, 'hex'), Buffer.from(presented, 'hex'))) return { ok: false, reason: 'unknown' };
    if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
    if (row.expires_at !== null && row.expires_at <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, token: tokenOf(row) };
  }

  /** USD spent through a token since it was created (calls of unknown price count nothing). */
  spentUsd(token: Pick<GatewayToken, 'name' | 'createdAt'>): number {
    const row = this.spendSince.get(token.name, token.createdAt) as { spent: number };
    return row.spent;
  }

  private row(name: string): TokenRow | undefined {
    return this.database.prepare('SELECT * FROM gateway_tokens WHERE name = ?').get(name) as TokenRow | undefined;
  }
}

function tokenOf(row: TokenRow): GatewayToken {
  return {
    name: row.name,
    createdAt: row.created_at,
    expiresAt: row.expires_at ?? undefined,
    modelPattern: row.model_pattern ?? undefined,
    budgetUsd: row.budget_usd ?? undefined,
    revokedAt: row.revoked_at ?? undefined,
  };
}
