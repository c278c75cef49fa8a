// A CommandRunner without a sandbox: `sh -c` in the workspace, its own process group killed on
// timeout or abort, stdout and stderr interleaved. The evaluator's checks use it until the tools
// module's sandboxed runner is wired in its place (it reports `sandboxed: false`, and the progress
// line says so).
import { spawn } from 'node:child_process';
import type { CommandOutcome, CommandRunner } from './tool.js';

/** Output kept in memory per command; a runaway test suite does not exhaust it. */
const MAX_KEPT_CHARS = 1_000_000;

export class PlainCommandRunner implements CommandRunner {
  constructor(private readonly now: () => number = () => performance.now()) {}

  run(command: string, options: { cwd: string; timeoutMs: number; signal?: AbortSignal }): Promise<CommandOutcome> {
    const started = this.now();
    return new Promise((resolve) => {
      let output = '';
      let timedOut = false;
      const child = spawn('sh', ['-c', command], { cwd: options.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const append = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        // Keep the end: that is where test runners summarise.
        if (output.length > MAX_KEPT_CHARS) output = output.slice(-MAX_KEPT_CHARS);
      };
      child.stdout.on('data', append);
      child.stderr.on('data', append);
      const killGroup = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      };
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, options.timeoutMs);
      const onAbort = () => killGroup();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (exitCode: number | null) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve({ exitCode, output, timedOut, durationMs: this.now() - started, sandboxed: false });
      };
      child.on('error', (error) => {
        output += `${error.message}\n`;
        finish(null);
      });
      child.on('close', (code) => finish(code));
    });
  }
}
