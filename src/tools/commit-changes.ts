// `--commit`: commits exactly the files the run changed, nothing the user had staged besides.
// Never --no-verify: the repository's hooks have their say.
import { insideGitWorkTree, runGit } from './run-git.js';

export type CommitOutcome =
  | { kind: 'committed'; sha: string; shortSha: string; ignored: string[] }
  | { kind: 'not-a-repository' }
  | { kind: 'nothing-to-commit' }
  | { kind: 'failed'; message: string };

/** `openkoi: <first line of the task>` (the line cut to 72 characters), then the task id. */
export function commitMessage(task: string, taskId: string): { subject: string; body: string } {
  const firstLine = (task.split('\n').find((line) => line.trim() !== '') ?? '').trim();
  const subject = firstLine.length > 72 ? `${firstLine.slice(0, 71)}…` : firstLine;
  return { subject: `openkoi: ${subject}`, body: `openkoi task ${taskId}` };
}

/** The last lines of git's message: what a hook or a missing user.name said. */
function messageTail(message: string): string {
  const lines = message.split('\n').map((line) => line.trimEnd()).filter((line) => line !== '');
  return lines.slice(-6).join('\n') || 'git gave no message';
}

/**
 * Commits `paths` (workspace-relative) in the workspace's repository. The paths are added
 * (`add -A`, so deletions count) and committed with `commit --only`, which leaves the rest of the
 * index as the user had it.
 */
export async function commitChanges(input: { workspace: string; paths: string[]; task: string; taskId: string; environment?: NodeJS.ProcessEnv }): Promise<CommitOutcome> {
  const options = { cwd: input.workspace, ...(input.environment ? { environment: input.environment } : {}) };
  if (!(await insideGitWorkTree(input.workspace, input.environment))) return { kind: 'not-a-repository' };
  if (input.paths.length === 0) return { kind: 'nothing-to-commit' };
  // A file the repository ignores (an untracked build output the run wrote) is not the user's to
  // commit, and `git add` would refuse the whole list for it: it is left out and named.
  // (check-ignore takes path names, not pathspecs, and refuses --literal-pathspecs.)
  const checked = await runGit(['check-ignore', '--', ...input.paths], options);
  const ignored = checked.ok ? checked.stdout.toString('utf8').split('\n').filter((line) => line !== '') : [];
  const paths = input.paths.filter((path) => !ignored.includes(path));
  if (paths.length === 0) return { kind: 'nothing-to-commit' };
  // Paths are file names, not patterns: a file called `*.ts` is that file only.
  const added = await runGit(['--literal-pathspecs', 'add', '-A', '--', ...paths], options);
  if (!added.ok) return { kind: 'failed', message: messageTail(added.message) };
  const { subject, body } = commitMessage(input.task, input.taskId);
  const committed = await runGit(['--literal-pathspecs', 'commit', '--only', '-m', subject, '-m', body, '--', ...paths], options);
  if (!committed.ok) return { kind: 'failed', message: messageTail(`${committed.message}\n${committed.stdout.toString('utf8')}`) };
  const head = await runGit(['rev-parse', 'HEAD'], options);
  const sha = head.stdout.toString('utf8').trim();
  return { kind: 'committed', sha, shortSha: sha.slice(0, 7), ignored };
}
