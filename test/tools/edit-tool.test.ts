import { chmodSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/tools/atomic-write.js';
import { toolBenches } from './tool-harness.js';

const bench = toolBenches('openkoi-edit-');

function withFile(name: string, content: string) {
  const tools = bench();
  writeFileSync(join(tools.workspace, name), content);
  return { ...tools, content: () => readFileSync(join(tools.workspace, name), 'utf8') };
}

describe('edit refuses an ambiguous match unless replace_all', () => {
  it('two matches: a tool error naming both lines, the file untouched', async () => {
    const file = withFile('a.ts', 'let x = 1;\nfoo();\nlet y = 2;\nfoo();\n');
    const result = await file.call('edit', { path: 'a.ts', old_string: 'foo();', new_string: 'bar();' });
    expect(result.isError).toBe(true);
    expect(result.output).toBe('edit: old_string matches 2 places in a.ts (lines 2, 4); add surrounding lines to make it unique, or set replace_all');
    expect(file.content()).toBe('let x = 1;\nfoo();\nlet y = 2;\nfoo();\n');
  });

  it('replace_all replaces every one and says how many', async () => {
    const file = withFile('a.ts', 'foo();\nfoo();\nfoo();\n');
    const result = await file.call('edit', { path: 'a.ts', old_string: 'foo()', new_string: 'bar()', replace_all: true });
    expect(result.isError).toBe(false);
    expect(result.output).toBe('edited a.ts (3 replacements, +3 −3)');
    expect(file.content()).toBe('bar();\nbar();\nbar();\n');
  });

  it('an ambiguous tolerant match is refused the same way', async () => {
    const file = withFile('a.py', 'if a:\n    go()\nif b:\n    go()\n');
    const result = await file.call('edit', { path: 'a.py', old_string: 'go()  \n', new_string: 'stop()\n' });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('matches 2 places in a.py (lines 2, 4)');
  });
});

describe('a missing match: the error carries the closest region of the file, numbered', () => {
  it('shows the most similar lines with a line of context either side, and leaves the file alone', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `const value${i + 1} = compute(${i + 1});`);
    lines[19] = 'function parseHeader(input: string) {';
    lines[20] = '  return input.split(":")[0];';
    const file = withFile('parser.ts', `${lines.join('\n')}\n`);
    const result = await file.call('edit', {
      path: 'parser.ts',
      old_string: 'function parseHeader(text: string) {\n  return text.split(":")[0];',
      new_string: 'x',
    });
    expect(result.isError).toBe(true);
    expect(result.output).toContain('old_string was not found in parser.ts (tried: exact, line endings, trailing whitespace, indentation)');
    expect(result.output).toContain(
      [
        'The closest region (lines 19-22):',
        '   19\tconst value19 = compute(19);',
        '   20\tfunction parseHeader(input: string) {',
        '   21\t  return input.split(":")[0];',
        '   22\tconst value22 = compute(22);',
      ].join('\n'),
    );
    expect(file.content()).toBe(`${lines.join('\n')}\n`);
  });

  it('a file that does not exist says to use write', async () => {
    const { call } = bench();
    const result = await call('edit', { path: 'nope.ts', old_string: 'a', new_string: 'b' });
    expect(result).toMatchObject({ isError: true, output: 'edit: "nope.ts" does not exist; to create a file use write' });
  });
});

