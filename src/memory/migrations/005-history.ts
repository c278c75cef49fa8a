import type { Migration } from './index.js';

/**
 * History: which memories each iteration recalled, an index for `openkoi history` and its
 * pruning by age, and the piped input stored once (iterations no longer repeat the task in a plan).
 */
export const history: Migration = {
  name: 'recalled memories per iteration; tasks by time',
  sql: `
    ALTER TABLE iterations ADD COLUMN recalled_json TEXT;   -- [{id, score}] of the memories in its context
    CREATE INDEX tasks_by_time ON tasks(created_at);
  `,
};
