// `openkoi status` says whether the executor's shell commands are sandboxed here (and why not),
// and shows the rate limits each vendor last reported, on a row of their own.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOpenkoi, temporaryHome } from './run-openkoi.js';

const bwrapPresent = ['/usr/bin/bwrap', '/bin/bwrap', '/usr/local/bin/bwrap'].some((path) => existsSync(path));

describe('status: the shell sandbox', () => {
  it.skipIf(!bwrapPresent)('with bwrap installed: sandboxed, in the text and in --json', async () => {
    const text = await runOpenkoi(['status'], {});
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Shell\s+sandboxed by bwrap/m);
    const json = JSON.parse((await runOpenkoi(['status', '--json'], {})).stdout) as { shell: { sandboxed: boolean; reason: string } };
    expect(json.shell.sandboxed).toBe(true);
  });

  it('OPENKOI_SANDBOX=off: not sandboxed, and says why', async () => {
    const text = await runOpenkoi(['status'], { OPENKOI_SANDBOX: 'off' });
    expect(text.stdout).toMatch(/^Shell\s+not sandboxed: turned off by OPENKOI_SANDBOX=off/m);
  });

  it('no bwrap on PATH: not sandboxed, with how to install it', async () => {
    // A PATH without bwrap (node is run by absolute path, so nothing else is needed on it).
    const text = await runOpenkoi(['status'], { PATH: '/nonexistent' });
    expect(text.stdout).toMatch(/^Shell\s+not sandboxed: bwrap is not installed \(Debian\/Ubuntu: apt install bubblewrap\)/m);
  });
});

describe('status: what the vendors last reported of their limits', () => {
  it('a row per provider from OPENKOI_HOME/quota.json; none when nothing was reported', async () => {
    const { home, openkoiHome } = temporaryHome();
    const environment = { HOME: home, OPENKOI_HOME: openkoiHome };
    const none = await runOpenkoi(['status'], environment);
    expect(none.stdout).not.toContain('Limits');
    mkdirSync(openkoiHome, { recursive: true });
    const now = Date.now();
    writeFileSync(
      join(openkoiHome, 'quota.json'),
      JSON.stringify({
        openai: { observedAt: now - 120_000, requests: { limit: 5000, remaining: 4990, resetAt: now + 720_000 } },
        'openai-codex': { observedAt: now - 60_000, windows: [{ name: 'primary', usedPercent: 12.5, windowMinutes: 300 }] },
      }),
      { mode: 0o600 },
    );
    const text = await runOpenkoi(['status'], environment);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Limits (as the vendors last reported them)');
    expect(text.stdout).toMatch(/^ {2}openai: requests 4990\/5000 left, resets in 12m \(seen 2m ago\)$/m);
    expect(text.stdout).toMatch(/^ {2}openai-codex: 5h window 12\.5% used \(seen 1m ago\)$/m);
    const json = JSON.parse((await runOpenkoi(['status', '--json'], environment)).stdout) as { limits: Array<{ provider: string; summary: string }> };
    expect(json.limits.map((limit) => limit.provider)).toEqual(['openai', 'openai-codex']);
  });
});
