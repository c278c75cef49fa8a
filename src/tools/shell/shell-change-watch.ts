// Sees the files a shell command changed (sed -i, a code generator, git mv) so the run's change
// report lists them with the write and edit tools' changes. Before each command: a stat-only
// snapshot of the workspace; after it: another (WorkspaceStamps walks everything once, then re-reads
// only the folders whose watcher saw an event); each file that changed, appeared or vanished gets
// its before-content handed to the ChangeTracker (unless the tracker has it already: the first
// before-content of the run wins).
//
// Where the before-content comes from, so that the whole repository is never read:
// - a file absent before the command: absent (the file was added);
// - in a git work tree, a tracked file that was clean at the first command: `git cat-file --filters
//   HEAD:./path`, fetched only for the files that change;
// - otherwise a copy taken at the first command: files of at most 256 KB are copied then, but only
//   when there are at most 2,000 of them and 64 MB in all (in a git work tree: only the untracked
//   and modified ones need copies);
// - beyond that (too many files, a larger file, or a file something else changed between the
//   first command and this one) the before-content is unknown: the report gives the status and
//   says so in the diff.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BEFORE_UNKNOWN, type BeforeContent, type ChangeTracker } from '../change-tracker.js';
import type { CommandRunner } from '../tool.js';
import { insideGitWorkTree, runGit } from '../run-git.js';
import { sameStamp, type FileStamp, type WorkspaceSnapshot } from '../workspace-snapshot.js';
import { WorkspaceStamps } from '../workspace-stamps.js';

export const COPY_MAX_FILE_BYTES = 256 * 1024;
export const COPY_MAX_FILES = 2_000;
export const COPY_MAX_TOTAL_BYTES = 64 * 1024 * 1024;

interface Baseline {
  /** The workspace at the first shell command: the state whose contents the sources below know. */
  snapshot: WorkspaceSnapshot;
  /** Tracked in HEAD and unchanged from it at the first command. */
  cleanInGit: Set<string>;
  copies: Map<string, Buffer>;
}

function splitNul(output: Buffer): string[] {
  return output
    .toString('utf8')
    .split('\0')
    .filter((path) => path !== '');
}

export class ShellChangeWatch {
  private baseline: Baseline | undefined;
  private readonly stamps: WorkspaceStamps;

  constructor(
    private readonly workspace: string,
    private readonly tracker: ChangeTracker,
    private readonly environment?: NodeJS.ProcessEnv,
  ) {
    this.stamps = new WorkspaceStamps(workspace);
  }

  /** The runner, with what its commands change in the report: the evaluator's test and lint commands change files too (a lint --fix, a snapshot written). */
  watching(runner: CommandRunner): CommandRunner {
    return { run: (command, options) => this.around(() => runner.run(command, options)) };
  }

  /** Stops the folder watchers (the end of the run). */
  close(): void {
    this.stamps.close();
  }

  /** Runs `command` between two snapshots. A failure to watch never fails the command: the report then misses its changes. */
  async around<T>(command: () => Promise<T>): Promise<T> {
    let watching = false;
    try {
      // Settles the stamps as they are before the command; what changed since the last command
      // (the write and edit tools, which the tracker saw) is not this command's doing.
      const { snapshot } = await this.stamps.read();
      if (!this.baseline) this.baseline = await this.makeBaseline(new Map(snapshot));
      watching = true;
    } catch {
      // no watch this time: the report may miss this command's changes
    }
    try {
      return await command();
    } finally {
      if (watching) {
        try {
          await this.recordChanges();
        } catch {
          // a file the report may miss; the command's own result stands
        }
      }
    }
  }

  private async makeBaseline(snapshot: WorkspaceSnapshot): Promise<Baseline> {
    const cleanInGit = new Set<string>();
    if (await insideGitWorkTree(this.workspace, this.environment)) {
      const options = { cwd: this.workspace, ...(this.environment ? { environment: this.environment } : {}) };
      // Paths relative to the workspace (git's cwd), even when it is a folder inside the repository.
      const [tracked, dirty] = await Promise.all([runGit(['ls-tree', '-r', '-z', '--name-only', 'HEAD'], options), runGit(['diff', '--name-only', '-z', '--relative', 'HEAD'], options)]);
      // No HEAD yet (a repository without commits): nothing is clean, copies cover it.
      if (tracked.ok && dirty.ok) {
        const changed = new Set(splitNul(dirty.stdout));
        for (const path of splitNul(tracked.stdout)) if (!changed.has(path)) cleanInGit.add(path);
      }
    }
    const wanted = [...snapshot].filter(([path, stamp]) => !cleanInGit.has(path) && stamp.size <= COPY_MAX_FILE_BYTES);
    const total = wanted.reduce((sum, [, stamp]) => sum + stamp.size, 0);
    const copies = new Map<string, Buffer>();
    if (wanted.length <= COPY_MAX_FILES && total <= COPY_MAX_TOTAL_BYTES) {
      for (const [path] of wanted) {
        try {
          copies.set(path, readFileSync(join(this.workspace, path)));
        } catch {
          // unreadable: its before-content stays unknown
        }
      }
    }
    return { snapshot, cleanInGit, copies };
  }

  /** The files the command changed, created or removed (stamps read again since it started). */
  private async recordChanges(): Promise<void> {
    const { changed } = await this.stamps.read();
    for (const path of [...changed.keys()].sort()) {
      const absolute = join(this.workspace, path);
      if (this.tracker.tracks(absolute)) continue;
      const before = changed.get(path);
      this.tracker.recordBefore(absolute, before ? await this.contentAtBaseline(path, before) : undefined);
    }
  }

  /** What `path` held before this command (its stamp then: `before`), if the baseline's sources know it. */
  private async contentAtBaseline(path: string, before: FileStamp): Promise<BeforeContent> {
    const baseline = this.baseline!;
    // Changed since the first command by something the watch did not see: its sources are stale.
    if (!sameStamp(baseline.snapshot.get(path), before)) return BEFORE_UNKNOWN;
    const copy = baseline.copies.get(path);
    if (copy) return copy;
    if (baseline.cleanInGit.has(path)) {
      const outcome = await runGit(['cat-file', '--filters', `HEAD:./${path}`], { cwd: this.workspace, ...(this.environment ? { environment: this.environment } : {}) });
      if (outcome.ok) return outcome.stdout;
    }
    return BEFORE_UNKNOWN;
  }
}
