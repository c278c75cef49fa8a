/** Which half of hybrid search found a memory. */
export type FoundBy = 'text' | 'vector';

export interface FusedHit {
  id: number;
  /** Reciprocal-rank fusion score: the sum of weight / (K + rank) over the lists that hold it. */
  score: number;
  foundBy: FoundBy[];
  textRank?: number;
  vectorDistance?: number;
}

/** RRF's constant: 60, as in the paper (Cormack et al.), damps the weight of the very first ranks. */
export const RRF_K = 60;

/**
 * The halves' weights. Meaning beats shared words (a paraphrase shares few), but a memory both
 * halves agree on beats either alone; OpenClaw weighs them 0.3 / 0.7 too.
 */
export const TEXT_WEIGHT = 0.3;
export const VECTOR_WEIGHT = 0.7;

/**
 * Weighted reciprocal-rank fusion of BM25 (best first) and KNN (nearest first) lists. Ranks, not
 * raw scores, are fused: BM25 and cosine distance have no common scale.
 */
export function fuseRankings(text: ReadonlyArray<{ id: number; rank: number }>, vector: ReadonlyArray<{ id: number; distance: number }>): FusedHit[] {
  const hits = new Map<number, FusedHit>();
  const hit = (id: number): FusedHit => {
    let existing = hits.get(id);
    if (!existing) {
      existing = { id, score: 0, foundBy: [] };
      hits.set(id, existing);
    }
    return existing;
  };
  text.forEach((entry, index) => {
    const fused = hit(entry.id);
    fused.score += TEXT_WEIGHT / (RRF_K + index + 1);
    fused.foundBy.push('text');
    fused.textRank = index + 1;
  });
  vector.forEach((entry, index) => {
    const fused = hit(entry.id);
    fused.score += VECTOR_WEIGHT / (RRF_K + index + 1);
    fused.foundBy.push('vector');
    fused.vectorDistance = entry.distance;
  });
  return [...hits.values()];
}
