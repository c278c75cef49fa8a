import type { Database } from './database.js';

/** Vectors by content hash and model: a text is embedded by a model once, whatever asks again. */
export class EmbeddingCache {
  constructor(
    private readonly database: Database,
    private readonly now: () => number = Date.now,
  ) {}

  get(contentHash: string, model: string): Float32Array | undefined {
    const row = this.database.prepare('SELECT vector FROM embedding_cache WHERE content_hash = ? AND model = ?').get(contentHash, model) as { vector: Buffer } | undefined;
    if (!row) return undefined;
    // Copy out of the row's buffer: it may not be aligned for a Float32Array view.
    const bytes = new Uint8Array(row.vector);
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }

  put(contentHash: string, model: string, vector: Float32Array): void {
    this.database
      .prepare('INSERT OR REPLACE INTO embedding_cache (content_hash, model, dimension, vector, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(contentHash, model, vector.length, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength), this.now());
  }

  count(): number {
    return (this.database.prepare('SELECT COUNT(*) AS count FROM embedding_cache').get() as { count: number }).count;
  }
}
