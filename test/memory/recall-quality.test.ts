import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/memory/database.js';
import { SemanticMemory } from '../../src/memory/semantic-memory.js';
import type { Embedded, TextEmbedder } from '../../src/memory/text-embedder.js';
import { OFFLINE_EMBEDDING_MODEL, OfflineEmbedder } from '../../src/providers/offline/offline-embedder.js';
import { CORPUS, QUERIES } from './fixtures/recall-corpus.js';

/** The offline embedder straight, as the gateway would serve it as offline/universal-sentence-encoder. */
class OfflineTextEmbedder implements TextEmbedder {
  readonly preferredModel = `offline/${OFFLINE_EMBEDDING_MODEL}`;
  private readonly provider = new OfflineEmbedder();
  async embed(texts: string[]): Promise<Embedded> {
    return { vectors: await this.provider.embed(texts, { model: OFFLINE_EMBEDDING_MODEL }), model: this.preferredModel };
  }
}

describe('recall quality with the offline embedder', () => {
  it('ranks the expected memory first for at least 18 of 20 queries (exact terms and paraphrases)', async () => {
    expect(new Set(CORPUS).size).toBeGreaterThanOrEqual(200);
    const memory = new SemanticMemory({ database: openDatabase(':memory:'), embedder: new OfflineTextEmbedder() });
    for (const content of CORPUS) memory.store.insert({ kind: 'fact', content });
    const filled = await memory.backfill({ batchSize: 50 });
    expect(filled.embedded).toBe(CORPUS.length);
    let first = 0;
    const misses: string[] = [];
    for (const { query, expected, kind } of QUERIES) {
      const result = await memory.recall(query, { limit: 10 });
      expect(result.vectors.state).toBe('used');
      const top = result.memories[0]?.memory.content;
      if (top === expected) first += 1;
      else misses.push(`${kind} "${query}" → "${top}" (expected "${expected}")`);
    }
    console.log(`recall quality: ${first}/${QUERIES.length} expected memories ranked first${misses.length ? `; misses:\n  ${misses.join('\n  ')}` : ''}`);
    expect(first).toBeGreaterThanOrEqual(18);
  }, 120_000);
});
