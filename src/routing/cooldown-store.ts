import type { Database } from '../memory/database.js';
import type { ModelRef } from '../model/model-ref.js';
import type { ProviderErrorKind } from '../providers/provider-error.js';

/** A candidate that is skipped until `untilMs`, and the error that put it there. */
export interface Cooldown {
  candidate: ModelRef;
  /** The endpoint it was earned on (endpoint-fingerprint.ts); '' for any endpoint of the model. */
  endpoint: string;
  untilMs: number;
  errorKind: ProviderErrorKind;
  status?: number;
  message?: string;
  updatedAt: number;
}

export interface CooldownRequest {
  /** The endpoint the error came from (endpoint-fingerprint.ts); none cools every endpoint of the model. */
  endpoint?: string;
  untilMs: number;
  errorKind: ProviderErrorKind;
  status?: number;
  message?: string;
  now: number;
}

/**
 * Where cooldowns live. A deadline only ever grows: a second error never shortens one (the
 * LiteLLM bug #40130), whatever order two processes write in.
 */
export interface CooldownStore {
  /**
   * The candidate's cooldown at this endpoint, expired or not (the caller compares with its
   * clock): its own row, or a row for any endpoint ('') when that one ends later.
   */
  get(candidate: ModelRef, endpoint?: string): Cooldown | undefined;
  /** Extends the deadline to max(existing, requested); returns the row as stored. */
  coolDown(candidate: ModelRef, request: CooldownRequest): Cooldown;
  /** Cooldowns whose deadline is after `now`, earliest first. */
  active(now: number): Cooldown[];
  /** Ends the candidate's cooldowns (at every endpoint), or every one without a candidate; returns how many rows went. */
  clear(candidate?: ModelRef): number;
}

interface CooldownRow {
  provider: string;
  model: string;
  endpoint: string;
  until_ms: number;
  error_kind: string;
  status: number | null;
  message: string | null;
  updated_at: number;
}

/**
 * Cooldowns in `openkoi.db`, so the next openkoi process skips a model that was rate-limited a
 * moment ago. One UPSERT keeps max(existing, new) atomic between processes.
 */
export class SqliteCooldownStore implements CooldownStore {
  private readonly upsert;
  private readonly select;
  private readonly selectActive;
  private readonly deleteOne;
  private readonly deleteAll;

  constructor(database: Database) {
    // The error fields always take the newest error (what the candidate last said); only the
    // deadline keeps the larger of the two.
    this.upsert = database.prepare<[string, string, string, number, string, number | null, string | null, number], CooldownRow>(`
      INSERT INTO cooldowns (provider, model, endpoint, until_ms, error_kind, status, message, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (provider, model, endpoint) DO UPDATE SET
        until_ms = MAX(cooldowns.until_ms, excluded.until_ms),
        error_kind = excluded.error_kind,
        status = excluded.status,
        message = excluded.message,
        updated_at = excluded.updated_at
      RETURNING *
    `);
    // The endpoint's own row or an any-endpoint row, whichever ends later.
    this.select = database.prepare<[string, string, string], CooldownRow>(
      "SELECT * FROM cooldowns WHERE provider = ? AND model = ? AND endpoint IN (?, '') ORDER BY until_ms DESC LIMIT 1",
    );
    this.selectActive = database.prepare<[number], CooldownRow>('SELECT * FROM cooldowns WHERE until_ms > ? ORDER BY until_ms, provider, model, endpoint');
    this.deleteOne = database.prepare<[string, string]>('DELETE FROM cooldowns WHERE provider = ? AND model = ?');
    this.deleteAll = database.prepare('DELETE FROM cooldowns');
  }

  clear(candidate?: ModelRef): number {
    return (candidate ? this.deleteOne.run(candidate.provider, candidate.model) : this.deleteAll.run()).changes;
  }

  get(candidate: ModelRef, endpoint = ''): Cooldown | undefined {
    const row = this.select.get(candidate.provider, candidate.model, endpoint);
    return row ? fromRow(row) : undefined;
  }

  coolDown(candidate: ModelRef, request: CooldownRequest): Cooldown {
    const row = this.upsert.get(
      candidate.provider,
      candidate.model,
      request.endpoint ?? '',
      Math.round(request.untilMs),
      request.errorKind,
      request.status ?? null,
      request.message ?? null,
      request.now,
    );
    return fromRow(row!);
  }

  active(now: number): Cooldown[] {
    return this.selectActive.all(now).map(fromRow);
  }
}

function fromRow(row: CooldownRow): Cooldown {
  return {
    candidate: { provider: row.provider, model: row.model },
    endpoint: row.endpoint,
    untilMs: row.until_ms,
    errorKind: row.error_kind as ProviderErrorKind,
    ...(row.status !== null ? { status: row.status } : {}),
    ...(row.message !== null ? { message: row.message } : {}),
    updatedAt: row.updated_at,
  };
}

/** Cooldowns of this process only: for callers without a database (unit tests, `--no-db` paths). */
export class MemoryCooldownStore implements CooldownStore {
  private readonly rows = new Map<string, Cooldown>();

  get(candidate: ModelRef, endpoint = ''): Cooldown | undefined {
    const own = this.rows.get(key(candidate, endpoint));
    const anyEndpoint = endpoint === '' ? undefined : this.rows.get(key(candidate, ''));
    if (!own || !anyEndpoint) return own ?? anyEndpoint;
    return anyEndpoint.untilMs > own.untilMs ? anyEndpoint : own;
  }

  coolDown(candidate: ModelRef, request: CooldownRequest): Cooldown {
    const endpoint = request.endpoint ?? '';
    const existing = this.rows.get(key(candidate, endpoint));
    const cooldown: Cooldown = {
      candidate,
      endpoint,
      untilMs: Math.max(existing?.untilMs ?? 0, Math.round(request.untilMs)),
      errorKind: request.errorKind,
      ...(request.status !== undefined ? { status: request.status } : {}),
      ...(request.message !== undefined ? { message: request.message } : {}),
      updatedAt: request.now,
    };
    this.rows.set(key(candidate, endpoint), cooldown);
    return cooldown;
  }

  clear(candidate?: ModelRef): number {
    if (!candidate) {
      const count = this.rows.size;
      this.rows.clear();
      return count;
    }
    let count = 0;
    for (const [rowKey, row] of this.rows) {
      if (row.candidate.provider === candidate.provider && row.candidate.model === candidate.model && this.rows.delete(rowKey)) count++;
    }
    return count;
  }

  active(now: number): Cooldown[] {
    return [...this.rows.values()].filter((row) => row.untilMs > now).sort((left, right) => left.untilMs - right.untilMs);
  }
}

function key(candidate: ModelRef, endpoint: string): string {
  return `${candidate.provider}/${candidate.model}\n${endpoint}`;
}
