import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { openkoiHome } from '../config/paths.js';

/**
 * Starts `openkoi memory index` as a detached process: it writes the approximate search index of
 * a large memory (minutes at 100k memories) while this run goes on with exact search. The index
 * takes a lock, so a second starter finds it busy and exits. Nothing is started when this process
 * was not started as the CLI (no script path to run again).
 */
export function startMemoryIndexing(environment: NodeJS.ProcessEnv): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  let log: number | undefined;
  try {
    // What the background process says (its summary line, or why it failed) goes to a log a user
    // can read, since no terminal sees it.
    const home = openkoiHome(environment);
    mkdirSync(home, { recursive: true });
    log = openSync(join(home, 'memory-index.log'), 'a', 0o600);
    // It runs in OPENKOI_HOME, not in the caller's folder: that folder may be gone before it
    // starts (a temporary checkout, a test's scratch folder), and the memory is not the project's.
    const child = spawn(process.execPath, [script, 'memory', 'index'], { cwd: home, detached: true, stdio: ['ignore', log, log], env: environment });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  } finally {
    if (log !== undefined) closeSync(log);
  }
}
