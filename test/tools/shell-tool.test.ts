import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCommandRunner } from '../../src/tools/shell/command-runner.js';
import { toolBenches } from './tool-harness.js';

const bench = toolBenches('openkoi-shell-');

/** Whether `pid` still runs (a zombie waiting for its reaper has already died). */
function running(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, attempts = 100): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

describe('shell runs in the workspace with a timeout that kills the whole process group', () => {
  it('runs in the workspace root, or in cwd inside it', async () => {
    const { workspace, call } = bench();
    expect((await call('shell', { command: 'pwd' })).output).toMatch(new RegExp(`^${workspace}\\n\\[exit 0 in `));
    await call('shell', { command: 'mkdir sub' });
    expect((await call('shell', { command: 'pwd', cwd: 'sub' })).output).toMatch(new RegExp(`^${workspace}/sub\\n`));
  });

  it('on timeout the shell and a child it started (a background sleep) both die; the result says so', async () => {
    const { workspace, call } = bench({ shellTimeoutMs: 1500 });
    const result = await call('shell', { command: 'sleep 60 & echo $! > child.pid; sleep 60' });
    const child = Number(readFileSync(join(workspace, 'child.pid'), 'utf8'));
    expect(result.isError).toBe(true);
    expect(result.output).toContain('[timed out after 1.5 s (process group killed)');
    expect(await until(() => !running(child))).toBe(true);
  });

  it('a command that leaves a background process behind finishes when the shell does, not at the timeout', async () => {
    const { workspace, call } = bench({ shellTimeoutMs: 20_000 });
    const result = await call('shell', { command: 'sleep 60 & echo $! > child.pid; echo started' });
    expect(result.output).toMatch(/^started\n\[exit 0 in /);
    expect(result.isError).toBe(false);
    expect(await until(() => !running(Number(readFileSync(join(workspace, 'child.pid'), 'utf8'))))).toBe(true);
  });

  it('an abort (Ctrl-C) kills the group as the timeout does', async () => {
    const { workspace } = bench();
    const runner = createCommandRunner({ workspace, sandbox: { sandboxed: false, reason: 'unit test' }, network: false, killGraceMs: 200 });
    const controller = new AbortController();
    const pending = runner.run('sleep 60 & echo $! > child.pid; sleep 60', { cwd: workspace, timeoutMs: 60_000, signal: controller.signal });
    expect(await until(() => existsSync(join(workspace, 'child.pid')) && readFileSync(join(workspace, 'child.pid'), 'utf8').trim() !== '')).toBe(true);
    controller.abort();
    const outcome = await pending;
    expect(outcome.timedOut).toBe(false);
    expect(outcome.exitCode).toBe(null);
    expect(await until(() => !running(Number(readFileSync(join(workspace, 'child.pid'), 'utf8'))))).toBe(true);
  });
});

describe('shell output: stdout and stderr interleaved, the exit code, and long output cut to head and tail', () => {
  it('stdout and stderr arrive in the order they were written', async () => {
    const { call } = bench();
    const result = await call('shell', { command: 'echo out1; sleep 0.2; echo err1 >&2; sleep 0.2; echo out2; sleep 0.2; echo err2 >&2; exit 3' });
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/^out1\nerr1\nout2\nerr2\n\[exit 3 in \d+\.\d s, not sandboxed\]$/);
  });

  it('past the output limit the model gets the head and the tail with a marker; the whole output is saved under OPENKOI_HOME', async () => {
    const { home, call } = bench({ outputLimit: 1000 });
    const result = await call('shell', { command: 'echo FIRST-LINE; seq 1 5000; echo LAST-LINE' });
    const saved = /whole output \((\d+) characters\) saved to (\S+?)\]$/.exec(result.output);
    expect(saved, result.output).not.toBeNull();
    const [, length, path] = saved!;
    expect(path!.startsWith(join(home, 'tool-output'))).toBe(true);
    const whole = readFileSync(path!, 'utf8');
    expect(whole.length).toBe(Number(length));
    expect(whole).toBe(`FIRST-LINE\n${Array.from({ length: 5000 }, (_, i) => i + 1).join('\n')}\nLAST-LINE\n`);
    expect(result.output.startsWith('FIRST-LINE\n1\n2\n')).toBe(true);
    expect(result.output).toContain('4999\n5000\nLAST-LINE\n[exit 0');
    expect(result.output).toMatch(new RegExp(`\\n\\[… \\d+ characters cut; whole output in ${path!.replace(/[.]/g, '\\.')} …\\]\\n`));
    // What the model sees is the limit plus the marker and the status line, not the whole.
    expect(result.output.length).toBeLessThan(1000 + 400);
    expect(readdirSync(join(home, 'tool-output'))).toHaveLength(1);
  });

  it('output within the limit is whole and saves nothing', async () => {
    const { home, call } = bench({ outputLimit: 1000 });
    const result = await call('shell', { command: 'seq 1 10' });
    expect(result.output).toMatch(/^1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n\[exit 0 in \d+\.\d s, not sandboxed\]$/);
    expect(existsSync(join(home, 'tool-output'))).toBe(false);
  });
});
