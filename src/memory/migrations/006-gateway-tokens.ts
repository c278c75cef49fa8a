import type { Migration } from './index.js';

// Migration number 006 was assigned to the gateway (issue 13); 004 and 005 belong to other work.
export const gatewayTokens: Migration = {
  name: 'gateway client tokens, and the source of each usage row',
  sql: `
    CREATE TABLE gateway_tokens (
      name TEXT PRIMARY KEY,
      token_hash TEXT NOT NULL UNIQUE,  -- sha256 of the secret, hex; the secret itself is never stored
      created_at INTEGER NOT NULL,      -- epoch ms
      expires_at INTEGER,               -- epoch ms; NULL: never
      model_pattern TEXT,               -- glob over provider/model or alias; NULL: any model
      budget_usd REAL,                  -- NULL: no budget
      revoked_at INTEGER                -- epoch ms; NULL while the token is valid
    );
    -- Who asked for a call: a gateway token's name; NULL for openkoi's own runs.
    ALTER TABLE usage ADD COLUMN source TEXT;
    CREATE INDEX usage_by_source ON usage(source, at);
  `,
};
