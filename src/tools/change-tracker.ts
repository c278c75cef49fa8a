// The change a run made: each file's content before the first change by a tool (write, edit, or a
// shell command seen by ShellChangeWatch), compared with its content at the end.
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

/** A file's content before the run changed it: bytes, absent (undefined), or not known (a shell change the watch had no copy of). */
export type BeforeContent = Buffer | undefined | typeof BEFORE_UNKNOWN;
export const BEFORE_UNKNOWN = Symbol('before-content unknown');

function readOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Git's rule of thumb: a NUL byte in the first 8000 bytes makes a file binary. */
export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
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

function describeChange(path: string, before: BeforeContent, after: Buffer | undefined): FileChange {
  const status = before === undefined ? 'added' : after === undefined ? 'deleted' : 'modified';
  if ((before instanceof Buffer && isBinary(before)) || (after !== undefined && isBinary(after))) {
    // Binary files: status only, as git's "Binary files differ".
    return { path, status, additions: 0, deletions: 0, diff: `Binary file ${path} ${status}\n` };
  }
  if (before === BEFORE_UNKNOWN) {
    // Changed by a shell command in a workspace too large to keep copies of (and not clean in git):
    // only the after side is known, so the counts are its lines as additions.
    const text = after?.toString('utf8');
    const additions = text === undefined || text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    return { path, status, additions, deletions: 0, diff: `${path}: ${status} by a shell command; its content before the run is unknown (no copy was kept), so no diff\n` };
  }
  const beforeText = before?.toString('utf8');
  const afterText = after?.toString('utf8');
  return { path, status, ...countChangedLines(beforeText ?? '', afterText ?? ''), diff: unifiedDiff(path, beforeText, afterText) };
}

export class ChangeTracker {
  private readonly originals = new Map<string, BeforeContent>();

  constructor(private readonly workspace: string) {}

  /** Call before a tool writes `absolutePath`: the first call keeps what was there. */
  beforeWrite(absolutePath: string): void {
    if (!this.originals.has(absolutePath)) this.originals.set(absolutePath, readOrUndefined(absolutePath));
  }

  /** Whether the file's before-content is already kept. */
  tracks(absolutePath: string): boolean {
    return this.originals.has(absolutePath);
  }

  /** A change seen after the fact (a shell command): its before-content as the watcher knew it. The first record wins. */
  recordBefore(absolutePath: string, before: BeforeContent): void {
    if (!this.originals.has(absolutePath)) this.originals.set(absolutePath, before);
  }

  changes(): FileChange[] {
    const out: FileChange[] = [];
    for (const [absolute, before] of this.originals) {
      const after = readOrUndefined(absolute);
      if (before === after) continue;
      if (before instanceof Buffer && after !== undefined && before.equals(after)) continue;
      out.push(describeChange(workspaceRelative(this.workspace, absolute), before, after));
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : 1));
  }
}
