// Runs git with an argument array (never through a shell) in a folder, and says how it went.
import { execFile } from 'node:child_process';

export interface GitOutcome {
  ok: boolean;
  stdout: Buffer;
  /** git's stderr (or the spawn error), trimmed. */
  message: string;
}

export function runGit(args: string[], options: { cwd: string; environment?: NodeJS.ProcessEnv }): Promise<GitOutcome> {
  return new Promise((resolve) => {
    const child = execFile('git', args, { cwd: options.cwd, env: options.environment ?? process.env, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const message = `${stderr.toString('utf8')}${error && !stderr.length ? error.message : ''}`.trim();
      resolve({ ok: !error, stdout, message });
    });
    // Nothing to say on stdin: a hook that reads it gets end-of-file, not a wait.
    child.stdin?.end();
  });
}

/** The workspace is inside a git work tree. */
export async function insideGitWorkTree(workspace: string, environment?: NodeJS.ProcessEnv): Promise<boolean> {
  const outcome = await runGit(['rev-parse', '--is-inside-work-tree'], { cwd: workspace, ...(environment ? { environment } : {}) });
  return outcome.ok && outcome.stdout.toString('utf8').trim() === 'true';
}
