import { createRequire } from 'node:module';
import type { Database } from './database.js';

const require = createRequire(import.meta.url);
let sqliteVec: { load(database: Database): void } | undefined;
const loaded = new WeakSet<Database>();

/**
 * Loads sqlite-vec into a connection, once. The module is required on first use only, so the
 * commands and runs that never touch memory never pay for it.
 */
export function loadVectorExtension(database: Database): void {
  if (loaded.has(database)) return;
  sqliteVec ??= require('sqlite-vec') as { load(database: Database): void };
  sqliteVec.load(database);
  loaded.add(database);
}
