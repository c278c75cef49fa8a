import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseChecks } from '../../../src/engine/checks/choose-checks.js';
import { detectCheckCommands } from '../../../src/engine/checks/detect-check-commands.js';

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'openkoi-checks-'));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

const write = (path: string, text: string) => {
  mkdirSync(join(workspace, path, '..'), { recursive: true });
  writeFileSync(join(workspace, path), text);
};
const commands = () => detectCheckCommands(workspace).map((check) => `${check.kind}: ${check.command} (${check.origin})`);

describe('detecting the test command and the linter', () => {
  it('package.json test and lint scripts, with the package manager the lockfile names', () => {
    write('package.json', JSON.stringify({ scripts: { test: 'vitest run', lint: 'eslint .' } }));
    expect(commands()).toEqual(['tests: npm test (package.json "test" script)', 'lint: npm run lint (package.json "lint" script)']);
    write('pnpm-lock.yaml', '');
    expect(commands()[0]).toBe('tests: pnpm test (package.json "test" script)');
  });

  it("ignores npm's default stub test script", () => {
    write('package.json', JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }));
    expect(commands()).toEqual([]);
  });

  it.each([
    ['pytest.ini', '[pytest]\n', 'tests: python -m pytest (pytest configuration)'],
    ['pyproject.toml', '[tool.pytest.ini_options]\naddopts = "-q"\n', 'tests: python -m pytest (pytest configuration)'],
    ['tests/test_parser.py', 'def test_x(): pass\n', 'tests: python -m pytest (pytest configuration)'],
    ['Cargo.toml', '[package]\nname = "x"\n', 'tests: cargo test (Cargo.toml)'],
    ['go.mod', 'module example.com/x\n', 'tests: go test ./... (go.mod)'],
    ['Makefile', 'build:\n\tcc x.c\ntest: build\n\t./run-tests\n', 'tests: make test (Makefile "test" target)'],
  ])('%s → the matching test command', (path, text, expected) => {
    write(path, text);
    expect(commands()).toEqual([expected]);
  });

  it('linters from their configuration files and a Makefile lint target', () => {
    write('pyproject.toml', '[tool.ruff]\nline-length = 100\n');
    expect(commands()).toEqual(['lint: ruff check . (ruff configuration)']);
    rmSync(join(workspace, 'pyproject.toml'));
    write('.golangci.yml', 'linters: {}\n');
    expect(commands()).toEqual(['lint: golangci-lint run (golangci-lint configuration)']);
    rmSync(join(workspace, '.golangci.yml'));
    write('Makefile', 'VAR := 1\nlint:\n\tshellcheck *.sh\n');
    expect(commands()).toEqual(['lint: make lint (Makefile "lint" target)']);
  });

  it('a Makefile variable assignment is not a target', () => {
    write('Makefile', 'test := yes\n');
    expect(commands()).toEqual([]);
  });

  it('an empty folder has no checks', () => {
    expect(commands()).toEqual([]);
  });
});

describe('which checks run: detected commands only in a trusted workspace', () => {
  beforeEach(() => write('package.json', JSON.stringify({ scripts: { test: 'node evil.js', lint: 'eslint .' } })));

  it('trusted: the detected commands run', () => {
    const { checks, skipped } = chooseChecks(workspace, { enabled: true, trusted: true });
    expect(checks.map((check) => check.command)).toEqual(['npm test', 'npm run lint']);
    expect(skipped).toEqual([]);
  });

  it('untrusted: the repository\'s own scripts do not run, and each is named with how to allow it', () => {
    const { checks, skipped } = chooseChecks(workspace, { enabled: true, trusted: false });
    expect(checks).toEqual([]);
    expect(skipped).toEqual([
      expect.stringMatching(/^tests `npm test` \(from the package.json "test" script\) not run: the workspace is not trusted \(openkoi trust, or set \[evaluator\] test_command/),
      expect.stringMatching(/^lint `npm run lint` .* not run: the workspace is not trusted .*lint_command/),
    ]);
  });

  it("untrusted: the user's own configured commands run (they win over detection)", () => {
    const { checks, skipped } = chooseChecks(workspace, { enabled: true, trusted: false, testCommand: 'make check' });
    expect(checks).toEqual([{ kind: 'tests', command: 'make check', origin: '[evaluator] test_command', fromUser: true }]);
    expect(skipped).toHaveLength(1);
    const both = chooseChecks(workspace, { enabled: true, trusted: false, testCommand: 'make check', lintCommand: 'make lint' });
    expect(both.checks.map((check) => check.command)).toEqual(['make check', 'make lint']);
  });

  it('disabled (--no-checks): nothing runs, nothing is reported', () => {
    expect(chooseChecks(workspace, { enabled: false, trusted: true, testCommand: 'make check' })).toEqual({ checks: [], skipped: [] });
  });
});
