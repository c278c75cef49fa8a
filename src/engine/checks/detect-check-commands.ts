// Finds the project's test command and linter from its files, the way a developer new to the
// repository would: package.json scripts, pytest configuration, Cargo.toml, go.mod, a Makefile.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckCommand } from './check-command.js';

/** The stub `npm init` writes: a test script that only fails. Not a test suite. */
const NPM_DEFAULT_TEST = /no test specified/;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function packageScripts(workspace: string): Record<string, string> {
  const text = readText(join(workspace, 'package.json'));
  if (text === undefined) return {};
  try {
    const scripts = (JSON.parse(text) as { scripts?: unknown }).scripts;
    if (typeof scripts !== 'object' || scripts === null) return {};
    return Object.fromEntries(Object.entries(scripts).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}

/** The package manager the lockfile says the project uses; npm when none does. */
function packageManager(workspace: string): string {
  if (existsSync(join(workspace, 'pnpm-lock.yaml'))) return 'pnpm';
  if (existsSync(join(workspace, 'yarn.lock'))) return 'yarn';
  if (existsSync(join(workspace, 'bun.lockb')) || existsSync(join(workspace, 'bun.lock'))) return 'bun';
  return 'npm';
}

function makefileTargets(workspace: string): Set<string> {
  const text = readText(join(workspace, 'Makefile')) ?? readText(join(workspace, 'makefile')) ?? readText(join(workspace, 'GNUmakefile'));
  if (text === undefined) return new Set();
  return new Set([...text.matchAll(/^([A-Za-z0-9_.-]+)\s*:(?!=)/gm)].map((match) => match[1]!));
}

function usesPytest(workspace: string): boolean {
  if (existsSync(join(workspace, 'pytest.ini')) || existsSync(join(workspace, 'conftest.py'))) return true;
  if (/^\[tool\.pytest/m.test(readText(join(workspace, 'pyproject.toml')) ?? '')) return true;
  if (/^\[(tool:)?pytest\]/m.test(readText(join(workspace, 'setup.cfg')) ?? '') || /^\[pytest\]/m.test(readText(join(workspace, 'tox.ini')) ?? '')) return true;
  // A tests/ folder of test_*.py files with no configuration is still pytest's default layout.
  try {
    return readdirSync(join(workspace, 'tests')).some((name) => /^test_.*\.py$|_test\.py$/.test(name));
  } catch {
    return false;
  }
}

function detectTests(workspace: string): CheckCommand | undefined {
  const found = (command: string, origin: string): CheckCommand => ({ kind: 'tests', command, origin, fromUser: false });
  const test = packageScripts(workspace).test;
  if (test !== undefined && test.trim() !== '' && !NPM_DEFAULT_TEST.test(test)) return found(`${packageManager(workspace)} test`, 'package.json "test" script');
  if (usesPytest(workspace)) return found('python -m pytest', 'pytest configuration');
  if (existsSync(join(workspace, 'Cargo.toml'))) return found('cargo test', 'Cargo.toml');
  if (existsSync(join(workspace, 'go.mod'))) return found('go test ./...', 'go.mod');
  if (makefileTargets(workspace).has('test')) return found('make test', 'Makefile "test" target');
  return undefined;
}

function detectLint(workspace: string): CheckCommand | undefined {
  const found = (command: string, origin: string): CheckCommand => ({ kind: 'lint', command, origin, fromUser: false });
  if (packageScripts(workspace).lint !== undefined) return found(`${packageManager(workspace)} run lint`, 'package.json "lint" script');
  if (existsSync(join(workspace, 'ruff.toml')) || existsSync(join(workspace, '.ruff.toml')) || /^\[tool\.ruff/m.test(readText(join(workspace, 'pyproject.toml')) ?? '')) {
    return found('ruff check .', 'ruff configuration');
  }
  if (['.golangci.yml', '.golangci.yaml', '.golangci.toml'].some((name) => existsSync(join(workspace, name)))) return found('golangci-lint run', 'golangci-lint configuration');
  if (existsSync(join(workspace, 'clippy.toml')) || existsSync(join(workspace, '.clippy.toml'))) return found('cargo clippy -- -D warnings', 'clippy configuration');
  if (makefileTargets(workspace).has('lint')) return found('make lint', 'Makefile "lint" target');
  return undefined;
}

/** The test command and the linter the workspace's files name, each when there is one. */
export function detectCheckCommands(workspace: string): CheckCommand[] {
  return [detectTests(workspace), detectLint(workspace)].filter((check): check is CheckCommand => check !== undefined);
}
