import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface FileLockOptions {
  /** Give up after this long (ms). Default 10 s: a refresh takes one HTTP round trip. */
  timeoutMs?: number;
  /** A lock older than this (ms) is stale even if its holder lives (a hung process); a dead holder's at once. */
  staleMs?: number;
  /** Injected for tests. */
  sleep?: (milliseconds: number) => Promise<void>;
  now?: () => number;
}

export class FileLockTimeout extends Error {
  override name = 'FileLockTimeout';
}

/**
 * Runs `work` while holding `<path>.lock`, a file created with O_EXCL so that only one process
 * (of openkoi's) holds it at a time. The lock records the holder's pid; a lock left by a process
 * that died is taken over once stale, so a crash never locks the user out.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T> | T, options: FileLockOptions = {}): Promise<T> {
  const lockPath = `${path}.lock`;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const started = now();
  mkdirSync(dirname(lockPath), { recursive: true, mode: 0o700 });
  let wait = 10;
  for (;;) {
    const descriptor = tryCreate(lockPath);
    if (descriptor !== undefined) {
      try {
        writeSync(descriptor, JSON.stringify({ pid: process.pid, at: now() }));
      } finally {
        closeSync(descriptor);
      }
      break;
    }
    if (isStale(lockPath, staleMs, now())) {
      rmSync(lockPath, { force: true });
      continue;
    }
    if (now() - started >= timeoutMs) throw new FileLockTimeout(`${lockPath} is held by another openkoi process; try again.`);
    await sleep(wait);
    wait = Math.min(wait * 2, 200);
  }
  try {
    return await work();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

function tryCreate(lockPath: string): number | undefined {
  try {
    return openSync(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
}

function isStale(lockPath: string, staleMs: number, now: number): boolean {
  try {
    const age = now - statSync(lockPath).mtimeMs;
    let pid: number | undefined;
    try {
      pid = (JSON.parse(readFileSync(lockPath, 'utf8')) as { pid?: number }).pid;
    } catch {
      // Half-written by a holder that died between create and write: judged by age alone.
    }
    if (pid !== undefined) return !isAlive(pid) || age > staleMs;
    // No pid yet: a holder between create and write, or one that died there; judged by age.
    return age > 2_000;
  } catch {
    // Gone between our attempt and the check: not stale, simply free now.
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
