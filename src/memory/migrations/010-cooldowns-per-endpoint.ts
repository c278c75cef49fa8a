import type { Migration } from './index.js';

/**
 * A cooldown belongs to the endpoint it was earned on: the same provider/model behind another
 * base URL or another key is another candidate. `endpoint` is a fingerprint (a short hash of the
 * base URL and the key, never either of them); rows from before this migration get '' and keep
 * cooling every endpoint of their model until they expire. SQLite cannot change a primary key in
 * place, so the table is rebuilt.
 */
export const cooldownsPerEndpoint: Migration = {
  name: 'cooldowns keyed by endpoint',
  sql: `
    CREATE TABLE cooldowns_per_endpoint (
      provider TEXT NOT NULL,
      model TEXT NOT NULL,
      endpoint TEXT NOT NULL DEFAULT '',   -- endpoint-fingerprint.ts; '' = any endpoint (older rows)
      until_ms INTEGER NOT NULL,
      error_kind TEXT NOT NULL,
      status INTEGER,
      message TEXT,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (provider, model, endpoint)
    );
    INSERT INTO cooldowns_per_endpoint (provider, model, endpoint, until_ms, error_kind, status, message, updated_at)
      SELECT provider, model, '', until_ms, error_kind, status, message, updated_at FROM cooldowns;
    DROP TABLE cooldowns;
    ALTER TABLE cooldowns_per_endpoint RENAME TO cooldowns;
  `,
};
