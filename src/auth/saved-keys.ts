import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `OPENKOI_HOME/credentials/<provider>.key`: one key, as plain text. */
export function savedKeyPath(openkoiHome: string, providerId: string): string {
  return join(openkoiHome, 'credentials', `${providerId}.key`);
}

/**
 * Saves a key the user pasted: mode 0600 in a 0700 directory, written to a temporary file and
 * renamed over the old one, so a crash never leaves half a key and no other user can read it.
 */
export function saveKey(openkoiHome: string, providerId: string, key: string): string {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(providerId)) throw new Error(`"${providerId}" is not a provider id`);
  const directory = join(openkoiHome, 'credentials');
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const path = savedKeyPath(openkoiHome, providerId);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${key.trim()}\n`, { mode: 0o600 });
  // The mode given to writeFileSync is filtered by the umask; chmod makes it exact.
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
  return path;
}
