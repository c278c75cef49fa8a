import type { Migration } from './index.js';

/**
 * Semantic memory. The vec0 tables are not here: they need the sqlite-vec extension (loaded only
 * when memory is used) and one exists per embedding space (model and dimension), created when a
 * space is first used (memory/vector-index.ts).
 */
export const memories: Migration = {
  name: 'memories with FTS5, embedding spaces and the embedding cache',
  sql: `
    CREATE TABLE memories (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      kind TEXT NOT NULL,               -- learning | anti-pattern | fact | task-summary
      content TEXT NOT NULL,
      content_hash TEXT NOT NULL,       -- sha256 of the content: the embedding cache's key
      source_task TEXT,                 -- tasks.id; no foreign key, pruning history keeps memories
      confidence REAL NOT NULL,         -- as of reinforced_at; decays with half_life_days after it
      half_life_days REAL NOT NULL,
      created_at INTEGER NOT NULL,      -- epoch ms
      reinforced_at INTEGER NOT NULL,
      last_used_at INTEGER,
      times_reinforced INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX memories_by_hash ON memories(content_hash);

    CREATE VIRTUAL TABLE memories_fts USING fts5(content, content='memories', content_rowid='id', tokenize='porter unicode61');
    CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
      INSERT INTO memories_fts(rowid, content) VALUES (new.id, new.content);
    END;
    CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
      INSERT INTO memories_fts(memories_fts, rowid, content) VALUES ('delete', old.id, old.content);
    END;
    CREATE TRIGGER memories_fts_update AFTER UPDATE OF content ON memories BEGIN
      INSERT INTO memories_fts(memories_fts, rowid, content) VALUES ('delete', old.id, old.content);
      INSERT INTO memories_fts(rowid, content) VALUES (new.id, new.content);
    END;

    -- One row per embedder model and dimension that has vectors (table memory_vectors_<id>).
    CREATE TABLE embedding_spaces (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      model TEXT NOT NULL,              -- provider/model
      dimension INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      last_used_at INTEGER NOT NULL,
      UNIQUE (model, dimension)
    );

    -- A text embedded once by a model is never paid for again (re-embedding, dedupe, search).
    CREATE TABLE embedding_cache (
      content_hash TEXT NOT NULL,
      model TEXT NOT NULL,
      dimension INTEGER NOT NULL,
      vector BLOB NOT NULL,             -- float32 little-endian
      created_at INTEGER NOT NULL,
      PRIMARY KEY (content_hash, model)
    );
  `,
};
