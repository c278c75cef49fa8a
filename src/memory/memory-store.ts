import { contentHash } from './content-hash.js';
import type { Database } from './database.js';
import { currentConfidence, INITIAL_HALF_LIFE_DAYS, MAX_HALF_LIFE_DAYS, reinforce } from './memory-decay.js';

export const MEMORY_KINDS = ['learning', 'anti-pattern', 'fact', 'task-summary'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

export interface Memory {
  id: number;
  kind: MemoryKind;
  content: string;
  contentHash: string;
  sourceTask: string | undefined;
  /** Confidence now, after decay. */
  confidence: number;
  halfLifeDays: number;
  createdAt: number;
  reinforcedAt: number;
  lastUsedAt: number | undefined;
  timesReinforced: number;
}

export interface NewMemory {
  kind: MemoryKind;
  content: string;
  sourceTask?: string;
  confidence?: number;
  halfLifeDays?: number;
}

interface MemoryRow {
  id: number;
  kind: MemoryKind;
  content: string;
  content_hash: string;
  source_task: string | null;
  confidence: number;
  half_life_days: number;
  created_at: number;
  reinforced_at: number;
  last_used_at: number | null;
  times_reinforced: number;
}

/** Rows of the `memories` table (FTS5 follows them through triggers). Knows no vectors. */
export class MemoryStore {
  constructor(
    private readonly database: Database,
    private readonly now: () => number = Date.now,
  ) {}

  insert(memory: NewMemory): Memory {
    const at = this.now();
    // A fact the user states is as sure as it gets; what openkoi draws itself starts lower.
    const confidence = memory.confidence ?? (memory.kind === 'fact' ? 1 : 0.6);
    const halfLife = memory.halfLifeDays ?? (memory.kind === 'fact' ? MAX_HALF_LIFE_DAYS : INITIAL_HALF_LIFE_DAYS);
    const result = this.database
      .prepare(
        `INSERT INTO memories (kind, content, content_hash, source_task, confidence, half_life_days, created_at, reinforced_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(memory.kind, memory.content, contentHash(memory.content), memory.sourceTask ?? null, confidence, halfLife, at, at);
    return this.get(Number(result.lastInsertRowid))!;
  }

  get(id: number): Memory | undefined {
    const row = this.database.prepare('SELECT * FROM memories WHERE id = ?').get(id) as MemoryRow | undefined;
    return row ? this.toMemory(row) : undefined;
  }

  getMany(ids: readonly number[]): Map<number, Memory> {
    const result = new Map<number, Memory>();
    if (ids.length === 0) return result;
    const rows = this.database.prepare(`SELECT * FROM memories WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as MemoryRow[];
    for (const row of rows) result.set(row.id, this.toMemory(row));
    return result;
  }

  findByHash(hash: string): Memory | undefined {
    const row = this.database.prepare('SELECT * FROM memories WHERE content_hash = ? ORDER BY id LIMIT 1').get(hash) as MemoryRow | undefined;
    return row ? this.toMemory(row) : undefined;
  }

  /** Newest first. */
  list(options: { limit?: number; kind?: MemoryKind } = {}): Memory[] {
    const rows = this.database
      .prepare(`SELECT * FROM memories ${options.kind ? 'WHERE kind = @kind' : ''} ORDER BY created_at DESC, id DESC LIMIT @limit`)
      .all({ limit: options.limit ?? -1, ...(options.kind ? { kind: options.kind } : {}) }) as MemoryRow[];
    return rows.map((row) => this.toMemory(row));
  }

  count(): number {
    return (this.database.prepare('SELECT COUNT(*) AS count FROM memories').get() as { count: number }).count;
  }

  countByKind(): Record<string, number> {
    const rows = this.database.prepare('SELECT kind, COUNT(*) AS count FROM memories GROUP BY kind').all() as Array<{ kind: string; count: number }>;
    return Object.fromEntries(rows.map((row) => [row.kind, row.count]));
  }

  delete(id: number): boolean {
    return this.database.prepare('DELETE FROM memories WHERE id = ?').run(id).changes > 0;
  }

  /** The same lesson learned again: more confidence, a longer (capped) half-life. */
  reinforce(id: number): Memory | undefined {
    const memory = this.get(id);
    if (!memory) return undefined;
    const at = this.now();
    const row = this.database.prepare('SELECT confidence, half_life_days, reinforced_at FROM memories WHERE id = ?').get(id) as MemoryRow;
    const next = reinforce({ confidence: row.confidence, halfLifeDays: row.half_life_days, since: row.reinforced_at }, at);
    this.database
      .prepare('UPDATE memories SET confidence = ?, half_life_days = ?, reinforced_at = ?, times_reinforced = times_reinforced + 1 WHERE id = ?')
      .run(next.confidence, next.halfLifeDays, next.since, id);
    return this.get(id);
  }

  markUsed(ids: readonly number[]): void {
    if (ids.length === 0) return;
    this.database.prepare('UPDATE memories SET last_used_at = ? WHERE id IN (SELECT value FROM json_each(?))').run(this.now(), JSON.stringify(ids));
  }

  /**
   * BM25 over the FTS5 index, best first. The query is reduced to its words, each quoted, joined
   * with OR: a user's text is never FTS5 syntax (a stray quote or `-` would be an error).
   */
  searchText(query: string, limit: number): Array<{ id: number; rank: number }> {
    const words = [...new Set(query.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [])].filter((word) => word.length > 1 && !STOP_WORDS.has(word));
    if (words.length === 0) return [];
    const match = words.map((word) => `"${word}"`).join(' OR ');
    return this.database
      .prepare('SELECT rowid AS id, bm25(memories_fts) AS rank FROM memories_fts WHERE memories_fts MATCH ? ORDER BY rank LIMIT ?')
      .all(match, limit) as Array<{ id: number; rank: number }>;
  }

  /** Deletes the memories whose decayed confidence fell below the floor; returns their ids. */
  prune(floor: number): number[] {
    const at = this.now();
    const rows = this.database.prepare('SELECT id, confidence, half_life_days, reinforced_at FROM memories').all() as MemoryRow[];
    const doomed = rows
      .filter((row) => currentConfidence({ confidence: row.confidence, halfLifeDays: row.half_life_days, since: row.reinforced_at }, at) < floor)
      .map((row) => row.id);
    if (doomed.length > 0) this.database.prepare('DELETE FROM memories WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(doomed));
    return doomed;
  }

  private toMemory(row: MemoryRow): Memory {
    return {
      id: row.id,
      kind: row.kind,
      content: row.content,
      contentHash: row.content_hash,
      sourceTask: row.source_task ?? undefined,
      confidence: currentConfidence({ confidence: row.confidence, halfLifeDays: row.half_life_days, since: row.reinforced_at }, this.now()),
      halfLifeDays: row.half_life_days,
      createdAt: row.created_at,
      reinforcedAt: row.reinforced_at,
      lastUsedAt: row.last_used_at ?? undefined,
      timesReinforced: row.times_reinforced,
    };
  }
}

// Common English words (a standard stop list): they match nearly every memory and turn BM25's
// OR query for a question ("how long does it take...") into noise.
const STOP_WORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between both but by can could ' +
    'did do does doing down during each few for from further had has have having he her here hers him his how i if in into is it its itself ' +
    'just me more most my no nor not now of off on once only or other our ours out over own same she should so some such than that the their ' +
    'them then there these they this those through to too under until up very was we were what when where which while who whom why will with ' +
    'would you your yours us use used uses using get gets got may might must shall let lets ever every'
  ).split(' '),
);
