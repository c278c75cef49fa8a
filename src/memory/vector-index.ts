import { ApproximateVectorIndex } from './approximate-vector-index.js';
import type { Database } from './database.js';
import { loadVectorExtension } from './load-vector-extension.js';

/** One embedder model and dimension: its vectors live in their own vec0 table. */
export interface EmbeddingSpace {
  id: number;
  model: string;
  dimension: number;
  table: string;
}

export interface VectorIndexOptions {
  /**
   * From this many vectors in a space, `nearest` asks an HNSW index file (usearch) beside the
   * database instead of scanning the vec0 table: exact KNN is about 12 ms at 10k × 512 and 124 ms at
   * 100k (docs/benchmarks.md, memory). Tests lower it. Infinity switches the index off.
   */
  approximateFrom?: number;
  /**
   * Given: a search never builds or updates the index file itself (minutes at 100k vectors); when
   * the file is missing or behind, the search is exact and this is called, once per space, so the
   * file can be written elsewhere (the app starts `openkoi memory index` in the background).
   * Absent: the search writes the file itself (tests, benches).
   */
  onStale?: (space: EmbeddingSpace) => void;
}

/** What `refreshApproximate` did for a space. */
export type ApproximateRefresh = 'built' | 'updated' | 'current' | 'busy' | 'small' | 'unavailable';

/** Below this, exact vec0 KNN is within the 15 ms recall target (docs/benchmarks.md, memory). */
export const APPROXIMATE_FROM = 20_000;

/**
 * Memory vectors in sqlite-vec `vec0` tables, one per embedding space, so that vectors of two
 * embedders (after a change, or a fallback to another model) are never compared with each other.
 * vec0 row ids are the memories' ids, passed as BigInt (vec0 rejects a JS number as a row id).
 * The vec0 tables are the source of truth; a large space also gets an approximate index file
 * (`ApproximateVectorIndex`), a cache rebuilt from its table whenever it cannot be trusted.
 */
export class VectorIndex {
  private readonly approximateFrom: number;
  private readonly onStale: ((space: EmbeddingSpace) => void) | undefined;
  private readonly staleReported = new Set<number>();
  private readonly approximate = new Map<number, ApproximateVectorIndex>();
  /** How the last `nearest` answered: tests and the bench check that the index was used. */
  lastSearch: { method: 'exact' } | { method: 'approximate'; file: 'used' | 'built' | 'updated' } | undefined;

  constructor(
    private readonly database: Database,
    private readonly now: () => number = Date.now,
    options: VectorIndexOptions = {},
  ) {
    loadVectorExtension(database);
    this.approximateFrom = options.approximateFrom ?? APPROXIMATE_FROM;
    this.onStale = options.onStale;
  }

  /** Brings a large space's index file up to its table now (what `openkoi memory index` runs). */
  refreshApproximate(space: EmbeddingSpace): ApproximateRefresh {
    if (!Number.isFinite(this.approximateFrom) || this.countVectors(space) < this.approximateFrom) return 'small';
    const recordPath = this.recordPath(space);
    const Index = recordPath ? ApproximateVectorIndex.loadLibrary() : undefined;
    if (!recordPath || !Index) return 'unavailable';
    return new ApproximateVectorIndex(this.database, space, recordPath, Index).refresh();
  }

