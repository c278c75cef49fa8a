// The change report sees what a shell command did to the workspace, not only the write and edit
// tools' changes: rewritten, created and deleted files, with the content from before the run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toolBenches } from './tool-harness.js';

const bench = toolBenches('openkoi-shell-changes-');

function git(workspace: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: workspace, encoding: 'utf8' });
}

describe('a shell command that rewrites, creates and deletes files is in the change report', () => {
  it('outside git: all three with their status and diff', async () => {
    const { workspace, call, changes } = bench();
    writeFileSync(join(workspace, 'keep.txt'), 'one\ntwo\n');
    writeFileSync(join(workspace, 'gone.txt'), 'bye\n');
    writeFileSync(join(workspace, 'untouched.txt'), 'same\n');
    const result = await call('shell', { command: "sed -i 's/two/TWO/' keep.txt && printf 'new\\n' > made.txt && rm gone.txt" });
    expect(result.output).toContain('exit 0');
    const report = changes.changes();
    expect(report.map(({ path, status, additions, deletions }) => ({ path, status, additions, deletions }))).toEqual([
      { path: 'gone.txt', status: 'deleted', additions: 0, deletions: 1 },
      { path: 'keep.txt', status: 'modified', additions: 1, deletions: 1 },
      { path: 'made.txt', status: 'added', additions: 1, deletions: 0 },
    ]);
    const byPath = Object.fromEntries(report.map((change) => [change.path, change.diff]));
    expect(byPath['keep.txt']).toContain('-two');
    expect(byPath['keep.txt']).toContain('+TWO');
    expect(byPath['gone.txt']).toContain('-bye');
    expect(byPath['made.txt']).toContain('+new');
  });

  it('in git: a clean tracked file\'s before-content comes from HEAD; an ignored file is not reported', async () => {
    const { workspace, call, changes } = bench();
    git(workspace, 'init', '-q');
    git(workspace, 'config', 'user.name', 'Test');
    git(workspace, 'config', 'user.email', 'test@example.com');
    mkdirSync(join(workspace, 'src'));
    writeFileSync(join(workspace, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(workspace, '.gitignore'), 'build/\n');
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-qm', 'start');
    await call('shell', { command: "sed -i 's/1/2/' src/a.ts && mkdir -p build && echo x > build/out.js" });
    const report = changes.changes();
    expect(report.map((change) => change.path)).toEqual(['src/a.ts']);
    expect(report[0]!.diff).toContain('-export const a = 1;');
    expect(report[0]!.diff).toContain('+export const a = 2;');
  });

  it('a file changed by edit and then by a shell command keeps its content from before the edit', async () => {
    const { workspace, call, changes } = bench();
    writeFileSync(join(workspace, 'f.txt'), 'original\n');
    await call('edit', { path: 'f.txt', old_string: 'original', new_string: 'edited' });
    await call('shell', { command: "sed -i 's/edited/shelled/' f.txt" });
    const [change] = changes.changes();
    expect(change).toMatchObject({ path: 'f.txt', status: 'modified', additions: 1, deletions: 1 });
    expect(change!.diff).toContain('-original');
    expect(change!.diff).toContain('+shelled');
    expect(change!.diff).not.toContain('edited');
  });

  it('a file changed by two shell commands keeps its content from before the first', async () => {
    const { workspace, call, changes } = bench();
    writeFileSync(join(workspace, 'f.txt'), 'v1\n');
    await call('shell', { command: 'echo v2 > f.txt' });
    await call('shell', { command: 'echo v3 > f.txt' });
    const [change] = changes.changes();
    expect(change!.diff).toContain('-v1');
    expect(change!.diff).toContain('+v3');
  });

  it('a folder removed and made again by one command: its file is modified, with its content from before', async () => {
    const { workspace, call, changes } = bench();
    mkdirSync(join(workspace, 'gen'));
    writeFileSync(join(workspace, 'gen', 'out.txt'), 'old\n');
    await call('shell', { command: 'true' }); // the folder is watched from here on
    await call('shell', { command: "rm -r gen && mkdir gen && printf 'new\\n' > gen/out.txt" });
    await call('shell', { command: "printf 'more\\n' > gen/more.txt" }); // the new folder is watched too
    const report = changes.changes();
    expect(report.map(({ path, status }) => ({ path, status }))).toEqual([
      { path: 'gen/more.txt', status: 'added' },
      { path: 'gen/out.txt', status: 'modified' },
    ]);
    expect(report[1]!.diff).toContain('-old');
    expect(report[1]!.diff).toContain('+new');
  });

  it('binary files: status only', async () => {
    const { workspace, call, changes } = bench();
    writeFileSync(join(workspace, 'image.bin'), Buffer.from([0, 1, 2, 3]));
    await call('shell', { command: "printf '\\000\\005' > image.bin" });
    expect(changes.changes()).toEqual([{ path: 'image.bin', status: 'modified', additions: 0, deletions: 0, diff: 'Binary file image.bin modified\n' }]);
  });

  it('more than 2,000 small files and no git: the change is reported, its before-content said to be unknown', async () => {
    const { workspace, call, changes } = bench();
    mkdirSync(join(workspace, 'many'));
    for (let i = 0; i < 2001; i++) writeFileSync(join(workspace, 'many', `f${i}.txt`), `${i}\n`);
    await call('shell', { command: "printf 'a\\nb\\n' > many/f7.txt" });
    const [change] = changes.changes();
    expect(change).toMatchObject({ path: 'many/f7.txt', status: 'modified', additions: 2, deletions: 0 });
    expect(change!.diff).toMatch(/before the run is unknown/);
  });

  it('a command that changes nothing adds nothing', async () => {
    const { workspace, call, changes } = bench();
    writeFileSync(join(workspace, 'f.txt'), 'same\n');
    await call('shell', { command: 'cat f.txt' });
    expect(changes.changes()).toEqual([]);
  });
});
