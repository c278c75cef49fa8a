import { existsSync, readFileSync } from 'node:fs';

export type CredentialFileResult =
  | { state: 'missing' }
  | { state: 'unreadable'; warning: string }
  | { state: 'ok'; data: unknown; text: string };

/**
 * Reads a credentials file defensively: missing is normal, anything else wrong becomes a warning
 * that names the file and never quotes it (it holds secrets). `json: false` returns the text.
 */
export function readCredentialFile(path: string, displayPath: string, json = true): CredentialFileResult {
  // Most sources are absent for most providers: existsSync says so without building an ENOENT
  // error and its stack (status looks at every source of every provider).
  if (!existsSync(path)) return { state: 'missing' };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'missing' };
    return { state: 'unreadable', warning: `${displayPath} could not be read (${code ?? 'error'}); ignored.` };
  }
  if (!json) return { state: 'ok', data: text, text };
  try {
    return { state: 'ok', data: JSON.parse(text) as unknown, text };
  } catch {
    return { state: 'unreadable', warning: `${displayPath} is not valid JSON; ignored.` };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
