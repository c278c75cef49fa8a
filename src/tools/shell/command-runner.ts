// Runs a shell command for the shell tool and the evaluator's checks: in its own process group
// (so a timeout or Ctrl-C kills everything it started), stdout and stderr interleaved in arrival
// order, inside the bwrap sandbox when one is available.
import { spawn } from 'node:child_process';
import type { CommandOutcome, CommandRunner } from '../tool.js';
import { bwrapArguments, type SandboxStatus } from './sandbox.js';

export interface CommandRunnerOptions {
  /** The workspace root (the one writable folder in the sandbox). */
  workspace: string;
  sandbox: SandboxStatus;
  /** Network inside the sandbox (`[tools] network`). */
  network: boolean;
  environment?: NodeJS.ProcessEnv;
  /** Grace between SIGTERM and SIGKILL for the group. */
  killGraceMs?: number;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

export function createCommandRunner(options: CommandRunnerOptions): CommandRunner {
  const grace = options.killGraceMs ?? 2000;
  return {
    run(command, { cwd, timeoutMs, signal }) {
      const started = performance.now();
      const sandboxed = options.sandbox.sandboxed && options.sandbox.bwrap !== undefined;
      const [file, args] = sandboxed
        ? [options.sandbox.bwrap!, bwrapArguments({ workspace: options.workspace, cwd, network: options.network, command })]
        : ['/bin/sh', ['-c', command]];
      return new Promise<CommandOutcome>((resolve) => {
        const child = spawn(file, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: options.environment ?? process.env });
        const chunks: string[] = [];
        let timedOut = false;
        let finished = false;
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
        const stop = () => {
          killGroup(child.pid, 'SIGTERM');
          setTimeout(() => killGroup(child.pid, 'SIGKILL'), grace).unref();
        };
        const timer = setTimeout(() => {
          timedOut = true;
          stop();
        }, timeoutMs);
        const onAbort = () => stop();
        signal?.addEventListener('abort', onAbort, { once: true });
        const finish = (exitCode: number | null, extra?: string) => {
          if (finished) return;
          finished = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          // The shell is gone; anything it left running in its group goes too.
          killGroup(child.pid, 'SIGKILL');
          if (extra) chunks.push(extra);
          resolve({ exitCode, output: chunks.join(''), timedOut, durationMs: performance.now() - started, sandboxed });
        };
        child.on('error', (error) => finish(null, `${error.message}\n`));
        // The shell has exited: what it left running in the background would hold the pipes open
        // (and the run would wait for the timeout), so its group goes now; 'close' follows.
        child.on('exit', () => killGroup(child.pid, 'SIGKILL'));
        child.on('close', (code) => finish(code));
      });
    },
  };
}
