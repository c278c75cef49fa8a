import { spawn } from 'node:child_process';

/**
 * Starts `openkoi memory index` as a detached process: it writes the approximate search index of
 * a large memory (minutes at 100k memories) while this run goes on with exact search. The index
 * takes a lock, so a second starter finds it busy and exits. Nothing is started when this process
 * was not started as the CLI (no script path to run again).
 */
export function startMemoryIndexing(environment: NodeJS.ProcessEnv): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    const child = spawn(process.execPath, [script, 'memory', 'index'], { detached: true, stdio: 'ignore', env: environment });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
