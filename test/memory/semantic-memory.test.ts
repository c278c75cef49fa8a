import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/memory/database.js';
import { DAY_MS, MAX_HALF_LIFE_DAYS, PRUNE_FLOOR } from '../../src/memory/memory-decay.js';
import { SemanticMemory } from '../../src/memory/semantic-memory.js';
import type { Embedded, TextEmbedder } from '../../src/memory/text-embedder.js';

/** Bag-of-words vectors: texts sharing words point the same way. Deterministic, no model. */
function wordVector(text: string, dimension: number): Float32Array {
  const vector = new Float32Array(dimension);
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    let hash = 0;
    for (const character of word) hash = (hash * 31 + character.charCodeAt(0)) >>> 0;
    vector[hash % dimension]! += 1;
  }
  return vector;
}

class WordEmbedder implements TextEmbedder {
  calls: string[][] = [];
  constructor(
    readonly preferredModel: string,
    private readonly dimension: number,
    private readonly failing = false,
  ) {}
  async embed(texts: string[]): Promise<Embedded> {
    this.calls.push(texts);
    if (this.failing) throw new Error('embedder down');
    return { vectors: texts.map((text) => wordVector(text, this.dimension)), model: this.preferredModel };
  }
}

function clock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return { now: () => now, advanceDays: (days: number) => (now += days * DAY_MS) };
}

describe('hybrid recall: words and meaning, within a token budget', () => {
  it('finds by shared words and by vector, says which half found it, and respects the budget', async () => {
    const database = openDatabase(':memory:');
    const memory = new SemanticMemory({ database, embedder: new WordEmbedder('test/words', 64) });
    await memory.remember({ kind: 'fact', content: 'This repository uses pnpm, not npm' });
    await memory.remember({ kind: 'learning', content: 'Run the type checker after editing TypeScript files' });
    await memory.remember({ kind: 'learning', content: 'Deployments go through the staging cluster first' });
    const result = await memory.recall('this repository uses pnpm or npm?');
    expect(result.vectors).toEqual({ state: 'used', model: 'test/words' });
    expect(result.memories[0]!.memory.content).toContain('pnpm');
    expect(result.memories[0]!.foundBy).toEqual(['text', 'vector']);
    const tight = await memory.recall('pnpm typescript staging', { budgetTokens: 14 });
    expect(tight.memories.length).toBe(1);
  });

  it('with no memories, nothing is embedded', async () => {
    const embedder = new WordEmbedder('test/words', 64);
    const memory = new SemanticMemory({ database: openDatabase(':memory:'), embedder });
    expect(await memory.recall('anything')).toEqual({ memories: [], vectors: { state: 'not-needed' } });
    expect(embedder.calls).toEqual([]);
  });

  it('a failing embedder leaves text search working and the memory stored', async () => {
    const memory = new SemanticMemory({ database: openDatabase(':memory:'), embedder: new WordEmbedder('test/down', 64, true) });
    const stored = await memory.remember({ kind: 'fact', content: 'The release branch is called trunk' });
    expect(stored.embedError).toBe('embedder down');
    const result = await memory.recall('release branch');
    expect(result.vectors.state).toBe('unavailable');
    expect(result.memories.map((hit) => hit.memory.content)).toEqual(['The release branch is called trunk']);
  });
});

