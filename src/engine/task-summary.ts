import { ROLES } from '../model/role.js';
import { z } from 'zod';

const usageSchema = z.object({
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  cacheReadTokens: z.number().int().min(0),
  cacheWriteTokens: z.number().int().min(0),
});

const attemptSchema = z.object({
  role: z.enum(ROLES),
  candidate: z.string(),
  outcome: z.enum(['ok', 'error', 'skipped']),
  errorKind: z.string().optional(),
  status: z.number().optional(),
  waitedMs: z.number().min(0),
  durationMs: z.number().min(0),
  responseModel: z.string().optional(),
  usage: usageSchema.optional(),
  /** The attempt failed after the vendor had reported these counts: they are what it bills so far. */
  usagePartial: z.literal(true).optional(),
  /** The vendor replied without any counts: the cost of this call is unknown, not zero. */
  usageUnknown: z.literal(true).optional(),
});

/** The one JSON object `openkoi --json` prints; tests validate against it. */
export const taskSummarySchema = z.object({
  taskId: z.string(),
  answer: z.string().nullable(),
  score: z.number().min(0).max(1).nullable(),
  decision: z.string(),
  accepted: z.boolean(),
  exitCode: z.number().int(),
  error: z.string().optional(),
  models: z.record(z.string(), z.string()),
  iterations: z.array(
    z.object({
      number: z.number().int().positive(),
      score: z.number().min(0).max(1).nullable(),
      decision: z.string(),
      planSteps: z.array(z.string()),
      durationMs: z.number().min(0),
      usage: usageSchema,
      findings: z.array(
        z.object({ severity: z.enum(['blocker', 'important', 'suggestion']), dimension: z.string().optional(), message: z.string(), fix: z.string().optional() }),
      ),
      /** Why the executor's last turn ended: `length` is a truncated answer, `content-filter` a refusal. */
      finishReason: z.enum(['stop', 'length', 'tool-calls', 'content-filter', 'error', 'other']).optional(),
      rawFinishReason: z.string().optional(),
      /** The vendor's explanation of a refusal. */
      refusal: z.string().optional(),
      /** The executor's reasoning, when the model showed it. */
      reasoning: z.string().optional(),
      attempts: z.array(attemptSchema),
    }),
  ),
  usage: usageSchema,
  costUsd: z.number().min(0),
  /** False when some call's price was unknown: costUsd is then a lower bound. */
  costKnown: z.boolean(),
  /** Files the run's tools changed (absent when the run had no tools). */
  changes: z
    .array(z.object({ path: z.string(), status: z.enum(['added', 'modified', 'deleted']), additions: z.number().int().min(0), deletions: z.number().int().min(0), diff: z.string() }))
    .optional(),
  /** The commit --commit made of the changes (absent when nothing was committed). */
  commit: z.string().optional(),
  durationMs: z.number().min(0),
});

export type TaskSummary = z.infer<typeof taskSummarySchema>;
