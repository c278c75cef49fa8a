import type { Database } from '../memory/database.js';
import type { ModelRef } from '../model/model-ref.js';
import type { ProviderErrorKind } from '../providers/provider-error.js';

/** A candidate that is skipped until `untilMs`, and the error that put it there. */
export interface Cooldown {
  candidate: ModelRef;
  untilMs: number;
  errorKind: ProviderErrorKind;
  status?: number;
  message?: string;
  updatedAt: number;
}

export interface CooldownRequest {
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
  /** The candidate's cooldown row, expired or not (the caller compares with its clock). */
  get(candidate: ModelRef): Cooldown | undefined;
  /** Extends the deadline to max(existing, requested); returns the row as stored. */
  coolDown(candidate: ModelRef, request: CooldownRequest): Cooldown;
  /** Cooldowns whose deadline is after `now`, earliest first. */
  active(now: number): Cooldown[];
  /** Ends the candidate's cooldown, or every one without a candidate; returns how many rows went. */
  clear(candidate?: ModelRef): number;
}

interface CooldownRow {
  provider: string;
  model: string;
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
    this.upsert = database.prepare<[string, string, number, string, number | null, string | null, number], CooldownRow>(`
      INSERT INTO cooldowns (provider, model, until_ms, error_kind, status, message, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (provider, model) DO UPDATE SET
        until_ms = MAX(cooldowns.until_ms, excluded.until_ms),
        error_kind = excluded.error_kind,
        status = excluded.status,
        message = excluded.message,
        updated_at = excluded.updated_at
      RETURNING *
    `);
    this.select = database.prepare<[string, string], CooldownRow>('SELECT * FROM cooldowns WHERE provider = ? AND model = ?');
    this.selectActive = database.prepare<[number], CooldownRow>('SELECT * FROM cooldowns WHERE until_ms > ? ORDER BY until_ms, provider, model');
    this.deleteOne = database.prepare<[string, string]>('DELETE FROM cooldowns WHERE provider = ? AND model = ?');
    this.deleteAll = database.prepare('DELETE FROM cooldowns');
  }

  clear(candidate?: ModelRef): number {
    return (candidate ? this.deleteOne.run(candidate.provider, candidate.model) : this.deleteAll.run()).changes;
  }

  get(candidate: ModelRef): Cooldown | undefined {
    const row = this.select.get(candidate.provider, candidate.model);
    return row ? fromRow(row) : undefined;
  }

  coolDown(candidate: ModelRef, request: CooldownRequest): Cooldown {
    const row = this.upsert.get(
      candidate.provider,
      candidate.model,
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

  get(candidate: ModelRef): Cooldown | undefined {
    return this.rows.get(key(candidate));
  }

  coolDown(candidate: ModelRef, request: CooldownRequest): Cooldown {
    const existing = this.rows.get(key(candidate));
    const cooldown: Cooldown = {
      candidate,
      untilMs: Math.max(existing?.untilMs ?? 0, Math.round(request.untilMs)),
      errorKind: request.errorKind,
      ...(request.status !== undefined ? { status: request.status } : {}),
      ...(request.message !== undefined ? { message: request.message } : {}),
      updatedAt: request.now,
    };
    this.rows.set(key(candidate), cooldown);
    return cooldown;
  }

  clear(candidate?: ModelRef): number {
    if (!candidate) {
      const count = this.rows.size;
      this.rows.clear();
      return count;
    }
    return this.rows.delete(key(candidate)) ? 1 : 0;
  }

  active(now: number): Cooldown[] {
    return [...this.rows.values()].filter((row) => row.untilMs > now).sort((left, right) => left.untilMs - right.untilMs);
  }
}

function key(candidate: ModelRef): string {
  return `${candidate.provider}/${candidate.model}`;
}
