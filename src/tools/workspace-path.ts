// Every path a tool touches resolves inside the workspace. Checked on the real path (symlinks
// resolved) of the nearest existing ancestor, so a symlink inside the workspace that points out
// is refused as surely as `..` or an absolute path elsewhere.
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ToolInputError } from './tool-input-error.js';

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest. */
function realpathOfNearest(path: string): string {
  let current = path;
  const rest: string[] = [];
  for (;;) {
    try {
      return resolve(realpathSync(current), ...rest.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      rest.push(current.slice(parent.length).replace(/^[/\\]+/, ''));
      current = parent;
    }
  }
}

/**
 * The absolute path of `requested` (relative to the workspace, or absolute) when it stays inside
 * the workspace; a ToolInputError naming the path otherwise. `workspace` is canonical.
 */
export function resolveInWorkspace(workspace: string, requested: string): string {
  if (typeof requested !== 'string' || requested.trim() === '') throw new ToolInputError('path is empty');
  const absolute = resolve(workspace, requested);
  if (!isInside(workspace, absolute)) throw new ToolInputError(`path "${requested}" is outside the workspace ${workspace}`);
  const real = realpathOfNearest(absolute);
  if (!isInside(workspace, real)) throw new ToolInputError(`path "${requested}" leads outside the workspace through a symbolic link (to ${real})`);
  return absolute;
}

/**
 * What permission rules see of a path argument: workspace-relative, normalised, with symbolic
 * links inside the workspace resolved, so `./secrets/x`, `src/../secrets/x`, the absolute path
 * or a link to the folder all meet a rule written for `secrets/**`.
 */
export function rulePath(workspace: string, requested: string): string {
  const absolute = resolve(workspace, requested);
  const real = realpathOfNearest(absolute);
  return workspaceRelative(workspace, isInside(workspace, real) ? real : absolute);
}

/** The workspace-relative form shown to the model and in progress lines (`/` separators). */
export function workspaceRelative(workspace: string, absolute: string): string {
  return relative(workspace, absolute).split(sep).join('/') || '.';
}
