// The shell sandbox: bubblewrap (`bwrap`) on Linux. The workspace is writable, the rest of the
// file system read-only, /tmp a private tmpfs, and no network unless `[tools] network = true`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface SandboxStatus {
  sandboxed: boolean;
  /** Why not, or how: shown by `openkoi status` and once per run. */
  reason: string;
  bwrap?: string;
}

function findOnPath(name: string, environment: NodeJS.ProcessEnv): string | undefined {
  for (const directory of (environment.PATH ?? '').split(delimiter)) {
    if (directory && existsSync(join(directory, name))) return join(directory, name);
  }
  return undefined;
}

/** The bwrap arguments that run `command` with /bin/sh in `cwd` inside the sandbox. */
export function bwrapArguments(options: { workspace: string; cwd: string; network: boolean; command: string }): string[] {
  return [
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    // After /tmp: a workspace under /tmp stays the real, writable folder.
    '--bind', options.workspace, options.workspace,
    ...(options.network ? [] : ['--unshare-net']),
    '--die-with-parent',
    '--chdir', options.cwd,
    '/bin/sh', '-c', options.command,
  ];
}

/**
 * Whether shell commands can be sandboxed here: Linux, bwrap on PATH, and bwrap actually works
 * (some kernels and containers forbid the namespaces it needs). `OPENKOI_SANDBOX=off` turns it off.
 */
export function detectSandbox(environment: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): SandboxStatus {
  if (environment.OPENKOI_SANDBOX === 'off') return { sandboxed: false, reason: 'turned off by OPENKOI_SANDBOX=off' };
  if (platform !== 'linux') return { sandboxed: false, reason: `no sandbox on ${platform} (bubblewrap is Linux only)` };
  const bwrap = findOnPath('bwrap', environment);
  if (!bwrap) return { sandboxed: false, reason: 'bwrap is not installed (Debian/Ubuntu: apt install bubblewrap)' };
  const probe = spawnSync(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--unshare-net', '/bin/true'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.status !== 0) {
    const why = (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim().split('\n')[0];
    return { sandboxed: false, reason: `bwrap cannot run here: ${why}`, bwrap };
  }
  return { sandboxed: true, reason: `bwrap (${bwrap}): workspace writable, rest read-only`, bwrap };
}
