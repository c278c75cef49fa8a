import { describe, expect, it } from 'vitest';
import { splitShellCommand } from '../../src/tools/split-shell-command.js';

describe('a command line as permission rules see it: one entry per command of a chain', () => {
  it.each([
    ['npm test', ['npm test'], false],
    ['npm test && rm -rf ~', ['npm test', 'rm -rf ~'], false],
    ['a; b || c | d & e', ['a', 'b', 'c', 'd', 'e'], false],
    ['a\nb', ['a', 'b'], false],
    ['echo "a; b" \'c && d\'', ['echo "a; b" \'c && d\''], false],
    ['echo a\\;b', ['echo a\\;b'], false],
    ['npm test 2>&1 >out.log', ['npm test 2>&1 >out.log'], false],
    ['echo err >&2 &> all.log', ['echo err >&2 &> all.log'], false],
    ['FOO=1 BAR="x y" rm -rf tmp', ['rm -rf tmp'], false],
    ['(cd sub && rm x)', ['cd sub', 'rm x'], false],
    ['{ rm x; }', ['rm x'], false],
    ['! rm x', ['rm x'], false],
    ['echo $(rm x)', ['echo $', 'rm x'], true],
    ['echo `rm x`', ['echo `rm x`'], true],
    ['diff <(ls a) <(ls b)', ['diff <', 'ls a', '<', 'ls b'], true],
    ["echo '$(not run)'", ["echo '$(not run)'"], false],
  ])('%j', (line, commands, opaque) => {
    expect(splitShellCommand(line)).toEqual({ commands, opaque });
  });
});
