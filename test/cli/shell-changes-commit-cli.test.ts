// The end-of-run change report lists what the shell tool changed (stderr stat and --json changes),
// and --commit commits exactly those files in a git repository; without it nothing is committed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { taskSummarySchema } from '../../src/engine/task-summary.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi } from './run-openkoi.js';

let fake: FakeServer;
let root: string;
let project: string;
let environment: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeVendors();
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  root = realpathSync(mkdtempSync(join(tmpdir(), 'openkoi-shell-changes-cli-')));
  project = join(root, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'config.txt'), 'level = low\nname = koi\n');
  writeFileSync(join(project, 'notes.md'), 'unrelated\n');
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-changes-0123' };
  return () => rmSync(root, { recursive: true, force: true });
});

const TASK = 'Raise the level\n\nand add a readme';
const SHELL = "sed -i 's/low/high/' config.txt && printf 'hello\\n' > README.txt";

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: project, encoding: 'utf8' });
}

function initRepository(): string {
  git('init', '-q');
  git('config', 'user.name', 'Koi Tester');
  git('config', 'user.email', 'koi@example.com');
  git('add', '.');
  git('commit', '-qm', 'start');
  return git('rev-parse', 'HEAD').trim();
}

/** One execution (-i 0): the model runs the shell command, then answers. */
function runWithShell(...extra: string[]) {
  fake.script('openai.chat', { toolCalls: [{ id: 's1', name: 'shell', arguments: { command: SHELL } }] }, { text: 'done' });
  return runOpenkoi(['-m', 'openai/gpt-4.1', '-i', '0', '--mode', 'auto', '--no-memory', '--no-stdin', '--json', ...extra, TASK], environment, { cwd: project, timeoutMs: 60_000 });
}

describe('files changed by the shell tool are in the change report', () => {
  it('--json changes and the stderr stat list the file sed rewrote and the file printf made', async () => {
    const result = await runWithShell();
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(project, 'config.txt'), 'utf8')).toBe('level = high\nname = koi\n');
    const summary = taskSummarySchema.parse(JSON.parse(result.stdout));
    expect(summary.changes?.map(({ path, status, additions, deletions }) => ({ path, status, additions, deletions }))).toEqual([
      { path: 'config.txt', status: 'modified', additions: 1, deletions: 1 },
      { path: 'README.txt', status: 'added', additions: 1, deletions: 0 },
    ].sort((a, b) => (a.path < b.path ? -1 : 1)));
    const config = summary.changes!.find((change) => change.path === 'config.txt')!;
    expect(config.diff).toContain('-level = low');
    expect(config.diff).toContain('+level = high');
    expect(result.stderr).toMatch(/\[changes\] config\.txt\s+\| \+1 −1/);
    expect(result.stderr).toMatch(/\[changes\] README\.txt\s+\| added \+1 −0/);
    expect(result.stderr).toContain('[changes] 2 files changed, +2 −1 (not committed)');
    expect(summary.commit).toBeUndefined();
  });
});

