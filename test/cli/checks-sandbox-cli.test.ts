// The evaluator's checks run through the shell tool's runner: inside the bwrap sandbox when it
// works here (a test command cannot write outside the workspace) and with the shell timeout
// (`[tools] shell_timeout_s`), not through an unsandboxed runner of their own.
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { judgeReply, planReply } from '../engine/engine-harness.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { fakeVendorEnvironment, startFakeVendors } from '../fakes/start-fake-vendors.js';
import { runOpenkoi, temporaryHome } from './run-openkoi.js';

let fake: FakeServer;
let environment: Record<string, string>;
const folders: string[] = [];
beforeAll(async () => {
  fake = await startFakeVendors();
  environment = { ...fakeVendorEnvironment(fake), OPENAI_API_KEY: 'sk-fake-openai-checks-sandbox-0123' };
});
afterAll(() => {
  fake.stop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

function folder(prefix: string): string {
  const path = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  folders.push(path);
  return path;
}

/** One iteration whose check is the user's `[evaluator] test_command`; returns the run. */
async function runWithCheck(config: string, extraEnvironment: Record<string, string> = {}, extraArgs: string[] = []) {
  const { home, openkoiHome } = temporaryHome();
  mkdirSync(openkoiHome, { recursive: true });
  writeFileSync(join(openkoiHome, 'config.toml'), config);
  const workspace = folder('openkoi-checks-ws-');
  fake.script('openai.chat', planReply(['Do it']), { text: 'done' }, judgeReply(0.95));
  const result = await runOpenkoi(['-m', 'openai/gpt-4.1', '-i', '1', '--no-memory', ...extraArgs, '--workspace', workspace, 'do it'], { ...environment, HOME: home, OPENKOI_HOME: openkoiHome, ...extraEnvironment });
  return { workspace, result };
}

const bwrapPresent = ['/usr/bin/bwrap', '/bin/bwrap', '/usr/local/bin/bwrap'].some((path) => existsSync(path));

describe('evaluator checks in the sandbox', () => {
  it.skipIf(!bwrapPresent)('a check command cannot write outside the workspace (it can with the sandbox turned off), and can inside it', async () => {
    const outside = folder('openkoi-checks-outside-');
    const escaped = join(outside, 'escaped');
    const command = `touch '${escaped}'; touch inside`;
    const config = `[evaluator]\ntest_command = ${JSON.stringify(command)}\n`;

    const sandboxed = await runWithCheck(config);
    expect(sandboxed.result.code, sandboxed.result.stderr).toBe(0);
    expect(sandboxed.result.stderr).toContain(`check tests ${command}`);
    expect(sandboxed.result.stderr).not.toContain('(not sandboxed)');
    expect(existsSync(join(sandboxed.workspace, 'inside'))).toBe(true);
    expect(existsSync(escaped)).toBe(false);

    // The same command unsandboxed does write there: the check above could have failed.
    fake.reset();
    const plain = await runWithCheck(config, { OPENKOI_SANDBOX: 'off' });
    expect(plain.result.stderr).toContain('(not sandboxed)');
    expect(existsSync(escaped)).toBe(true);
  });

  it('what a check command changes in the workspace is in the change report', async () => {
    // A lint --fix rewrites sources, a test run writes a snapshot: the run made those changes.
    const { result } = await runWithCheck(`[evaluator]\ntest_command = "printf 'saved\\\\n' > snapshot.txt"\n`, {}, ['--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { changes: Array<{ path: string; status: string; diff: string }> };
    expect(summary.changes.map(({ path, status }) => ({ path, status }))).toEqual([{ path: 'snapshot.txt', status: 'added' }]);
    expect(summary.changes[0]!.diff).toContain('+saved');
  });

  it('[tools] shell_timeout_s bounds a check command too', async () => {
    const { result } = await runWithCheck(`[tools]\nshell_timeout_s = 1\n\n[evaluator]\ntest_command = "sleep 30"\n`);
    expect(result.stderr).toMatch(/check tests sleep 30 → timed out in \d+\.\d s/);
  });
});
