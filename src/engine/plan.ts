import { z } from 'zod';
import type { RubricDimension } from './skills/skill.js';

export const planSchema = z.object({
  steps: z.array(z.string().min(1)).min(1),
  acceptance_criteria: z.array(z.string().min(1)).default([]),
  evaluator: z.string().optional(),
  /** Task skills the planner chose for the executor, by name. */
  skills: z.array(z.string()).optional(),
});

export interface Plan {
  steps: string[];
  acceptanceCriteria: string[];
  /** The evaluator skill that judges the result. */
  evaluator: string;
  /** Dimensions and weights, taken from the evaluator skill. */
  rubric: RubricDimension[];
  /** Names of the task skills whose instructions the executor gets; none when absent. */
  skills?: string[];
  /** True when the planner's output was unusable and the task itself became the only step. */
  fallback: boolean;
}
