import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import type { CommandRunner } from '../tool.js';
import { truncateHeadTail } from '../truncate-output.js';
import { resolveInWorkspace } from '../workspace-path.js';
import type { ChangeTracker } from '../change-tracker.js';
import { ShellChangeWatch } from './shell-change-watch.js';

export const SHELL_DEFAULT_TIMEOUT_S = 120;
export const SHELL_DEFAULT_OUTPUT_LIMIT = 30_000;

export interface ShellToolOptions {
  runner: CommandRunner;
  timeoutMs: number;
  /** Characters of output the model sees (head and tail). */
  outputLimit: number;
  /** Where whole outputs are saved (OPENKOI_HOME/tool-output). */
  outputDirectory: string;
  now?: () => Date;
  /** The run's change report: the files each command changes are recorded in it. */
  changes?: ChangeTracker;
  /** The run's one watch (shared with other tools that change files behind the tracker's back); made from `changes` when absent. */
  watch?: ShellChangeWatch;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function createShellTool(options: ShellToolOptions) {
  let watch: ShellChangeWatch | undefined = options.watch;
  return defineTool({
    name: 'shell',
    description:
      `Run a shell command (/bin/sh -c) in the workspace root, or in cwd. stdout and stderr come interleaved with the exit code. ` +
      `Times out after ${Math.round(options.timeoutMs / 1000)} s. Long output is cut to its head and tail; the whole output is saved to a file named in the result.`,
    readOnly: false,
    schema: z
      .object({
        command: z.string().min(1).describe('The command line.'),
        cwd: z.string().optional().describe('Folder to run in, relative to the workspace root.'),
      })
      .strict(),
    ruleSubject: (args) => args.command,
    preview: (args) => `$ ${args.command}${args.cwd ? `   (in ${args.cwd})` : ''}`,
    async run(args, context) {
      const cwd = args.cwd ? resolveInWorkspace(context.workspace, args.cwd) : context.workspace;
      const run = () => options.runner.run(args.command, { cwd, timeoutMs: options.timeoutMs, ...(context.signal ? { signal: context.signal } : {}) });
      if (options.changes && !watch) watch = new ShellChangeWatch(context.workspace, options.changes);
      const outcome = watch ? await watch.around(run) : await run();
      const status = outcome.timedOut ? `timed out after ${seconds(options.timeoutMs)} (process group killed)` : outcome.exitCode === null ? 'killed' : `exit ${outcome.exitCode}`;
      let body = outcome.output;
      let savedNote = '';
      if (body.length > options.outputLimit) {
        mkdirSync(options.outputDirectory, { recursive: true });
        const stamp = (options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
        const file = join(options.outputDirectory, `shell-${stamp}-${randomBytes(3).toString('hex')}.log`);
        writeFileSync(file, body);
        savedNote = `; whole output (${body.length} characters) saved to ${file}`;
        body = truncateHeadTail(body, options.outputLimit, `; whole output in ${file}`).text;
      }
      const output = `${body}${body === '' || body.endsWith('\n') ? '' : '\n'}[${status} in ${seconds(outcome.durationMs)}${outcome.sandboxed ? '' : ', not sandboxed'}${savedNote}]`;
      return { output, isError: outcome.timedOut || outcome.exitCode !== 0, summary: `shell ${args.command} → ${outcome.timedOut ? 'timed out' : status} in ${seconds(outcome.durationMs)}` };
    },
  });
}
