import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { ConfigError } from './config-error.js';

// A workspace is untrusted until its owner says otherwise (DESIGN.md, rules that do not bend):
// a cloned repository's files may not route credentials, start programs or widen permissions.
// The list lives in OPENKOI_HOME, never in the workspace, so a repository cannot trust itself.

interface TrustFile {
  version: 1;
  workspaces: string[];
}

export function trustStorePath(openkoiHome: string): string {
  return join(openkoiHome, 'trusted-workspaces.json');
}

/** The canonical form of a folder: absolute, symlinks resolved (a link cannot smuggle in trust). */
export function canonicalWorkspace(directory: string): string {
  const absolute = resolve(directory);
  try {
    return realpathSync(absolute);
  } catch {
    return absolute;
  }
}

/** Every trusted folder, as stored. A damaged file is an error naming it: trust is never guessed. */
export function listTrustedWorkspaces(openkoiHome: string): string[] {
  const path = trustStorePath(openkoiHome);
  if (!existsSync(path)) return [];
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON (${(error as Error).message.split('\n')[0]}); fix it or remove it and trust your folders again.`, path);
  }
  const workspaces = (data as Partial<TrustFile> | null)?.workspaces;
  if (!Array.isArray(workspaces) || !workspaces.every((entry) => typeof entry === 'string' && isAbsolute(entry))) {
    throw new ConfigError(`${path} should hold {"version": 1, "workspaces": ["/absolute/path", ...]}; fix it or remove it.`, path);
  }
  return workspaces;
}

/** Trusting a folder trusts everything below it, as trusting a project root does in Claude Code and Codex. */
export function isWorkspaceTrusted(openkoiHome: string, workspace: string): boolean {
  return trustedFolderCovering(openkoiHome, workspace) !== undefined;
}

/** The trusted folder that makes this one trusted (itself or an ancestor); undefined when none does. */
export function trustedFolderCovering(openkoiHome: string, workspace: string): string | undefined {
  const target = canonicalWorkspace(workspace);
  return listTrustedWorkspaces(openkoiHome).find((trusted) => isInside(target, trusted));
}

/** Adds a folder (canonical form); returns it. Already trusted: unchanged. */
export function trustWorkspace(openkoiHome: string, directory: string): string {
  const canonical = canonicalWorkspace(directory);
  const current = listTrustedWorkspaces(openkoiHome);
  if (!current.includes(canonical)) writeTrustFile(openkoiHome, [...current, canonical].sort());
  return canonical;
}

/** Removes a folder; false when it was not in the list. */
export function revokeWorkspace(openkoiHome: string, directory: string): boolean {
  const canonical = canonicalWorkspace(directory);
  const current = listTrustedWorkspaces(openkoiHome);
  const kept = current.filter((entry) => entry !== canonical && entry !== resolve(directory));
  if (kept.length === current.length) return false;
  writeTrustFile(openkoiHome, kept);
  return true;
}

function isInside(target: string, folder: string): boolean {
  const path = relative(folder, target);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}

function writeTrustFile(openkoiHome: string, workspaces: string[]): void {
  const path = trustStorePath(openkoiHome);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Temp file + rename: a crash mid-write leaves the old list whole.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ version: 1, workspaces } satisfies TrustFile, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
