// A cheap picture of the workspace's files: path → size, mtime and inode, by stat only. Two of them
// tell which files a shell command changed, created or removed (WorkspaceStamps keeps one up to date).

export interface FileStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** Workspace-relative path (`/` separators) → stamp, regular files only. */
export type WorkspaceSnapshot = Map<string, FileStamp>;

/** Past this many entries the walk stops: files beyond it are not watched (a workspace that large should ignore its bulk). */
export const SNAPSHOT_ENTRY_LIMIT = 200_000;

export function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}
