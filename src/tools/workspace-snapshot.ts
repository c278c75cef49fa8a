// A cheap picture of the workspace's files: path → size, mtime and inode, by stat only. Two of them
// tell which files a shell command changed, created or removed. Walks the way the list and glob
// tools do (.gitignore respected, .git never entered).
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { walkWorkspace } from './walk-workspace.js';

export interface FileStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** Workspace-relative path (`/` separators) → stamp, regular files only. */
export type WorkspaceSnapshot = Map<string, FileStamp>;

/** Past this many entries the walk stops: files beyond it are not watched (a workspace that large should ignore its bulk). */
export const SNAPSHOT_ENTRY_LIMIT = 200_000;

export function takeSnapshot(workspace: string): WorkspaceSnapshot {
  const snapshot: WorkspaceSnapshot = new Map();
  for (const entry of walkWorkspace(workspace, '', { recursive: true, limit: SNAPSHOT_ENTRY_LIMIT }).entries) {
    if (entry.isDirectory) continue;
    try {
      const stat = lstatSync(join(workspace, entry.path));
      if (stat.isFile()) snapshot.set(entry.path, { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino });
    } catch {
      // gone between the listing and the stat
    }
  }
  return snapshot;
}

export function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/** Paths changed, created or removed between two snapshots, sorted. */
export function changedPaths(before: WorkspaceSnapshot, after: WorkspaceSnapshot): string[] {
  const paths = new Set<string>();
  for (const [path, stamp] of before) if (!sameStamp(stamp, after.get(path))) paths.add(path);
  for (const path of after.keys()) if (!before.has(path)) paths.add(path);
  return [...paths].sort();
}
