import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Homes a test made itself go when its file is done (runOpenkoi's own go when the run ends).
const homes: string[] = [];
afterAll(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** A fresh home: OPENKOI_HOME and HOME both inside a temporary directory, removed after the test file. */
export function temporaryHome(): { home: string; openkoiHome: string } {
  const home = mkdtempSync(join(tmpdir(), 'openkoi-cli-'));
  homes.push(home);
  return { home, openkoiHome: join(home, '.openkoi') };
}

/**
 * Runs the built `openkoi` as a subprocess. The environment starts empty apart from PATH, so a
 * developer's own keys and config never leak into a test.
 */
export function runOpenkoi(
  args: string[],
  environment: Record<string, string>,
  options: {
    stdin?: string;
    /** Feed stdin from a file (`openkoi < file`), as a shell redirect does; `stdin` uses a socket pair. */
    stdinFile?: string;
    cwd?: string;
    timeoutMs?: number;
    /** The user's config.toml, written into the temporary OPENKOI_HOME (and removed with it). */
    config?: string;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const { home, openkoiHome } = temporaryHome();
    if (options.config !== undefined) {
      mkdirSync(openkoiHome, { recursive: true });
      writeFileSync(join(openkoiHome, 'config.toml'), options.config);
    }
    let stdin: 'pipe' | number = 'pipe';
    if (options.stdinFile !== undefined) {
      const path = join(home, 'stdin.txt');
      writeFileSync(path, options.stdinFile);
      stdin = openSync(path, 'r');
    }
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? home,
      env: { PATH: process.env['PATH'] ?? '', HOME: home, OPENKOI_HOME: openkoiHome, NO_COLOR: '1', ...environment },
      stdio: [stdin, 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      // The temporary home goes with the run: tests leave no folders behind.
      if (typeof stdin === 'number') closeSync(stdin);
      rmSync(home, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
    // A command that never reads stdin (--version) may exit before the write lands: EPIPE then is
    // the child's business, not an uncaught error in the test process.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.stdin ?? '');
  });
}
