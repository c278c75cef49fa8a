import type { Usage } from './usage.js';

const USAGE = Symbol('embedding usage');

/**
 * Embeddings carry the tokens they cost alongside the vectors, without changing what `embed()`
 * returns (a plain array of vectors): the adapter attaches them, routing reads them into the
 * attempt it reports, and the usage recorder writes the row like any other call's.
 */
export function withEmbeddingUsage(vectors: Float32Array[], usage: Usage | undefined): Float32Array[] {
  if (usage) Object.defineProperty(vectors, USAGE, { value: usage, enumerable: false });
  return vectors;
}

export function embeddingUsageOf(vectors: Float32Array[]): Usage | undefined {
  return (vectors as Float32Array[] & { [USAGE]?: Usage })[USAGE];
}
