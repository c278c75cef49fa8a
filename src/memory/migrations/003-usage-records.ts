import type { Migration } from './index.js';

export const usageRecords: Migration = {
  name: 'usage of every model call',
  sql: `
    CREATE TABLE usage (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,            -- epoch ms
      task_id TEXT,
      role TEXT NOT NULL,
      provider TEXT NOT NULL,
      requested_model TEXT NOT NULL,
      response_model TEXT,            -- the model the vendor says served the call
      input_tokens INTEGER NOT NULL,
      output_tokens INTEGER NOT NULL,
      cache_read_tokens INTEGER NOT NULL,
      cache_write_tokens INTEGER NOT NULL,
      reasoning_tokens INTEGER,
      cost_usd REAL,                  -- NULL when the price is unknown
      price_known INTEGER NOT NULL,
      price_source TEXT,              -- config | catalog | subscription | local; NULL when unknown
      cache_saved_usd REAL,           -- cache reads at the input price minus their cost
      cache_write_premium_usd REAL,   -- cache writes' cost above the input price
      outcome TEXT NOT NULL DEFAULT 'ok'   -- ok | error (a reply that then failed still used tokens)
    );
    CREATE INDEX usage_by_time ON usage(at);
    CREATE INDEX usage_by_task ON usage(task_id);
  `,
};
