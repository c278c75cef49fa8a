import type { Migration } from './index.js';

export const cooldowns: Migration = {
  name: 'cooldowns shared between openkoi processes',
  sql: `
    CREATE TABLE cooldowns (
      provider TEXT NOT NULL,
      model TEXT NOT NULL,
      until_ms INTEGER NOT NULL,      -- epoch ms; a candidate is skipped until then
      error_kind TEXT NOT NULL,
      status INTEGER,
      message TEXT,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (provider, model)
    );
  `,
};
