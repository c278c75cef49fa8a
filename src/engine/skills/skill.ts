export interface RubricDimension {
  dimension: string;
  weight: number;
  description: string;
}

export interface Skill {
  name: string;
  kind: 'task' | 'evaluator';
  description: string;
  rubric: RubricDimension[];
  /** The instructions after the front matter. */
  body: string;
  /** Where it was loaded from (bundled, user or project). */
  path: string;
}