  /** The space of a model and dimension, created (with its vec0 table) on first use. */
  space(model: string, dimension: number): EmbeddingSpace {
    if (!Number.isInteger(dimension) || dimension <= 0 || dimension > 8192) throw new Error(`An embedding of ${dimension} dimensions from ${model} cannot be stored.`);
    const existing = this.database.prepare('SELECT id FROM embedding_spaces WHERE model = ? AND dimension = ?').get(model, dimension) as { id: number } | undefined;
    const at = this.now();
    if (existing) {
      this.database.prepare('UPDATE embedding_spaces SET last_used_at = ? WHERE id = ?').run(at, existing.id);
      return { id: existing.id, model, dimension, table: tableOf(existing.id) };
    }
    const create = this.database.transaction(() => {
      const id = Number(this.database.prepare('INSERT INTO embedding_spaces (model, dimension, created_at, last_used_at) VALUES (?, ?, ?, ?)').run(model, dimension, at, at).lastInsertRowid);
      // Cosine: embedders differ in whether they normalise; cosine does not care.
      this.database.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${tableOf(id)} USING vec0(embedding float[${dimension}] distance_metric=cosine)`);
      return id;
    });
    const id = create.immediate();
    return { id, model, dimension, table: tableOf(id) };
  }

  /** The spaces that hold vectors, most recently used first. */
  spaces(): EmbeddingSpace[] {
    const rows = this.database.prepare('SELECT id, model, dimension FROM embedding_spaces ORDER BY last_used_at DESC, id DESC').all() as Array<{ id: number; model: string; dimension: number }>;
    return rows.map((row) => ({ ...row, table: tableOf(row.id) }));
  }

  put(space: EmbeddingSpace, memoryId: number, vector: Float32Array): void {
    if (vector.length !== space.dimension) throw new Error(`${space.model} returned ${vector.length} dimensions where ${space.dimension} were expected.`);
    const id = BigInt(memoryId);
    this.database.prepare(`DELETE FROM ${space.table} WHERE rowid = ?`).run(id);
    this.database.prepare(`INSERT INTO ${space.table} (rowid, embedding) VALUES (?, ?)`).run(id, vector);
    // A vector at or below the rowids an index file covers (a back-fill, a replacement) is one the
    // file lacks or holds stale: searches scan it exactly until the file is next updated.
    const recordPath = this.recordPath(space);
    if (recordPath) ApproximateVectorIndex.noteStored(recordPath, memoryId);
  }

  /**
   * The k nearest memories, by cosine distance (0 identical, 2 opposite). Exact below
   * `approximateFrom` vectors; above it, from the space's HNSW index file when usearch loads
   * (recall@10 0.97 on real 512-d embeddings at 100k), exact otherwise.
   */
  nearest(space: EmbeddingSpace, vector: Float32Array, k: number): Array<{ id: number; distance: number }> {
    if (k <= 0) return [];
    const approximate = this.approximateIndex(space);
    if (approximate) {
      try {
        const found = approximate.nearest(vector, k);
        if (found) {
          this.lastSearch = { method: 'approximate', file: found.file };
          return found.hits;
        }
        if (this.onStale && !this.staleReported.has(space.id)) {
          this.staleReported.add(space.id);
          this.onStale(space);
        }
      } catch {
        // A damaged or unwritable index file never costs a recall: the exact scan answers, and
        // the record goes so that the next search builds the file afresh.
        ApproximateVectorIndex.remove(this.recordPath(space)!);
      }
    }
    this.lastSearch = { method: 'exact' };
    const rows = this.database.prepare(`SELECT rowid AS id, distance FROM ${space.table} WHERE embedding MATCH ? AND k = ? ORDER BY distance`).all(vector, k) as Array<{
      id: number | bigint;
      distance: number;
    }>;
    return rows.map((row) => ({ id: Number(row.id), distance: row.distance }));
  }

  /** The index file's record beside an on-disk database; none for an in-memory one. */
  private recordPath(space: EmbeddingSpace): string | undefined {
    const path = this.database.name;
    if (!path || path === ':memory:' || this.database.memory) return undefined;
    return ApproximateVectorIndex.recordPathOf(path, space);
  }

  private approximateIndex(space: EmbeddingSpace): ApproximateVectorIndex | undefined {
    if (!Number.isFinite(this.approximateFrom)) return undefined;
    const recordPath = this.recordPath(space);
    if (!recordPath) return undefined;
    if (this.countVectors(space) < this.approximateFrom) return undefined;
    let index = this.approximate.get(space.id);
    if (!index) {
      const Index = ApproximateVectorIndex.loadLibrary();
      if (!Index) return undefined;
      index = new ApproximateVectorIndex(this.database, space, recordPath, Index, this.onStale === undefined);
      this.approximate.set(space.id, index);
    }
    return index;
  }

  /** Memories without a vector in this space (new since, or the space is new): what re-embedding fills. */
  missing(space: EmbeddingSpace, limit = -1): Array<{ id: number; content: string; contentHash: string }> {
    return this.database
      .prepare(`SELECT id, content, content_hash AS contentHash FROM memories WHERE id NOT IN (SELECT rowid FROM ${rowidsOf(space)}) ORDER BY id LIMIT ?`)
      .all(limit) as Array<{ id: number; content: string; contentHash: string }>;
  }

  countMissing(space: EmbeddingSpace): number {
    // Every recall asks this. Against the vec0 table it reads every vector (178 ms at 100k × 512);
    // against its rowid table, 9 ms (docs/benchmarks.md, memory).
    return (this.database.prepare(`SELECT COUNT(*) AS count FROM memories WHERE id NOT IN (SELECT rowid FROM ${rowidsOf(space)})`).get() as { count: number }).count;
  }

  countVectors(space: EmbeddingSpace): number {
    // The shadow rowid table: SQLite counts a plain table without reading its rows.
    return (this.database.prepare(`SELECT COUNT(*) AS count FROM ${rowidsOf(space)}`).get() as { count: number }).count;
  }

  /** A forgotten or pruned memory leaves no vector behind in any space. */
  deleteMemories(ids: readonly number[]): void {
    if (ids.length === 0) return;
    for (const space of this.spaces()) {
      const remove = this.database.prepare(`DELETE FROM ${space.table} WHERE rowid = ?`);
      for (const id of ids) remove.run(BigInt(id));
    }
  }

  /** Once a space covers every memory, the others are dead weight: their tables go (the cache keeps the vectors). */
  dropSpacesOtherThan(keep: EmbeddingSpace): number {
    let dropped = 0;
    for (const space of this.spaces()) {
      if (space.id === keep.id) continue;
      this.database.exec(`DROP TABLE IF EXISTS ${space.table}`);
      const recordPath = this.recordPath(space);
      if (recordPath) ApproximateVectorIndex.remove(recordPath);
      this.database.prepare('DELETE FROM embedding_spaces WHERE id = ?').run(space.id);
      dropped += 1;
    }
    return dropped;
  }
}

function tableOf(spaceId: number): string {
  return `memory_vectors_${spaceId}`;
}

/**
 * sqlite-vec's shadow table of a vec0 table's row ids (sqlite-vec 0.1.x). Reading row ids from
 * the vec0 table itself walks all its vectors; this plain table is counted and probed by B-tree.
 */
export function rowidsOf(space: EmbeddingSpace): string {
  return `${space.table}_rowids`;
}
