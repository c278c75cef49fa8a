import { z } from 'zod';

export type Severity = 'blocker' | 'important' | 'suggestion';

export interface Finding {
  severity: Severity;
  dimension?: string;
  message: string;
  fix?: string;
}

export interface DimensionScore {
  dimension: string;
  score: number;
  weight: number;
}

export interface Evaluation {
  /** Weighted composite 0..1; undefined when the judge's output could not be used. */
  score: number | undefined;
  scores: DimensionScore[];
  findings: Finding[];
  summary?: string;
}

export const judgeReplySchema = z.object({
  scores: z.record(z.string(), z.number().min(0).max(1)),
  findings: z
    .array(
      z.object({
        severity: z.enum(['blocker', 'important', 'suggestion']),
        dimension: z.string().optional(),
        message: z.string().min(1),
        fix: z.string().optional(),
      }),
    )
    .default([]),
  summary: z.string().optional(),
});
