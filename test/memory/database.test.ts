import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseError, openDatabase } from '../../src/memory/database.js';
import { MIGRATIONS } from '../../src/memory/migrations/index.js';
import { temporaryDirectories } from '../temporary-directories.js';

const makeDirectory = temporaryDirectories('openkoi-db-');

function temporaryPath(): string {
  return join(makeDirectory(), 'nested', 'openkoi.db');
}

describe('openkoi.db is created, migrated and shared safely', () => {
  it('creates its folder, runs in WAL mode and applies every migration once', () => {
    const path = temporaryPath();
    const first = openDatabase(path);
    expect(first.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(first.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    first.prepare("INSERT INTO cooldowns (provider, model, until_ms, error_kind, updated_at) VALUES ('openai', 'm', 1, 'rate-limit', 1)").run();
    // A second process opening the same file finds the schema in place and the rows intact.
    const second = openDatabase(path);
    expect(second.prepare('SELECT COUNT(*) AS count FROM cooldowns').get()).toEqual({ count: 1 });
    first.close();
    second.close();
  });

  it('sets the connection pragmas a shared, fast database needs', () => {
    const database = openDatabase(temporaryPath());
    // Another process holding the write lock is waited for, not an error.
    expect(database.pragma('busy_timeout', { simple: true })).toBe(5000);
    // NORMAL (1): commits do not wait for the disk; safe in WAL mode.
    expect(database.pragma('synchronous', { simple: true })).toBe(1);
    expect(database.pragma('foreign_keys', { simple: true })).toBe(1);
    // MEMORY (2): a sort does not create a file under /tmp (the cooldown lookup sorts on every request).
    expect(database.pragma('temp_store', { simple: true })).toBe(2);
    database.close();
  });
});

describe('a damaged or foreign database file gets a clear error and is left untouched', () => {
  it('a file that is not a database', () => {
    const path = temporaryPath();
    openDatabase(path).close();
    writeFileSync(path, 'garbage, not sqlite');
    expect(() => openDatabase(path)).toThrow(DatabaseError);
    expect(() => openDatabase(path)).toThrow(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*move it aside`));
    expect(readFileSync(path, 'utf8')).toBe('garbage, not sqlite');
  });

  it('a database written by a newer openkoi', () => {
    const path = temporaryPath();
    const database = openDatabase(path);
    database.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    database.close();
    expect(() => openDatabase(path)).toThrow(/written by a newer openkoi/);
  });
});