describe('an embedder change re-embeds; recall uses text search meanwhile', () => {
  it('reports the missing vectors, backfills them, then uses vectors again and drops the old space', async () => {
    const database = openDatabase(':memory:');
    const old = new SemanticMemory({ database, embedder: new WordEmbedder('old/model', 32) });
    for (const content of ['Use pnpm for installs', 'Staging deploys first', 'Tests live under test/']) await old.remember({ kind: 'fact', content });
    const embedder = new WordEmbedder('new/model', 48);
    const memory = new SemanticMemory({ database, embedder });
    const during = await memory.recall('pnpm installs');
    expect(during.vectors).toEqual({ state: 'missing', model: 'new/model', missing: 3, total: 3 });
    expect(during.memories[0]!.memory.content).toBe('Use pnpm for installs');
    expect(during.memories[0]!.foundBy).toEqual(['text']);
    const progress: Array<[number, number]> = [];
    const filled = await memory.backfill({ model: 'new/model', batchSize: 2, onProgress: (done, total) => progress.push([done, total]) });
    expect(filled).toMatchObject({ embedded: 3, total: 3, model: 'new/model' });
    expect(progress).toEqual([
      [2, 3],
      [3, 3],
    ]);
    const after = await memory.recall('pnpm installs');
    expect(after.vectors).toEqual({ state: 'used', model: 'new/model' });
    expect(memory.stats().spaces).toEqual([{ model: 'new/model', dimension: 48, vectors: 3 }]);
  });
});

describe('learning again reinforces; confidence decays, capped, and fades out', () => {
  it('the same text or a near-duplicate vector reinforces instead of adding', async () => {
    const memory = new SemanticMemory({ database: openDatabase(':memory:'), embedder: new WordEmbedder('test/words', 64) });
    const first = await memory.remember({ kind: 'learning', content: 'Run the linter before committing' });
    const again = await memory.remember({ kind: 'learning', content: 'Run the linter before committing' });
    const near = await memory.remember({ kind: 'learning', content: 'run the linter before committing!' });
    expect(again.action).toBe('reinforced');
    expect(near.action).toBe('reinforced');
    expect(near.memory.id).toBe(first.memory.id);
    expect(near.memory.timesReinforced).toBe(2);
    expect(memory.store.count()).toBe(1);
  });

  it('halves per half-life; reinforcement doubles the half-life up to 90 days; faded memories are pruned', async () => {
    const time = clock();
    const memory = new SemanticMemory({ database: openDatabase(':memory:'), embedder: new WordEmbedder('test/words', 64), now: time.now });
    const { memory: learned } = await memory.remember({ kind: 'learning', content: 'Prefer small commits' });
    expect(learned.confidence).toBeCloseTo(0.6);
    expect(learned.halfLifeDays).toBe(14);
    time.advanceDays(14);
    expect(memory.store.get(learned.id)!.confidence).toBeCloseTo(0.3);
    let reinforced = learned;
    for (let round = 0; round < 6; round++) reinforced = (await memory.remember({ kind: 'learning', content: 'Prefer small commits' })).memory;
    expect(reinforced.halfLifeDays).toBe(MAX_HALF_LIFE_DAYS);
    const confidence = reinforced.confidence;
    time.advanceDays(MAX_HALF_LIFE_DAYS);
    expect(memory.store.get(learned.id)!.confidence).toBeCloseTo(confidence / 2);
    const { memory: other } = await memory.remember({ kind: 'learning', content: 'Deploy on Tuesdays' });
    // 0.6 halves below the floor after log2(0.6 / floor) half-lives.
    time.advanceDays(14 * Math.ceil(Math.log2(0.6 / PRUNE_FLOOR)));
    const pruned = memory.prune();
    expect(pruned).toContain(other.id);
    expect(pruned).not.toContain(learned.id);
    expect(memory.store.get(other.id)).toBeUndefined();
    expect(await memory.recall('Tuesdays deploy')).toMatchObject({ memories: [] });
  });
});

describe('a memory never holds a secret', () => {
  it('redacts key-shaped text and known secrets before storing', async () => {
    const memory = new SemanticMemory({ database: openDatabase(':memory:'), embedder: new WordEmbedder('test/words', 64), knownSecrets: ['hunter2-secret'] });
    const { memory: stored } = await memory.remember({ kind: 'fact', content: 'The key sk-abcdefghijklmnop1234 and hunter2-secret work' });
    expect(stored.content).not.toContain('sk-abcdefghijklmnop1234');
    expect(stored.content).not.toContain('hunter2-secret');
    expect(stored.content).toContain('[redacted]');
  });
});
