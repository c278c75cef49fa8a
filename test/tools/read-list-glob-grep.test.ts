import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGrepTool, findRipgrep, grepWithJs } from '../../src/tools/builtin/grep-tool.js';
import { READ_MAX_CHARACTERS } from '../../src/tools/builtin/read-tool.js';
import { toolBenches } from './tool-harness.js';

const bench = toolBenches('openkoi-readers-');

function numbered(count: number): string {
  return Array.from({ length: count }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
}

describe('read: numbered lines, ranges, and a note of what was left out', () => {
  it('numbers every line; the numbers are a prefix, not part of the text', async () => {
    const { workspace, call } = bench();
    writeFileSync(join(workspace, 'a.txt'), 'alpha\nbeta\n');
    expect((await call('read', { path: 'a.txt' })).output).toBe('    1\talpha\n    2\tbeta');
  });

  it('offset and limit read a range and say where to read on', async () => {
    const { workspace, call } = bench();
    writeFileSync(join(workspace, 'a.txt'), numbered(10));
    expect((await call('read', { path: 'a.txt', offset: 4, limit: 3 })).output).toBe('    4\tline 4\n    5\tline 5\n    6\tline 6\n[showing lines 4-6 of 10; read on with offset 7]');
  });

  it('an offset past the end says how long the file is', async () => {
    const { workspace, call } = bench();
    writeFileSync(join(workspace, 'a.txt'), numbered(3));
    expect((await call('read', { path: 'a.txt', offset: 9 })).output).toBe('[the file has 3 lines; offset 9 is past the end]');
  });

  it('a file above the size cap is cut on a line boundary with a note of what was cut', async () => {
    const { workspace, call } = bench();
    const long = 'x'.repeat(990);
    writeFileSync(join(workspace, 'big.txt'), Array.from({ length: 100 }, () => long).join('\n'));
    const result = await call('read', { path: 'big.txt' });
    expect(result.output.length).toBeLessThanOrEqual(READ_MAX_CHARACTERS + 100);
    const lastNote = result.output.split('\n').at(-1)!;
    const shown = Number(/showing lines 1-(\d+) of 100/.exec(lastNote)?.[1]);
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(100);
    expect(lastNote).toBe(`[showing lines 1-${shown} of 100; read on with offset ${shown + 1}]`);
  });

  it('a binary file and a folder are tool errors, not garbage', async () => {
    const { workspace, call } = bench();
    writeFileSync(join(workspace, 'image.bin'), Buffer.from([0x89, 0x50, 0, 0, 1]));
    mkdirSync(join(workspace, 'src'));
    expect(await call('read', { path: 'image.bin' })).toMatchObject({ isError: true, output: 'read: "image.bin" is a binary file (5 bytes)' });
    expect(await call('read', { path: 'src' })).toMatchObject({ isError: true, output: 'read: "src" is a folder; use list' });
  });
});

function project(workspace: string): void {
  mkdirSync(join(workspace, 'src', 'generated'), { recursive: true });
  mkdirSync(join(workspace, 'node_modules', 'dep'), { recursive: true });
  mkdirSync(join(workspace, '.git'), { recursive: true });
  writeFileSync(join(workspace, '.gitignore'), 'node_modules/\n*.log\n');
  writeFileSync(join(workspace, 'src', '.gitignore'), 'generated/\n');
  writeFileSync(join(workspace, 'src', 'main.ts'), 'export const needle = 1;\n');
  writeFileSync(join(workspace, 'src', 'generated', 'out.ts'), 'export const needle = 2;\n');
  writeFileSync(join(workspace, 'node_modules', 'dep', 'index.js'), 'const needle = 3;\n');
  writeFileSync(join(workspace, 'debug.log'), 'needle in a log\n');
  writeFileSync(join(workspace, '.git', 'config'), 'needle in git\n');
  writeFileSync(join(workspace, 'README.md'), '# readme\nno match here\nthe needle is here\n');
}

describe('list and glob leave out what .gitignore leaves out (nested files too) and never enter .git', () => {
  it('list shows one level, folders with "/"', async () => {
    const { workspace, call } = bench();
    project(workspace);
    expect((await call('list', {})).output).toBe('.gitignore\nREADME.md\nsrc/');
    expect((await call('list', { path: 'src' })).output).toBe('.gitignore\nmain.ts');
  });

  it('glob matches paths from the root, sorted, without ignored files', async () => {
    const { workspace, call } = bench();
    project(workspace);
    expect((await call('glob', { pattern: '**/*.ts' })).output).toBe('src/main.ts');
    expect((await call('glob', { pattern: '**/*.{js,log}' })).output).toBe('no files match');
  });
});

describe('grep: "path:line:text", ignored files left out', () => {
  it('the JS search (used when ripgrep is not on PATH) finds matches in the shape ripgrep prints', async () => {
    const { workspace } = bench();
    project(workspace);
    expect(grepWithJs(workspace, { pattern: 'needle' }, '')).toEqual(['README.md:3:the needle is here', 'src/main.ts:1:export const needle = 1;']);
    expect(grepWithJs(workspace, { pattern: 'NEEDLE', ignore_case: true, glob: '*.md' }, '')).toEqual(['README.md:3:the needle is here']);
    expect(grepWithJs(workspace, { pattern: 'needle' }, 'src/main.ts')).toEqual(['src/main.ts:1:export const needle = 1;']);
  });

  it('the grep tool gives the same lines as the JS search, whichever engine this machine has', async () => {
    const { workspace } = bench();
    project(workspace);
    const grep = createGrepTool();
    const result = await grep.run({ pattern: 'needle' }, { workspace });
    expect(result.output).toBe('README.md:3:the needle is here\nsrc/main.ts:1:export const needle = 1;');
    const inFolder = await grep.run({ pattern: 'needle', path: 'src' }, { workspace });
    expect(inFolder.output).toBe('src/main.ts:1:export const needle = 1;');
  });

  it.runIf(findRipgrep() !== undefined)('ripgrep and the JS search agree line for line', async () => {
    const { workspace } = bench();
    project(workspace);
    writeFileSync(join(workspace, 'src', 'more.ts'), 'a\nneedle b\nc\nneedle d\n');
    const withRipgrep = await createGrepTool(findRipgrep()).run({ pattern: 'needle' }, { workspace });
    expect(withRipgrep.output.split('\n').sort()).toEqual(grepWithJs(workspace, { pattern: 'needle' }, '').sort());
  });

  it('a bad regular expression is a tool error naming the problem; no match says so', async () => {
    const { workspace } = bench();
    project(workspace);
    const grep = createGrepTool();
    const bad = await grep.run({ pattern: '(unclosed' }, { workspace });
    expect(bad.isError).toBe(true);
    expect(bad.output).toMatch(/^grep: /);
    expect((await grep.run({ pattern: 'absent-word' }, { workspace })).output).toBe('no matches');
  });
});