describe('tolerant strategies, each reported in the result', () => {
  it('exact: no strategy note', async () => {
    const file = withFile('a.txt', 'alpha\nbeta\n');
    const result = await file.call('edit', { path: 'a.txt', old_string: 'beta', new_string: 'gamma' });
    expect(result.output).toBe('edited a.txt (+1 −1)');
    expect(file.content()).toBe('alpha\ngamma\n');
  });

  it('trailing whitespace: the file has spaces at line ends the model left out', async () => {
    const file = withFile('a.txt', 'one   \ntwo\t\nthree\n');
    const result = await file.call('edit', { path: 'a.txt', old_string: 'one\ntwo\n', new_string: 'ONE\nTWO\n' });
    expect(result.isError).toBe(false);
    expect(result.output).toContain('(matched by trailing whitespace: old_string differed from the file in trailing whitespace)');
    expect(file.content()).toBe('ONE\nTWO\nthree\n');
  });

  it('indentation shifted as a block: the replacement is re-indented by the same shift', async () => {
    const file = withFile('a.py', 'class A:\n    def run(self):\n        if ready:\n            go()\n        return 1\n');
    const result = await file.call('edit', {
      path: 'a.py',
      old_string: 'if ready:\n    go()',
      new_string: 'if ready:\n    go()\n    log("went")',
    });
    expect(result.isError).toBe(false);
    expect(result.output).toContain('(matched by indentation: old_string differed from the file in indentation)');
    expect(file.content()).toBe('class A:\n    def run(self):\n        if ready:\n            go()\n            log("went")\n        return 1\n');
  });

  it('line endings: an LF old_string edits a CRLF file, which stays CRLF throughout', async () => {
    const file = withFile('win.txt', 'first\r\nsecond\r\nthird\r\n');
    const result = await file.call('edit', { path: 'win.txt', old_string: 'first\nsecond', new_string: 'first\nmiddle\nsecond' });
    expect(result.isError).toBe(false);
    expect(result.output).toContain('(matched by line endings: old_string differed from the file in line endings)');
    expect(file.content()).toBe('first\r\nmiddle\r\nsecond\r\nthird\r\n');
  });

  it('line endings: a CRLF old_string edits an LF file, which stays LF', async () => {
    const file = withFile('unix.txt', 'first\nsecond\nthird\n');
    const result = await file.call('edit', { path: 'unix.txt', old_string: 'second\r\nthird', new_string: '2nd\r\n3rd' });
    expect(result.output).toContain('matched by line endings');
    expect(file.content()).toBe('first\n2nd\n3rd\n');
  });

  it('a CRLF file edited on one line keeps CRLF on every line, including an added one', async () => {
    const file = withFile('win.txt', 'a\r\nb\r\n');
    const result = await file.call('edit', { path: 'win.txt', old_string: 'b', new_string: 'b\nc' });
    expect(result.output).toBe('edited win.txt (+1 −0)');
    expect(file.content()).toBe('a\r\nb\r\nc\r\n');
  });
});

describe('an edit never leaves a file half-written', () => {
  it('the new content arrives by rename: a hard link to the old file still holds the old text; no temporary file is left', async () => {
    const file = withFile('a.txt', 'before\n');
    linkSync(join(file.workspace, 'a.txt'), join(file.outside, 'old-link.txt'));
    const inodeBefore = statSync(join(file.workspace, 'a.txt')).ino;
    await file.call('edit', { path: 'a.txt', old_string: 'before', new_string: 'after' });
    expect(file.content()).toBe('after\n');
    // Written in place, the link would show "after" too.
    expect(readFileSync(join(file.outside, 'old-link.txt'), 'utf8')).toBe('before\n');
    expect(statSync(join(file.workspace, 'a.txt')).ino).not.toBe(inodeBefore);
    expect(readdirSync(file.workspace)).toEqual(['a.txt']);
  });

  it('keeps the file\'s mode (an executable script stays executable)', async () => {
    const file = withFile('run.sh', '#!/bin/sh\necho one\n');
    chmodSync(join(file.workspace, 'run.sh'), 0o755);
    await file.call('edit', { path: 'run.sh', old_string: 'one', new_string: 'two' });
    expect(statSync(join(file.workspace, 'run.sh')).mode & 0o777).toBe(0o755);
  });

  it('when the rename fails, what was there is intact and the temporary file is gone', () => {
    const { workspace } = bench();
    // A non-empty folder where the file should go: the temporary file is written, the rename fails.
    mkdirSync(join(workspace, 'target'));
    writeFileSync(join(workspace, 'target', 'keep.txt'), 'keep\n');
    expect(() => writeFileAtomic(join(workspace, 'target'), 'new')).toThrow();
    expect(readFileSync(join(workspace, 'target', 'keep.txt'), 'utf8')).toBe('keep\n');
    expect(readdirSync(workspace)).toEqual(['target']);
  });
});
