import { rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from './atomic-write-file.js';

/** `OPENKOI_HOME/credentials/<provider>.key`: one key, as plain text. */
export function savedKeyPath(openkoiHome: string, providerId: string): string {
  return join(openkoiHome, 'credentials', `${providerId}.key`);
}

/**
 * Saves a key the user pasted: mode 0600 in a 0700 folder, written atomically (temporary file,
 * fsync, rename), so a crash never leaves half a key and no other user can read it.
 */
export function saveKey(openkoiHome: string, providerId: string, key: string): string {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(providerId)) throw new Error(`"${providerId}" is not a provider id`);
  const path = savedKeyPath(openkoiHome, providerId);
  writeFileAtomically(path, `${key.trim()}\n`, { mode: 0o600 });
  return path;
}

/** Forgets a saved key; true when there was one. */
export function removeSavedKey(openkoiHome: string, providerId: string): boolean {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(providerId)) return false;
  const path = savedKeyPath(openkoiHome, providerId);
  if (!existsSync(path)) return false;
  rmSync(path, { force: true });
  return true;
}
