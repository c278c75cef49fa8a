import { randomUUID } from 'node:crypto';
import type { Usage } from '../model/usage.js';
import type { Database } from './database.js';

export interface IterationRecord {
  number: number;
  startedAt: number;
  plan: unknown;
  output: string;
  score: number | undefined;
  decision: string;
  usage: Usage;
  durationMs: number;
  attempts: unknown[];
  /** Why the executor's last turn ended, when it got that far. */
  finishReason?: string;
  findings: Array<{ severity: string; dimension?: string; message: string; fix?: string }>;
  /** The memories recalled into this iteration's context, with their fused scores. */
  recalled?: Array<{ id: number; score: number }>;
  /** The executor's tool calls, one line each (already redacted). */
  toolCalls?: Array<{ tool: string; summary: string; isError: boolean; durationMs?: number }>;
}

export interface TaskOutcome {
  status: 'accepted' | 'below-threshold' | 'budget' | 'failed' | 'interrupted';
  decision: string;
  score: number | undefined;
  bestIteration: number | undefined;
  answer: string | undefined;
  usage: Usage;
  durationMs: number;
}

/** Tasks, iterations and findings in openkoi.db. Each write is its own transaction, so a crash loses nothing already recorded. */
export class TaskStore {
  constructor(
    private readonly database: Database,
    private readonly now: () => number = Date.now,
  ) {}

  createTask(task: string, workspace: string, models: unknown): string {
    const id = randomUUID();
    this.database
      .prepare('INSERT INTO tasks (id, created_at, task, workspace, status, models_json) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, this.now(), task, workspace, 'running', JSON.stringify(models));
    return id;
  }

  recordIteration(taskId: string, iteration: IterationRecord): void {
    const taskText = (this.database.prepare('SELECT task FROM tasks WHERE id = ?').get(taskId) as { task: string } | undefined)?.task;
    const write = this.database.transaction(() => {
      this.database
        .prepare(
          `INSERT INTO iterations (task_id, number, started_at, plan_json, output, score, decision,
             input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, duration_ms, attempts_json, finish_reason, recalled_json, tool_calls_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          taskId,
          iteration.number,
          iteration.startedAt,
          planJson(iteration.plan, taskText),
          iteration.output,
          iteration.score ?? null,
          iteration.decision,
          iteration.usage.inputTokens,
          iteration.usage.outputTokens,
          iteration.usage.cacheReadTokens,
          iteration.usage.cacheWriteTokens,
          iteration.durationMs,
          JSON.stringify(iteration.attempts),
          iteration.finishReason ?? null,
          iteration.recalled ? JSON.stringify(iteration.recalled) : null,
          iteration.toolCalls ? JSON.stringify(iteration.toolCalls) : null,
        );
      const insertFinding = this.database.prepare(
        'INSERT INTO findings (task_id, iteration, severity, dimension, message, fix) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const finding of iteration.findings) {
        insertFinding.run(taskId, iteration.number, finding.severity, finding.dimension ?? null, finding.message, finding.fix ?? null);
      }
    });
    write();
  }

  finishTask(taskId: string, outcome: TaskOutcome): void {
    this.database
      .prepare(
        `UPDATE tasks SET finished_at = ?, status = ?, decision = ?, score = ?, best_iteration = ?, answer = ?,
           input_tokens = ?, output_tokens = ?, cache_read_tokens = ?, cache_write_tokens = ?, duration_ms = ?
         WHERE id = ?`,
      )
      .run(
        this.now(),
        outcome.status,
        outcome.decision,
        outcome.score ?? null,
        outcome.bestIteration ?? null,
        outcome.answer ?? null,
        outcome.usage.inputTokens,
        outcome.usage.outputTokens,
        outcome.usage.cacheReadTokens,
        outcome.usage.cacheWriteTokens,
        outcome.durationMs,
        taskId,
      );
  }
}

/** Marks a plan step that is the task itself (-i 0, a fallback plan): `openkoi history` shows the task there. */
export const TASK_STEP = '(the task)';

/**
 * The plan as stored. A step that is the whole task (with its piped input) is stored as a marker,
 * not a second copy: a 12 MB input used to take 24 MB.
 */
function planJson(plan: unknown, task: string | undefined): string {
  if (task === undefined || typeof plan !== 'object' || plan === null || !Array.isArray((plan as { steps?: unknown }).steps)) return JSON.stringify(plan);
  const steps = (plan as { steps: unknown[] }).steps.map((step) => (step === task ? TASK_STEP : step));
  return JSON.stringify({ ...plan, steps });
}
