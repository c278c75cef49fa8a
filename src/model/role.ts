/** The four roles a model can play. The order is the one shown to users (status, --json). */
export const ROLES = ['executor', 'evaluator', 'planner', 'embedder'] as const;
export type Role = (typeof ROLES)[number];

/** The roles that generate text, in the order a task calls them; `--model` sets all three. */
export const GENERATING_ROLES = ['planner', 'executor', 'evaluator'] as const satisfies readonly Role[];
