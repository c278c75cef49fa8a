import type { Migration } from './index.js';

export const taskRecords: Migration = {
  name: 'task records: tasks, iterations, findings',
  sql: `
    CREATE TABLE tasks (
      id TEXT PRIMARY KEY,
      created_at INTEGER NOT NULL,
      finished_at INTEGER,
      task TEXT NOT NULL,
      workspace TEXT NOT NULL,
      status TEXT NOT NULL,           -- running | accepted | budget | failed | interrupted
      decision TEXT,                  -- why the loop stopped
      score REAL,
      best_iteration INTEGER,
      answer TEXT,
      models_json TEXT NOT NULL,      -- the ModelRef of each role
      input_tokens INTEGER NOT NULL DEFAULT 0,
      output_tokens INTEGER NOT NULL DEFAULT 0,
      cache_read_tokens INTEGER NOT NULL DEFAULT 0,
      cache_write_tokens INTEGER NOT NULL DEFAULT 0,
      duration_ms INTEGER
    );
    CREATE TABLE iterations (
      task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
      number INTEGER NOT NULL,
      started_at INTEGER NOT NULL,
      plan_json TEXT,
      output TEXT,
      score REAL,
      decision TEXT,
      input_tokens INTEGER NOT NULL DEFAULT 0,
      output_tokens INTEGER NOT NULL DEFAULT 0,
      cache_read_tokens INTEGER NOT NULL DEFAULT 0,
      cache_write_tokens INTEGER NOT NULL DEFAULT 0,
      duration_ms INTEGER,
      attempts_json TEXT,             -- every model attempt: candidate, error kind, status, waited ms
      PRIMARY KEY (task_id, number)
    );
    CREATE TABLE findings (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
      iteration INTEGER NOT NULL,
      severity TEXT NOT NULL,         -- blocker | important | suggestion
      dimension TEXT,
      message TEXT NOT NULL,
      fix TEXT
    );
    CREATE INDEX findings_by_task ON findings(task_id, iteration);
  `,
};
