/**
 * How sure openkoi still is of a memory. Confidence halves every half-life after it was last set
 * (created or reinforced); reinforcement raises it and lengthens the half-life, which is capped so
 * that no memory becomes permanent by being repeated (Omegon's facts stretched to years without
 * a cap).
 */
export const DAY_MS = 86_400_000;
export const INITIAL_HALF_LIFE_DAYS = 14;
export const MAX_HALF_LIFE_DAYS = 90;
/** Below this a memory is pruned: it would no longer win a tie-break against anything. */
export const PRUNE_FLOOR = 0.05;

export interface DecayState {
  /** Confidence as of `since`. */
  confidence: number;
  halfLifeDays: number;
  /** Epoch ms the confidence was set. */
  since: number;
}

export function currentConfidence(state: DecayState, now: number): number {
  const elapsedDays = Math.max(0, now - state.since) / DAY_MS;
  return state.confidence * 0.5 ** (elapsedDays / state.halfLifeDays);
}

/** A near-duplicate was learned again: confidence climbs toward 1 and the half-life doubles, up to the cap. */
export function reinforce(state: DecayState, now: number): DecayState {
  const current = currentConfidence(state, now);
  return {
    confidence: Math.min(1, current + 0.3 * (1 - current)),
    halfLifeDays: Math.min(MAX_HALF_LIFE_DAYS, state.halfLifeDays * 2),
    since: now,
  };
}
