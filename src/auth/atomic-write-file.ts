import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync, fchmodSync } from 'node:fs';
import { dirname } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode, applied exactly (not filtered by the umask). Default 0600: these files hold secrets. */
  mode?: number;
  /**
   * Test hook: runs after the temporary file is written and synced, before the rename. A test kills
   * the process here to show that a crash mid-write leaves the old file whole.
   */
  beforeRename?: (temporaryPath: string) => void;
}

/**
 * Writes a file so that readers see either the old contents or the new, never half of either:
 * a temporary file beside it (same file system), fsync, rename over the old one, fsync the folder
 * (so the rename itself survives a power cut). The folder is created 0700 when missing.
 */
export function writeFileAtomically(path: string, contents: string, options: AtomicWriteOptions = {}): void {
  const mode = options.mode ?? 0o600;
  const directory = dirname(path);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  const descriptor = openSync(temporary, 'wx', mode);
  try {
    // The mode given to open is filtered by the umask; fchmod makes it exact before any byte lands.
    fchmodSync(descriptor, mode);
    const bytes = Buffer.from(contents, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(descriptor, bytes, written, bytes.length - written);
    fsyncSync(descriptor);
  } catch (error) {
    closeSync(descriptor);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(descriptor);
  try {
    options.beforeRename?.(temporary);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncDirectory(directory);
}

function syncDirectory(directory: string): void {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(directory, 'r');
    fsyncSync(descriptor);
  } catch {
    // Some file systems (and Windows) cannot fsync a folder; the rename is still atomic there.
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}
