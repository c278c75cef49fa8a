/** What the rule needs of an iteration whose executor finished (so it has an answer to offer). */
export interface AnswerCandidate {
  score: number | undefined;
}

/**
 * The better answer of the best so far and a newly finished iteration: a scored iteration beats an
 * unscored one and a higher score beats a lower one; a tie keeps the earlier, which reached that
 * score first. While nothing is scored, an unscored answer is still an answer, and the latest one
 * stands: it was planned with everything the earlier ones showed.
 */
export function betterAnswer<Candidate extends AnswerCandidate>(best: Candidate | undefined, challenger: Candidate): Candidate {
  if (best === undefined) return challenger;
  if (challenger.score === undefined) return best.score === undefined ? challenger : best;
  return best.score === undefined || challenger.score > best.score ? challenger : best;
}
