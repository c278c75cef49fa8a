// WorkspaceStamps keeps the workspace's file stamps between shell calls: a full walk first, then
// only the folders whose watcher saw an event. These tests check it always agrees with a full walk
// (takeSnapshot) on real folder watchers, and, with scripted watchers, that the hints are what
// spares the walk and that any doubt about them brings the full walk back.
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { lstatSync, mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { walkWorkspace } from '../../src/tools/walk-workspace.js';
import type { WorkspaceSnapshot } from '../../src/tools/workspace-snapshot.js';
import { WorkspaceStamps } from '../../src/tools/workspace-stamps.js';
import { temporaryDirectories } from '../temporary-directories.js';

const makeDirectory = temporaryDirectories('openkoi-stamps-');

/** The reference: walk everything and stat every file, now. */
function takeSnapshot(workspace: string): WorkspaceSnapshot {
  const snapshot: WorkspaceSnapshot = new Map();
  for (const entry of walkWorkspace(workspace, '', { recursive: true, limit: 1_000_000 }).entries) {
    const stat = lstatSync(join(workspace, entry.path));
    if (stat.isFile()) snapshot.set(entry.path, { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino });
  }
  return snapshot;
}
const open: WorkspaceStamps[] = [];
afterEach(() => open.splice(0).forEach((stamps) => stamps.close()));

function stampsOf(workspace: string, options?: ConstructorParameters<typeof WorkspaceStamps>[1]): WorkspaceStamps {
  const stamps = new WorkspaceStamps(workspace, options);
  open.push(stamps);
  return stamps;
}

/** A copy of the stamps as one read finds them. */
async function snapshotOf(stamps: WorkspaceStamps): Promise<WorkspaceSnapshot> {
  return new Map((await stamps.read()).snapshot);
}

function project(): string {
  const workspace = makeDirectory();
  mkdirSync(join(workspace, 'src', 'deep'), { recursive: true });
  mkdirSync(join(workspace, 'build'));
  writeFileSync(join(workspace, '.gitignore'), 'build/\n*.log\n');
  writeFileSync(join(workspace, 'README.md'), 'hello\n');
  writeFileSync(join(workspace, 'src', 'a.ts'), 'a\n');
  writeFileSync(join(workspace, 'src', 'deep', 'b.ts'), 'b\n');
  writeFileSync(join(workspace, 'build', 'out.js'), 'ignored\n');
  return workspace;
}

/** Changes made by another process, as a shell command makes them. */
function shell(workspace: string, script: string): void {
  execFileSync('/bin/sh', ['-c', script], { cwd: workspace });
}

// WorkspaceStamps watches folders on Linux only (elsewhere every read walks: the last tests below).
describe.runIf(process.platform === 'linux')('with real folder watchers, every read agrees with a full walk', () => {
  it('files rewritten, created, removed and renamed, in nested folders', async () => {
    const workspace = project();
    const stamps = stampsOf(workspace);
    expect(await snapshotOf(stamps)).toEqual(takeSnapshot(workspace));
    const steps = [
      "sed -i 's/b/B/' src/deep/b.ts",
      'printf x > src/deep/new.ts',
      'rm src/a.ts',
      'mv src/deep/new.ts src/moved.ts',
      'mkdir -p src/fresh/inner && printf y > src/fresh/inner/c.ts && printf z > src/fresh/d.ts',
      // A folder removed and made again is a new inode: its old watcher is gone with the old one.
      'rm -r src/deep && mkdir src/deep && printf q > src/deep/q.ts',
      'printf r > src/deep/r.ts',
      'rm -r src/deep',
      'mv src/fresh lib',
      'printf w > debug.log && printf v > build/more.js', // ignored: in neither
      'touch README.md',
    ];
    for (const step of steps) {
      shell(workspace, step);
      expect(await snapshotOf(stamps), step).toEqual(takeSnapshot(workspace));
    }
  });

  it('each read says which paths changed since the read before, with their stamps then', async () => {
    const workspace = project();
    const stamps = stampsOf(workspace);
    const before = new Map((await stamps.read()).snapshot);
    shell(workspace, "sed -i 's/b/B/' src/deep/b.ts && printf x > src/new.ts && rm README.md && printf w > debug.log");
    const { snapshot, changed } = await stamps.read();
    expect([...changed.keys()].sort()).toEqual(['README.md', 'src/deep/b.ts', 'src/new.ts']);
    expect(changed.get('src/deep/b.ts')).toEqual(before.get('src/deep/b.ts'));
    expect(changed.get('README.md')).toEqual(before.get('README.md'));
    expect(changed.get('src/new.ts')).toBeUndefined();
    expect(snapshot.has('README.md')).toBe(false);
    expect((await stamps.read()).changed.size).toBe(0);
  });

  it('a changed .gitignore changes what is listed', async () => {
    const workspace = project();
    const stamps = stampsOf(workspace);
    await snapshotOf(stamps);
    shell(workspace, "printf 'src/deep/\\n' > .gitignore");
    const snapshot = await snapshotOf(stamps);
    expect(snapshot).toEqual(takeSnapshot(workspace));
    expect(snapshot.has('build/out.js')).toBe(true);
    expect(snapshot.has('src/deep/b.ts')).toBe(false);
  });
});

/** Folder watchers that report only what the test says. */
function scriptedWatch(options: { failAt?: string } = {}) {
  const watchers = new Map<string, EventEmitter & { closed: boolean; listener: (event: string, filename: string | null) => void }>();
  const watch = (path: string, listener: (event: string, filename: string | Buffer | null) => void): FSWatcher => {
    if (options.failAt !== undefined && path.endsWith(options.failAt)) throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
    const watcher = Object.assign(new EventEmitter(), { closed: false, listener, close: () => void (watcher.closed = true) });
    watchers.set(path, watcher);
    return watcher as unknown as FSWatcher;
  };
  return { watch, watchers };
}

/** A project read once by stamps with scripted watchers. */
async function watchedProject(options: { failAt?: string; maxWatchedFolders?: number; maxEventsBetweenReads?: number } = {}) {
  const { failAt, ...limits } = options;
  const workspace = project();
  const { watch, watchers } = scriptedWatch(failAt !== undefined ? { failAt } : {});
  const stamps = stampsOf(workspace, { watch, ...limits });
  const first = await snapshotOf(stamps);
  return { workspace, watchers, stamps, first };
}

function bumpAndRewrite(path: string, text: string): void {
  writeFileSync(path, text);
  const later = new Date(Date.now() + 60_000);
  utimesSync(path, later, later);
}

describe('the hints are what spare the walk, and any doubt brings it back', () => {
  it('without an event a folder is not read again; with one it is', async () => {
    const { workspace, watchers, stamps, first } = await watchedProject();
    expect([...watchers.keys()].map((path) => path.slice(workspace.length)).sort()).toEqual(['', '/src', '/src/deep']); // build/ is ignored: not watched
    bumpAndRewrite(join(workspace, 'src', 'deep', 'b.ts'), 'changed, unseen\n');
    // No event: the stamp read before stands (proof that nothing walked the folder).
    expect((await snapshotOf(stamps)).get('src/deep/b.ts')).toEqual(first.get('src/deep/b.ts'));
    const old = watchers.get(join(workspace, 'src', 'deep'))!;
    old.listener('change', 'b.ts');
    expect(await snapshotOf(stamps)).toEqual(takeSnapshot(workspace));
    // The folder read again got a new watcher (the old one may be on a folder since replaced), and the old one is closed.
    expect(watchers.get(join(workspace, 'src', 'deep'))).not.toBe(old);
    expect(old.closed).toBe(true);
  });

  it('a folder whose watch cannot start (the watch limit): no watch is held, and every read walks everything', async () => {
    const { workspace, watchers, stamps } = await watchedProject({ failAt: '/src/deep' });
    // The watches that did start are given back: other programs share the limit.
    expect(watchers.size).toBeGreaterThan(0);
    expect([...watchers.values()].every((watcher) => watcher.closed)).toBe(true);
    bumpAndRewrite(join(workspace, 'src', 'a.ts'), 'changed, no event\n');
    const created = watchers.size;
    expect(await snapshotOf(stamps)).toEqual(takeSnapshot(workspace));
    expect(watchers.size).toBe(created); // and no new ones are tried
  });

  it('more folders than it may watch: none is watched, and every read walks everything', async () => {
    const { workspace, watchers, stamps } = await watchedProject({ maxWatchedFolders: 2 }); // the project has 3
    expect([...watchers.values()].every((watcher) => watcher.closed)).toBe(true);
    bumpAndRewrite(join(workspace, 'src', 'deep', 'b.ts'), 'changed, no event\n');
    expect(await snapshotOf(stamps)).toEqual(takeSnapshot(workspace));
  });

  it('a watcher that fails later: the next read walks everything', async () => {
    const { workspace, watchers, stamps } = await watchedProject();
    watchers.get(join(workspace, 'src'))!.emit('error', new Error('watch failed'));
    bumpAndRewrite(join(workspace, 'src', 'deep', 'b.ts'), 'changed, no event\n');
    expect(await snapshotOf(stamps)).toEqual(takeSnapshot(workspace));
  });

  it('more events than the kernel may have kept: the next read walks everything', async () => {
    const { workspace, watchers, stamps } = await watchedProject({ maxEventsBetweenReads: 3 });
    // Events for the root only; the change below had none (as if the queue overflowed).
    for (let i = 0; i < 4; i++) watchers.get(workspace)!.listener('change', 'README.md');
    bumpAndRewrite(join(workspace, 'src', 'deep', 'b.ts'), 'changed, event lost\n');
    expect(await snapshotOf(stamps)).toEqual(takeSnapshot(workspace));
  });

  it('an event without a file name: the next read walks everything', async () => {
    const { workspace, watchers, stamps } = await watchedProject();
    watchers.get(workspace)!.listener('rename', null);
    bumpAndRewrite(join(workspace, 'src', 'deep', 'b.ts'), 'changed\n');
    expect(await snapshotOf(stamps)).toEqual(takeSnapshot(workspace));
  });

  it('a removed folder stops being watched; close() stops the rest', async () => {
    const { workspace, watchers, stamps } = await watchedProject();
    rmSync(join(workspace, 'src', 'deep'), { recursive: true });
    watchers.get(join(workspace, 'src'))!.listener('rename', 'deep');
    expect(await snapshotOf(stamps)).toEqual(takeSnapshot(workspace));
    expect(watchers.get(join(workspace, 'src', 'deep'))!.closed).toBe(true);
    expect(watchers.get(join(workspace, 'src'))!.closed).toBe(false);
    stamps.close();
    expect([...watchers.values()].every((watcher) => watcher.closed)).toBe(true);
  });

  it('a folder moved in gets read whole and watched', async () => {
    const { workspace, watchers, stamps } = await watchedProject();
    const outside = makeDirectory();
    mkdirSync(join(outside, 'pkg', 'sub'), { recursive: true });
    writeFileSync(join(outside, 'pkg', 'sub', 'e.ts'), 'e\n');
    renameSync(join(outside, 'pkg'), join(workspace, 'pkg'));
    watchers.get(workspace)!.listener('rename', 'pkg');
    const snapshot = await snapshotOf(stamps);
    expect(snapshot).toEqual(takeSnapshot(workspace));
    expect(snapshot.has('pkg/sub/e.ts')).toBe(true);
    expect(watchers.has(join(workspace, 'pkg', 'sub'))).toBe(true);
  });

  it('no watcher at all (not Linux): every read walks everything, and says what changed', async () => {
    const workspace = project();
    const stamps = stampsOf(workspace, { watch: undefined });
    const before = await snapshotOf(stamps);
    bumpAndRewrite(join(workspace, 'src', 'deep', 'b.ts'), 'changed\n');
    rmSync(join(workspace, 'src', 'a.ts'));
    writeFileSync(join(workspace, 'src', 'c.ts'), 'c\n');
    const { snapshot, changed } = await stamps.read();
    expect(new Map(snapshot)).toEqual(takeSnapshot(workspace));
    expect(changed).toEqual(new Map([['src/a.ts', before.get('src/a.ts')], ['src/c.ts', undefined], ['src/deep/b.ts', before.get('src/deep/b.ts')]]));
  });
});
