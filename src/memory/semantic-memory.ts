import { redactSecrets } from '../providers/redact-secrets.js';
import { contentHash } from './content-hash.js';
import type { Database } from './database.js';
import { EmbeddingCache } from './embedding-cache.js';
import { fuseRankings, type FoundBy } from './fuse-rankings.js';
import { PRUNE_FLOOR } from './memory-decay.js';
import { MemoryStore, type Memory, type NewMemory } from './memory-store.js';
import type { TextEmbedder } from './text-embedder.js';
import { VectorIndex, type ApproximateRefresh, type EmbeddingSpace, type VectorIndexOptions } from './vector-index.js';

/** Cosine distance at or under which a new memory is the same lesson as an old one (similarity ≥ 0.88). */
export const DUPLICATE_DISTANCE = 0.12;
/** Vector hits farther than this are not related enough to spend context on. */
export const RELATED_DISTANCE = 0.75;
/** How many candidates each half of hybrid search contributes before fusion. */
const CANDIDATES_PER_HALF = 50;
export const DEFAULT_RECALL_TOKENS = 1500;
export const DEFAULT_RECALL_LIMIT = 10;

export interface RecalledMemory {
  memory: Memory;
  score: number;
  foundBy: FoundBy[];
  vectorDistance?: number;
}

/**
 * How the vector half went: used; skipped because the space lacks vectors (a new embedder, being
 * re-embedded); unavailable (the embedder failed); or not needed (no memories).
 */
export type VectorStatus =
  | { state: 'used'; model: string }
  | { state: 'missing'; model: string; missing: number; total: number }
  | { state: 'unavailable'; reason: string }
  | { state: 'not-needed' };

export interface RecallResult {
  memories: RecalledMemory[];
  vectors: VectorStatus;
}

export interface RememberResult {
  memory: Memory;
  action: 'added' | 'reinforced';
  /** Set when no vector could be made: the memory is stored and embedded later. */
  embedError?: string;
}

export interface SemanticMemoryOptions {
  database: Database;
  /** Absent: text search only (and nothing is embedded). */
  embedder?: TextEmbedder;
  now?: () => number;
  /** Known secret values (API keys in use) masked besides the shapes redactSecrets knows. */
  knownSecrets?: ReadonlyArray<string | undefined>;
  /** How large spaces are searched (the approximate index, and who writes its file). */
  vectorIndex?: VectorIndexOptions;
}

/** A rough token count (≈ 4 characters each) for the recall budget; the vendors' tokenizers differ anyway. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * What openkoi remembers: memories in SQLite, FTS5 for words, sqlite-vec for meaning, the
 * embedding cache so a text is embedded once per model. Hybrid recall fuses both halves.
 */
