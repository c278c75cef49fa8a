// Walks the workspace the way `git ls-files --others --cached --exclude-standard` would see it:
// .gitignore files (nested ones too) are respected and .git is never entered.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

interface Scope {
  base: string; // workspace-relative directory of the .gitignore, '' for the root
  rules: Ignore;
}

function loadGitignore(directory: string, relative: string): Scope | undefined {
  try {
    const text = readFileSync(join(directory, '.gitignore'), 'utf8');
    return { base: relative, rules: ignore().add(text) };
  } catch {
    return undefined;
  }
}

function ignored(scopes: Scope[], relativePath: string, isDirectory: boolean): boolean {
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

/**
 * The files and folders under `start` (workspace-relative, '' for the root), depth first in
 * name order, not ignored. `recursive: false` lists one level. Stops after `limit` entries.
 */
export function walkWorkspace(workspace: string, start: string, options: { recursive: boolean; limit: number }): { entries: WalkEntry[]; complete: boolean } {
  const entries: WalkEntry[] = [];
  // The scopes that apply under `start`: every .gitignore on the way down from the root, and start's own.
  const scopes: Scope[] = [];
  const parts = start === '' ? [] : start.split('/');
  for (let i = 0; i <= parts.length; i++) {
    const relative = parts.slice(0, i).join('/');
    const scope = loadGitignore(join(workspace, relative), relative);
    if (scope) scopes.push(scope);
  }
  let complete = true;
  // A folder's own .gitignore is read only when its listing has one: trying every folder would cost
  // a failed open (and an exception) per folder, a tenth of a snapshot of a large workspace.
  const visit = (relative: string, inherited: Scope[], ownLoaded: boolean): void => {
    let names: import('node:fs').Dirent[];
    try {
      names = readdirSync(join(workspace, relative), { withFileTypes: true });
    } catch {
      return;
    }
    let scopes = inherited;
    if (!ownLoaded && names.some((dirent) => dirent.name === '.gitignore')) {
      const own = loadGitignore(join(workspace, relative), relative);
      if (own) scopes = [...inherited, own];
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const dirent of names) {
      if (!complete) return;
      if (dirent.name === '.git') continue;
      const path = relative === '' ? dirent.name : `${relative}/${dirent.name}`;
      const isDirectory = dirent.isDirectory();
      if (ignored(scopes, path, isDirectory)) continue;
      if (entries.length >= options.limit) {
        complete = false;
        return;
      }
      entries.push({ path, isDirectory });
      if (isDirectory && options.recursive) visit(path, scopes, false);
    }
  };
  visit(start, scopes, true);
  return { entries, complete };
}
