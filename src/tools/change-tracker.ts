// The change a run made: each file's content before the first write by a tool, compared with its
// content at the end. (A file changed only by a shell command is not seen here.)
import { readFileSync } from 'node:fs';
import { createTwoFilesPatch, structuredPatch } from 'diff';
import { workspaceRelative } from './workspace-path.js';

export interface FileChange {
  path: string;
  status: 'added' | 'modified' | 'deleted';
  additions: number;
  deletions: number;
  diff: string;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Lines added and removed between two texts. */
export function countChangedLines(before: string, after: string): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const hunk of structuredPatch('a', 'b', before, after, '', '', { context: 0 }).hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith('+')) additions++;
      else if (line.startsWith('-')) deletions++;
    }
  }
  return { additions, deletions };
}

export function unifiedDiff(relativePath: string, before: string | undefined, after: string | undefined): string {
  return createTwoFilesPatch(before === undefined ? '/dev/null' : `a/${relativePath}`, after === undefined ? '/dev/null' : `b/${relativePath}`, before ?? '', after ?? '', '', '', { context: 3 })
    .split('\n')
    .filter((line) => !line.startsWith('==='))
    .join('\n');
}

export class ChangeTracker {
  private readonly originals = new Map<string, string | undefined>();

  constructor(private readonly workspace: string) {}

  /** Call before a tool writes `absolutePath`: the first call keeps what was there. */
  beforeWrite(absolutePath: string): void {
    if (!this.originals.has(absolutePath)) this.originals.set(absolutePath, readOrUndefined(absolutePath));
  }

  changes(): FileChange[] {
    const out: FileChange[] = [];
    for (const [absolute, before] of this.originals) {
      const after = readOrUndefined(absolute);
      if (before === after) continue;
      const path = workspaceRelative(this.workspace, absolute);
      const status = before === undefined ? 'added' : after === undefined ? 'deleted' : 'modified';
      out.push({ path, status, ...countChangedLines(before ?? '', after ?? ''), diff: unifiedDiff(path, before, after) });
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : 1));
  }
}
