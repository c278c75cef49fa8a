import type { Database } from './database.js';

export interface TaskListEntry {
  id: string;
  createdAt: number;
  status: string;
  decision: string | null;
  score: number | null;
  iterations: number;
  costUsd: number | null;
  /** Some calls' prices are unknown: the cost is a lower bound. */
  costPartial: boolean;
  models: Record<string, string[]>;
  task: string;
}

export interface TaskDetail extends TaskListEntry {
  workspace: string;
  finishedAt: number | null;
  answer: string | null;
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };
  durationMs: number | null;
  iterationDetails: Array<{
    number: number;
    score: number | null;
    decision: string | null;
    plan: unknown;
    durationMs: number | null;
    attempts: unknown[];
    recalled: Array<{ id: number; score: number }>;
    /** The executor's tool calls, one line each, in order. */
    toolCalls: Array<{ tool: string; summary: string; isError: boolean; durationMs?: number }>;
    findings: Array<{ severity: string; dimension: string | null; message: string; fix: string | null }>;
  }>;
  calls: Array<{ role: string; provider: string; model: string; inputTokens: number; outputTokens: number; costUsd: number | null; outcome: string }>;
}

// The list shows the task's head only: the full text (piped input included) is for `history <id>`.
const TASK_HEAD = 200;

/** Reads (and prunes) the task records: `openkoi history`. */
export class HistoryStore {
  constructor(private readonly database: Database) {}

  list(limit: number): TaskListEntry[] {
    const rows = this.database
      .prepare(
        `SELECT t.id, t.created_at, t.status, t.decision, t.score, t.models_json, substr(t.task, 1, ${TASK_HEAD}) AS task,
           (SELECT COUNT(*) FROM iterations i WHERE i.task_id = t.id) AS iterations,
           (SELECT SUM(cost_usd) FROM usage u WHERE u.task_id = t.id) AS cost,
           (SELECT COUNT(*) FROM usage u WHERE u.task_id = t.id AND u.price_known = 0) AS unpriced
         FROM tasks t ORDER BY t.created_at DESC, t.rowid DESC LIMIT ?`,
      )
      .all(limit) as Array<Record<string, unknown>>;
    return rows.map((row) => this.entryOf(row));
  }

  /** One task by id or by a unique id prefix (ids are UUIDs; the first characters are enough). */
  find(idOrPrefix: string): TaskDetail | undefined | 'ambiguous' {
    const matches = this.database.prepare('SELECT id FROM tasks WHERE id = ? OR id LIKE ? LIMIT 2').all(idOrPrefix, `${idOrPrefix.replace(/[%_]/g, '')}%`) as Array<{ id: string }>;
    const exact = matches.find((match) => match.id === idOrPrefix);
    if (!exact && matches.length > 1) return 'ambiguous';
    const id = exact?.id ?? matches[0]?.id;
    if (!id) return undefined;
    const row = this.database
      .prepare(
        `SELECT t.*, t.task AS task,
           (SELECT COUNT(*) FROM iterations i WHERE i.task_id = t.id) AS iterations,
           (SELECT SUM(cost_usd) FROM usage u WHERE u.task_id = t.id) AS cost,
           (SELECT COUNT(*) FROM usage u WHERE u.task_id = t.id AND u.price_known = 0) AS unpriced
         FROM tasks t WHERE t.id = ?`,
      )
      .get(id) as Record<string, unknown>;
    const iterations = this.database.prepare('SELECT * FROM iterations WHERE task_id = ? ORDER BY number').all(id) as Array<Record<string, unknown>>;
    const findings = this.database.prepare('SELECT iteration, severity, dimension, message, fix FROM findings WHERE task_id = ? ORDER BY id').all(id) as Array<{
      iteration: number;
      severity: string;
      dimension: string | null;
      message: string;
      fix: string | null;
    }>;
    const calls = this.database
      .prepare('SELECT role, provider, requested_model AS model, input_tokens AS inputTokens, output_tokens AS outputTokens, cost_usd AS costUsd, outcome FROM usage WHERE task_id = ? ORDER BY at, id')
      .all(id) as TaskDetail['calls'];
    return {
      ...this.entryOf(row),
      workspace: String(row['workspace']),
      finishedAt: (row['finished_at'] as number | null) ?? null,
      answer: (row['answer'] as string | null) ?? null,
      usage: {
        inputTokens: Number(row['input_tokens']),
        outputTokens: Number(row['output_tokens']),
        cacheReadTokens: Number(row['cache_read_tokens']),
        cacheWriteTokens: Number(row['cache_write_tokens']),
      },
      durationMs: (row['duration_ms'] as number | null) ?? null,
      iterationDetails: iterations.map((iteration) => ({
        number: Number(iteration['number']),
        score: (iteration['score'] as number | null) ?? null,
        decision: (iteration['decision'] as string | null) ?? null,
        plan: parseJson(iteration['plan_json']),
        durationMs: (iteration['duration_ms'] as number | null) ?? null,
        attempts: (parseJson(iteration['attempts_json']) as unknown[] | undefined) ?? [],
        recalled: (parseJson(iteration['recalled_json']) as Array<{ id: number; score: number }> | undefined) ?? [],
        toolCalls: (parseJson(iteration['tool_calls_json']) as Array<{ tool: string; summary: string; isError: boolean; durationMs?: number }> | undefined) ?? [],
        findings: findings.filter((finding) => finding.iteration === Number(iteration['number'])).map(({ iteration: _iteration, ...finding }) => finding),
      })),
      calls,
    };
  }

  /** Deletes tasks created before `before` with their iterations and findings; returns how many. */
  pruneOlderThan(before: number): number {
    const deleted = this.database.prepare('DELETE FROM tasks WHERE created_at < ?').run(before).changes;
    // Give the space back: a pruned 12 MB input should not keep the file at its size.
    if (deleted > 0) this.database.exec('VACUUM');
    return deleted;
  }

  private entryOf(row: Record<string, unknown>): TaskListEntry {
    return {
      id: String(row['id']),
      createdAt: Number(row['created_at']),
      status: String(row['status']),
      decision: (row['decision'] as string | null) ?? null,
      score: (row['score'] as number | null) ?? null,
      iterations: Number(row['iterations']),
      costUsd: (row['cost'] as number | null) ?? null,
      costPartial: Number(row['unpriced']) > 0,
      models: (parseJson(row['models_json']) as Record<string, string[]> | undefined) ?? {},
      task: String(row['task']),
    };
  }
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
