import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toolBenches } from './tool-harness.js';

const bench = toolBenches('openkoi-escape-');

// Each file tool with the arguments that point it at `target`.
const FILE_CALLS: Array<[string, (target: string) => Record<string, unknown>]> = [
  ['read', (target) => ({ path: target })],
  ['write', (target) => ({ path: target, content: 'overwritten by the tool' })],
  ['edit', (target) => ({ path: target, old_string: 'secret', new_string: 'changed' })],
  ['list', (target) => ({ path: target })],
  ['grep', (target) => ({ pattern: 'secret', path: target })],
  ['shell', (target) => ({ command: 'pwd', cwd: target })],
];

describe('every path a tool touches stays inside the workspace', () => {
  it.each(FILE_CALLS)('%s refuses "../" out of the workspace with a tool error, and touches nothing', async (tool, argsFor) => {
    const { workspace, outside, call } = bench();
    writeFileSync(join(outside, 'secret.txt'), 'secret\n');
    const target = tool === 'list' || tool === 'shell' ? '../outside' : '../outside/secret.txt';
    const result = await call(tool, argsFor(target));
    expect(result.isError).toBe(true);
    expect(result.output).toContain(`${tool}: path "${target}" is outside the workspace ${workspace}`);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret\n');
  });

  it.each(FILE_CALLS)('%s refuses an absolute path outside the workspace', async (tool, argsFor) => {
    const { outside, call } = bench();
    writeFileSync(join(outside, 'secret.txt'), 'secret\n');
    const target = tool === 'list' || tool === 'shell' ? outside : join(outside, 'secret.txt');
    const result = await call(tool, argsFor(target));
    expect(result.isError).toBe(true);
    expect(result.output).toContain('is outside the workspace');
    expect(result.output).not.toContain('secret\n');
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret\n');
  });

  it.each(FILE_CALLS)('%s refuses a symbolic link inside the workspace that leads out', async (tool, argsFor) => {
    const { workspace, outside, call } = bench();
    writeFileSync(join(outside, 'secret.txt'), 'secret\n');
    // A file link for the file tools, a folder link for list and shell's cwd.
    symlinkSync(outside, join(workspace, 'door'));
    const target = tool === 'list' || tool === 'shell' ? 'door' : 'door/secret.txt';
    const result = await call(tool, argsFor(target));
    expect(result.isError).toBe(true);
    expect(result.output).toContain(`path "${target}" leads outside the workspace through a symbolic link`);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret\n');
  });

  it('a link to a file outside is refused too, and a new file under a linked folder is not created outside', async () => {
    const { workspace, outside, call } = bench();
    writeFileSync(join(outside, 'secret.txt'), 'secret\n');
    symlinkSync(join(outside, 'secret.txt'), join(workspace, 'notes.txt'));
    symlinkSync(outside, join(workspace, 'door'));
    expect((await call('read', { path: 'notes.txt' })).output).toContain('leads outside the workspace through a symbolic link');
    const created = await call('write', { path: 'door/new/deeper.txt', content: 'x' });
    expect(created.isError).toBe(true);
    expect(existsSync(join(outside, 'new'))).toBe(false);
  });

  it('a write through a dangling link replaces the link inside the workspace and never creates its target outside', async () => {
    const { workspace, outside, call } = bench();
    symlinkSync(join(outside, 'planted.txt'), join(workspace, 'planted.txt'));
    const result = await call('write', { path: 'planted.txt', content: 'inside\n' });
    expect(result.isError).toBe(false);
    expect(existsSync(join(outside, 'planted.txt'))).toBe(false);
    expect(lstatSync(join(workspace, 'planted.txt')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(workspace, 'planted.txt'), 'utf8')).toBe('inside\n');
  });

  it('"a/../b" that stays inside, and a link that stays inside, are fine', async () => {
    const { workspace, call } = bench();
    mkdirSync(join(workspace, 'a'));
    writeFileSync(join(workspace, 'b.txt'), 'bee\n');
    symlinkSync(join(workspace, 'b.txt'), join(workspace, 'a', 'link.txt'));
    expect((await call('read', { path: 'a/../b.txt' })).output).toBe('    1\tbee');
    expect((await call('read', { path: 'a/link.txt' })).output).toBe('    1\tbee');
  });
});
