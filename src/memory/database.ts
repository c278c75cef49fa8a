import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS } from './migrations/index.js';

export type Database = BetterSqlite3.Database;

// better-sqlite3 is a native CommonJS addon; loading it through require keeps it off the
// start-up path of commands that never open the database.
const require = createRequire(import.meta.url);

/**
 * Opens (creating when needed) `openkoi.db` in WAL mode and applies pending migrations.
 * Several openkoi processes may share the file: WAL plus a busy timeout lets them.
 */
export function openDatabase(path: string): Database {
  const Sqlite = require('better-sqlite3') as typeof BetterSqlite3;
  let database: Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    database = new Sqlite(path);
    database.pragma('busy_timeout = 5000');
    database.pragma('journal_mode = WAL');
    // In WAL mode NORMAL cannot corrupt the file; it syncs at checkpoints, not at every commit, so
    // a run's handful of small commits (task, attempts, iterations) do not each wait for the disk.
    // A power cut may lose the last commits, never the database.
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    // Sorts and temporary b-trees in memory: with the default, every ORDER BY that needs a sorter
    // creates and deletes a file under /tmp, about 0.2 ms even for two rows. The cooldown lookup
    // on every request is one such query. openkoi's sorts are small (a history page, a few rows).
    database.pragma('temp_store = MEMORY');
    migrate(database);
    return database;
  } catch (error) {
    database?.close();
    if (error instanceof DatabaseError) throw error;
    const denied = permissionProblem(path);
    if (denied) throw denied;
    throw new DatabaseError(
      `Cannot use the openkoi database ${path}: ${(error as Error).message}. ` +
        'If it is damaged or not an openkoi database, move it aside (openkoi then starts a new one), or set OPENKOI_HOME elsewhere.',
      { cause: error },
    );
  }
}

/** The database could not be opened or migrated; the message says which file and what to do. */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
  /** The file or its folder is not readable/writable by this user: a setup problem, not damage. */
  readonly permissionDenied: boolean;
  constructor(message: string, options?: ErrorOptions & { permissionDenied?: boolean }) {
    super(message, options);
    this.permissionDenied = options?.permissionDenied ?? false;
  }
}

/**
 * Whether the database file exists; a folder or file this user may not read is an error, not
 * "no database" (which would report nothing spent).
 */
export function databaseExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      const denied = permissionProblem(path);
      if (denied) throw denied;
      return false;
    }
    throw permissionProblem(path) ?? new DatabaseError(`Cannot use the openkoi database ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** A permission problem on the database file or the folders above it, named by path; undefined when there is none. */
function permissionProblem(path: string): DatabaseError | undefined {
  if (path === ':memory:') return undefined;
  const denied = (target: string, what: string) =>
    new DatabaseError(
      `Permission denied: ${what} ${target}. Fix its owner or mode (ls -ld "${target}"), or set OPENKOI_HOME to a folder you own.`,
      { permissionDenied: true },
    );
  // The nearest existing folder above the file must let us in and (to create files) write.
  let folder = dirname(path);
  while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
  for (let above = folder; ; above = dirname(above)) {
    try {
      accessSync(above, constants.X_OK);
    } catch {
      return denied(above, 'cannot enter the folder');
    }
    if (dirname(above) === above) break;
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    return denied(folder, 'cannot write in the folder');
  }
  if (existsSync(path)) {
    try {
      accessSync(path, constants.R_OK | constants.W_OK);
    } catch {
      return denied(path, 'cannot read and write the database');
    }
  }
  return undefined;
}

export function migrate(database: Database): void {
  const newest = MIGRATIONS.length;
  const versionOf = () => database.pragma('user_version', { simple: true }) as number;
  refuseNewer(versionOf(), newest);
  if (versionOf() === newest) return;
  // Two processes on a first run both see version 0. BEGIN IMMEDIATE takes the write lock (the
  // other waits on busy_timeout), and the version is read again under it: the process that waited
  // finds the migrations applied and applies none, instead of failing on "table already exists".
  const applyPending = database.transaction(() => {
    const current = versionOf();
    refuseNewer(current, newest);
    for (let version = current; version < newest; version++) database.exec(MIGRATIONS[version]!.sql);
    if (current < newest) database.pragma(`user_version = ${newest}`);
  });
  applyPending.immediate();
}

function refuseNewer(current: number, newest: number): void {
  if (current <= newest) return;
  throw new DatabaseError(
    `openkoi.db was written by a newer openkoi (schema ${current}, this one knows ${newest}). Upgrade openkoi or set OPENKOI_HOME elsewhere.`,
  );
}