export class SemanticMemory {
  readonly store: MemoryStore;
  private readonly cache: EmbeddingCache;
  private vectorIndex: VectorIndex | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SemanticMemoryOptions) {
    this.now = options.now ?? Date.now;
    this.store = new MemoryStore(options.database, this.now);
    this.cache = new EmbeddingCache(options.database, this.now);
  }

  /** sqlite-vec is loaded on the first use of vectors, not when memory is merely listed. */
  private get index(): VectorIndex {
    this.vectorIndex ??= new VectorIndex(this.options.database, this.now, this.options.vectorIndex);
    return this.vectorIndex;
  }

  /** Redacted and trimmed: a secret never reaches the database, whoever wrote the text. */
  clean(content: string): string {
    return redactSecrets(content, this.options.knownSecrets ?? []).trim();
  }

  /**
   * Stores a memory, or reinforces the existing one when it is the same text or a near-duplicate
   * by vector similarity. A failing embedder never loses the memory: it is embedded later.
   */
  async remember(input: NewMemory, signal?: AbortSignal): Promise<RememberResult> {
    const content = this.clean(input.content);
    if (content === '') throw new Error('A memory needs some text.');
    const same = this.store.findByHash(contentHash(content));
    if (same) return { memory: this.store.reinforce(same.id)!, action: 'reinforced' };
    let embedded: { vector: Float32Array; space: EmbeddingSpace } | undefined;
    let embedError: string | undefined;
    try {
      embedded = await this.embedOne(content, signal);
    } catch (error) {
      embedError = (error as Error).message;
    }
    if (embedded) {
      const [nearest] = this.index.nearest(embedded.space, embedded.vector, 1);
      if (nearest && nearest.distance <= DUPLICATE_DISTANCE) {
        const reinforced = this.store.reinforce(nearest.id);
        if (reinforced) return { memory: reinforced, action: 'reinforced' };
      }
    }
    const memory = this.store.insert({ ...input, content });
    if (embedded) this.index.put(embedded.space, memory.id, embedded.vector);
    return { memory, action: 'added', ...(embedError ? { embedError } : {}) };
  }

  /**
   * Hybrid recall: BM25 and KNN fused by reciprocal rank, confidence then recency breaking ties,
   * the best first until the token budget is spent. With no memories nothing is embedded (the
   * offline model is not even loaded); with a space lacking vectors, text alone answers.
   */
  async recall(query: string, options: { budgetTokens?: number; limit?: number; markUsed?: boolean; signal?: AbortSignal } = {}): Promise<RecallResult> {
    if (this.store.count() === 0) return { memories: [], vectors: { state: 'not-needed' } };
    const textHits = this.store.searchText(query, CANDIDATES_PER_HALF);
    let vectorHits: Array<{ id: number; distance: number }> = [];
    let vectors: VectorStatus;
    try {
      const { vector, space } = await this.embedOne(this.clean(query), options.signal);
      const missing = this.index.countMissing(space);
      if (missing > 0) {
        vectors = { state: 'missing', model: space.model, missing, total: this.store.count() };
      } else {
        vectorHits = this.index.nearest(space, vector, CANDIDATES_PER_HALF).filter((hit) => hit.distance <= RELATED_DISTANCE);
        vectors = { state: 'used', model: space.model };
      }
    } catch (error) {
      vectors = { state: 'unavailable', reason: (error as Error).message };
    }
    const fused = fuseRankings(textHits, vectorHits);
    const found = this.store.getMany(fused.map((hit) => hit.id));
    const ranked = fused
      .filter((hit) => found.has(hit.id))
      .map((hit) => ({ memory: found.get(hit.id)!, score: hit.score, foundBy: hit.foundBy, ...(hit.vectorDistance !== undefined ? { vectorDistance: hit.vectorDistance } : {}) }))
      .sort(
        (a, b) =>
          b.score - a.score ||
          b.memory.confidence - a.memory.confidence ||
          Math.max(b.memory.reinforcedAt, b.memory.lastUsedAt ?? 0) - Math.max(a.memory.reinforcedAt, a.memory.lastUsedAt ?? 0),
      );
    const limit = options.limit ?? DEFAULT_RECALL_LIMIT;
    const budget = options.budgetTokens ?? Number.POSITIVE_INFINITY;
    const chosen: RecalledMemory[] = [];
    let spent = 0;
    for (const hit of ranked) {
      if (chosen.length >= limit) break;
      const cost = estimateTokens(hit.memory.content) + 4;
      // A memory that does not fit is skipped; a shorter one after it may still.
      if (spent + cost > budget) continue;
      chosen.push(hit);
      spent += cost;
    }
    if (options.markUsed) this.store.markUsed(chosen.map((hit) => hit.memory.id));
    return { memories: chosen, vectors };
  }

  forget(id: number): boolean {
    const deleted = this.store.delete(id);
    if (deleted && this.hasSpaces()) this.index.deleteMemories([id]);
    return deleted;
  }

  /** Deletes memories whose decayed confidence fell below the floor. */
  prune(floor = PRUNE_FLOOR): number[] {
    const pruned = this.store.prune(floor);
    if (pruned.length > 0 && this.hasSpaces()) this.index.deleteMemories(pruned);
    return pruned;
  }

  /**
   * Fills the vectors a space lacks, in batches, from the cache first and the embedder for the
   * rest. Each batch is committed: an interrupted run keeps its progress and the next resumes.
   * Once the space covers every memory, the other spaces' tables are dropped.
   */
  async backfill(options: { model?: string; batchSize?: number; signal?: AbortSignal; onProgress?: (done: number, total: number, model: string) => void } = {}): Promise<{ embedded: number; total: number; model: string | undefined }> {
    const embedder = this.options.embedder;
    if (!embedder) return { embedded: 0, total: 0, model: undefined };
    const batchSize = options.batchSize ?? 32;
    let space = this.spaceOf(options.model ?? embedder.preferredModel);
    let embedded = 0;
    let total = space ? this.index.countMissing(space) : this.store.count();
    for (;;) {
      if (options.signal?.aborted) break;
      const batch = space ? this.index.missing(space, batchSize) : this.store.list({ limit: batchSize }).map((memory) => ({ id: memory.id, content: memory.content, contentHash: memory.contentHash }));
      if (batch.length === 0) break;
      const uncached = space ? batch.filter((row) => !this.cache.get(row.contentHash, space!.model)) : batch;
      let result: { vectors: Float32Array[]; model: string } | undefined;
      if (uncached.length > 0) {
        result = await embedder.embed(
          uncached.map((row) => row.content),
          options.signal,
        );
        uncached.forEach((row, index) => this.cache.put(row.contentHash, result!.model, result!.vectors[index]!));
        const servedSpace = this.index.space(result.model, result.vectors[0]!.length);
        if (space && servedSpace.id !== space.id) {
          // The chain fell back to another model: its vectors are cached, the space waits for its own.
          break;
        }
        if (!space) total = this.index.countMissing(servedSpace);
        space = servedSpace;
      }
      const target = space!;
      const write = this.options.database.transaction(() => {
        for (const row of batch) {
          const vector = this.cache.get(row.contentHash, target.model);
          if (vector && vector.length === target.dimension) this.index.put(target, row.id, vector);
        }
      });
      write();
      embedded += batch.length;
      options.onProgress?.(Math.min(embedded, total), total, target.model);
    }
    if (space && this.index.countMissing(space) === 0) this.index.dropSpacesOtherThan(space);
    return { embedded, total, model: space?.model };
  }

  stats(): { memories: number; byKind: Record<string, number>; cachedEmbeddings: number; spaces: Array<{ model: string; dimension: number; vectors: number }> } {
    return {
      memories: this.store.count(),
      byKind: this.store.countByKind(),
      cachedEmbeddings: this.cache.count(),
      spaces: this.hasSpaces() ? this.index.spaces().map((space) => ({ model: space.model, dimension: space.dimension, vectors: this.index.countVectors(space) })) : [],
    };
  }

  /** Whether any vector space exists: asked without loading sqlite-vec (listing memories never needs it). */
  private hasSpaces(): boolean {
    return this.options.database.prepare('SELECT 1 FROM embedding_spaces LIMIT 1').get() !== undefined;
  }

  /** Writes the approximate index file of every large space now (`openkoi memory index`). */
  refreshApproximateIndexes(): Array<{ model: string; dimension: number; vectors: number; result: ApproximateRefresh; seconds: number }> {
    if (!this.hasSpaces()) return [];
    return this.index.spaces().map((space) => {
      const startedAt = performance.now();
      const result = this.index.refreshApproximate(space);
      return { model: space.model, dimension: space.dimension, vectors: this.index.countVectors(space), result, seconds: (performance.now() - startedAt) / 1000 };
    });
  }

  /** One text's vector and its space: from the cache under the preferred model, else the embedder. */
  private async embedOne(text: string, signal?: AbortSignal): Promise<{ vector: Float32Array; space: EmbeddingSpace }> {
    const embedder = this.options.embedder;
    if (!embedder) throw new Error('no embedder is configured');
    const hash = contentHash(text);
    const preferred = embedder.preferredModel;
    const cached = preferred ? this.cache.get(hash, preferred) : undefined;
    if (cached && preferred) return { vector: cached, space: this.index.space(preferred, cached.length) };
    const result = await embedder.embed([text], signal);
    const vector = result.vectors[0];
    if (!vector) throw new Error(`${result.model} returned no embedding`);
    this.cache.put(hash, result.model, vector);
    return { vector, space: this.index.space(result.model, vector.length) };
  }

  private spaceOf(model: string | undefined): EmbeddingSpace | undefined {
    if (!model) return undefined;
    return this.index.spaces().find((space) => space.model === model);
  }
}