describe('--commit: only with the flag, only the changed files', () => {
  it('in a git repository without --commit: nothing is committed, git status shows the change', async () => {
    const start = initRepository();
    const result = await runWithShell();
    expect(result.code, result.stderr).toBe(0);
    expect(git('rev-parse', 'HEAD').trim()).toBe(start);
    expect(git('status', '--porcelain')).toBe(' M config.txt\n?? README.txt\n');
    expect(result.stderr).toContain('(not committed)');
  });

  it('with --commit: HEAD advances by one commit holding exactly the changed paths, not the user\'s pre-staged file', async () => {
    const start = initRepository();
    writeFileSync(join(project, 'notes.md'), 'staged by the user\n');
    git('add', 'notes.md');
    const result = await runWithShell('--commit');
    expect(result.code, result.stderr).toBe(0);
    const head = git('rev-parse', 'HEAD').trim();
    expect(head).not.toBe(start);
    expect(git('rev-parse', 'HEAD~1').trim()).toBe(start);
    expect(git('show', '--name-status', '--format=', 'HEAD').trim().split('\n').sort()).toEqual(['A\tREADME.txt', 'M\tconfig.txt']);
    expect(git('log', '-1', '--format=%B').trim()).toMatch(/^openkoi: Raise the level\n\nopenkoi task \S+$/);
    // The user's staged work is still staged, and not committed.
    expect(git('status', '--porcelain')).toBe('M  notes.md\n');
    const summary = taskSummarySchema.parse(JSON.parse(result.stdout));
    expect(summary.commit).toBe(head);
    expect(git('log', '-1', '--format=%B')).toContain(`openkoi task ${summary.taskId}`);
    expect(result.stderr).toContain(`[changes] committed ${head.slice(0, 7)}`);
    expect(result.stderr).not.toContain('(not committed)');
  });

  it('--commit outside a git repository is a warning; nothing is done and the exit code is unchanged', async () => {
    const result = await runWithShell('--commit');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('openkoi: warning: --commit:');
    expect(result.stderr).toContain('is not in a git repository; nothing was committed');
    expect(taskSummarySchema.parse(JSON.parse(result.stdout)).commit).toBeUndefined();
  });

  it('a hook that rejects the commit: a warning with git\'s message, exit code unchanged, files as they are', async () => {
    const start = initRepository();
    const hook = join(project, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho "pre-commit: lint failed in config.txt" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const result = await runWithShell('--commit');
    expect(result.code, result.stderr).toBe(0);
    expect(git('rev-parse', 'HEAD').trim()).toBe(start);
    expect(result.stderr).toContain('openkoi: warning: --commit: git could not commit');
    expect(result.stderr).toContain('pre-commit: lint failed in config.txt');
    expect(readFileSync(join(project, 'config.txt'), 'utf8')).toBe('level = high\nname = koi\n');
    expect(readFileSync(join(project, 'README.txt'), 'utf8')).toBe('hello\n');
  });

  it('no user.name: a warning with git\'s message, exit code unchanged, nothing committed', async () => {
    const start = initRepository();
    git('config', '--unset', 'user.name');
    git('config', '--unset', 'user.email');
    // Without this git may make up a name from the machine's account instead of refusing.
    git('config', 'user.useConfigOnly', 'true');
    const result = await runWithShell('--commit');
    expect(result.code, result.stderr).toBe(0);
    expect(git('rev-parse', 'HEAD').trim()).toBe(start);
    expect(result.stderr).toContain('openkoi: warning: --commit: git could not commit');
    expect(result.stderr).toMatch(/user\.useConfigOnly|user\.email|identity/i);
    expect(readFileSync(join(project, 'config.txt'), 'utf8')).toBe('level = high\nname = koi\n');
  });

  it('a run that is not accepted (its final answer is empty) commits nothing and says why', async () => {
    const start = initRepository();
    fake.script('openai.chat', { toolCalls: [{ id: 's1', name: 'shell', arguments: { command: SHELL } }] }, { text: '' });
    const result = await runOpenkoi(['-m', 'openai/gpt-4.1', '-i', '0', '--mode', 'auto', '--no-memory', '--no-stdin', '--commit', TASK], environment, { cwd: project, timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(4);
    expect(git('rev-parse', 'HEAD').trim()).toBe(start);
    expect(result.stderr).toContain('openkoi: warning: --commit: nothing was committed, the run was not accepted (stop: the answer is empty)');
    expect(git('status', '--porcelain')).toBe(' M config.txt\n?? README.txt\n');
  });

  it('a file git ignores that the run wrote is left out of the commit and named', async () => {
    writeFileSync(join(project, '.gitignore'), 'build/\n');
    const start = initRepository();
    fake.script(
      'openai.chat',
      { toolCalls: [{ id: 'w1', name: 'write', arguments: { path: 'build/out.txt', content: 'generated\n' } }] },
      { toolCalls: [{ id: 's1', name: 'shell', arguments: { command: SHELL } }] },
      { text: 'done' },
    );
    const result = await runOpenkoi(['-m', 'openai/gpt-4.1', '-i', '0', '--mode', 'auto', '--no-memory', '--no-stdin', '--commit', TASK], environment, { cwd: project, timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/\[changes\] committed [0-9a-f]{7} \(left out, ignored by git: build\/out\.txt\)/);
    expect(git('rev-parse', 'HEAD~1').trim()).toBe(start);
    expect(git('show', '--name-status', '--format=', 'HEAD').trim().split('\n').sort()).toEqual(['A\tREADME.txt', 'M\tconfig.txt']);
    expect(readFileSync(join(project, 'build', 'out.txt'), 'utf8')).toBe('generated\n');
  });

  it('--commit with --mode read: nothing to commit', async () => {
    const start = initRepository();
    fake.script('openai.chat', { text: 'read only' });
    const result = await runOpenkoi(['-m', 'openai/gpt-4.1', '-i', '0', '--mode', 'read', '--no-memory', '--no-stdin', '--commit', TASK], environment, { cwd: project });
    expect(result.code, result.stderr).toBe(0);
    expect(git('rev-parse', 'HEAD').trim()).toBe(start);
    expect(result.stderr).toContain('[changes] --commit: nothing to commit');
  });
});
