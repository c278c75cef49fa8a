// Walks the workspace the way `git ls-files --others --cached --exclude-standard` would see it:
// .gitignore files (nested ones too) are respected and .git is never entered.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** The .gitignore rules of one folder. */
export interface IgnoreScope {
  base: string; // workspace-relative directory of the .gitignore, '' for the root
  rules: Ignore;
}

function loadGitignore(directory: string, relative: string): IgnoreScope | undefined {
  try {
    const text = readFileSync(join(directory, '.gitignore'), 'utf8');
    return { base: relative, rules: ignore().add(text) };
  } catch {
    return undefined;
  }
}

function ignored(scopes: IgnoreScope[], relativePath: string, isDirectory: boolean): boolean {
  for (const scope of scopes) {
    const inner = scope.base === '' ? relativePath : relativePath.slice(scope.base.length + 1);
    if (scope.rules.ignores(isDirectory ? `${inner}/` : inner)) return true;
  }
  return false;
}

export interface WalkEntry {
  /** Workspace-relative, `/` separators. */
  path: string;
  isDirectory: boolean;
}

/** The .gitignore scopes that apply inside `relative` (a workspace-relative folder), its own included. */
export function scopesFor(workspace: string, relative: string): IgnoreScope[] {
  const scopes: IgnoreScope[] = [];
  const parts = relative === '' ? [] : relative.split('/');
  for (let i = 0; i <= parts.length; i++) {
    const folder = parts.slice(0, i).join('/');
    const scope = loadGitignore(join(workspace, folder), folder);
    if (scope) scopes.push(scope);
  }
  return scopes;
}

/**
 * One folder's entries that are not ignored, in name order, and the scopes that apply inside it.
 * `inherited` are its parents' scopes; its own .gitignore is added unless `ownLoaded` (it is read
 * only when the listing has one: trying every folder costs a failed open and an exception per
 * folder, a tenth of a snapshot of a large workspace). Undefined when the folder cannot be read.
 */
export function readFolder(workspace: string, relative: string, inherited: IgnoreScope[], ownLoaded = false): { entries: WalkEntry[]; scopes: IgnoreScope[] } | undefined {
  let names: import('node:fs').Dirent[];
  try {
    names = readdirSync(join(workspace, relative), { withFileTypes: true });
  } catch {
    return undefined;
  }
  let scopes = inherited;
  if (!ownLoaded && names.some((dirent) => dirent.name === '.gitignore')) {
    const own = loadGitignore(join(workspace, relative), relative);
    if (own) scopes = [...inherited, own];
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const entries: WalkEntry[] = [];
  for (const dirent of names) {
    if (dirent.name === '.git') continue;
    const path = relative === '' ? dirent.name : `${relative}/${dirent.name}`;
    const isDirectory = dirent.isDirectory();
    if (!ignored(scopes, path, isDirectory)) entries.push({ path, isDirectory });
  }
  return { entries, scopes };
}

/**
 * The files and folders under `start` (workspace-relative, '' for the root), depth first in
 * name order, not ignored. `recursive: false` lists one level. Stops after `limit` entries.
 */
export function walkWorkspace(workspace: string, start: string, options: { recursive: boolean; limit: number }): { entries: WalkEntry[]; complete: boolean } {
  const entries: WalkEntry[] = [];
  let complete = true;
  const visit = (relative: string, inherited: IgnoreScope[], ownLoaded: boolean): void => {
    const folder = readFolder(workspace, relative, inherited, ownLoaded);
    if (!folder) return;
    for (const entry of folder.entries) {
      if (entries.length >= options.limit) {
        complete = false;
        return;
      }
      entries.push(entry);
      if (entry.isDirectory && options.recursive) visit(entry.path, folder.scopes, false);
      if (!complete) return;
    }
  };
  visit(start, scopesFor(workspace, start), true);
  return { entries, complete };
}
