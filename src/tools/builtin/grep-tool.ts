// ripgrep when it is on PATH (fast, same ignore rules); otherwise a JS search over the same walk
// with the same output shape: `path:line:text`, paths relative to the workspace root.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import picomatch from 'picomatch';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { ToolInputError } from '../tool-input-error.js';
import { walkWorkspace } from '../walk-workspace.js';
import { resolveInWorkspace, rulePath, workspaceRelative } from '../workspace-path.js';

const MATCH_LIMIT = 200;
const LINE_LIMIT = 300;
const FILE_SIZE_LIMIT = 2_000_000;

/** The ripgrep binary on PATH, or undefined. */
export function findRipgrep(environment: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const directory of (environment.PATH ?? '').split(delimiter)) {
    if (directory && existsSync(join(directory, 'rg'))) return join(directory, 'rg');
  }
  return undefined;
}

interface GrepArgs {
  pattern: string;
  path?: string | undefined;
  glob?: string | undefined;
  ignore_case?: boolean | undefined;
}

function clip(line: string): string {
  return line.length > LINE_LIMIT ? `${line.slice(0, LINE_LIMIT)}…` : line;
}

export function grepWithJs(workspace: string, args: GrepArgs, start: string): string[] {
  let regex: RegExp;
  try {
    regex = new RegExp(args.pattern, args.ignore_case ? 'i' : '');
  } catch (error) {
    throw new ToolInputError(`pattern is not a valid regular expression: ${(error as Error).message}`);
  }
  const globMatch = args.glob ? picomatch(args.glob, { dot: true, matchBase: !args.glob.includes('/') }) : undefined;
  const startIsFile = start !== '' && !statSync(join(workspace, start)).isDirectory();
  const files = startIsFile ? [start] : walkWorkspace(workspace, start, { recursive: true, limit: 200_000 }).entries.filter((e) => !e.isDirectory).map((e) => e.path);
  const out: string[] = [];
  for (const file of files) {
    if (globMatch && !globMatch(file)) continue;
    let buffer: Buffer;
    try {
      if (statSync(join(workspace, file)).size > FILE_SIZE_LIMIT) continue;
      buffer = readFileSync(join(workspace, file));
    } catch {
      continue;
    }
    if (buffer.subarray(0, 8000).includes(0)) continue;
    const lines = buffer.toString('utf8').split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      if (!regex.test(lines[i]!)) continue;
      out.push(`${file}:${i + 1}:${clip(lines[i]!)}`);
      if (out.length > MATCH_LIMIT) return out;
    }
  }
  return out;
}

function grepWithRipgrep(rg: string, workspace: string, args: GrepArgs, start: string): string[] {
  const rgArgs = ['--line-number', '--no-heading', '--with-filename', '--color', 'never', '--hidden', '--glob', '!.git', '--max-columns', String(LINE_LIMIT), '--max-columns-preview'];
  if (args.ignore_case) rgArgs.push('--ignore-case');
  if (args.glob) rgArgs.push('--glob', args.glob);
  rgArgs.push('--regexp', args.pattern, '--', start === '' ? '.' : start);
  const result = spawnSync(rg, rgArgs, { cwd: workspace, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status === 2) throw new ToolInputError(result.stderr.trim() || 'ripgrep failed');
  return result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^\.\//, ''))
    .slice(0, MATCH_LIMIT + 1);
}

export function createGrepTool(ripgrep: string | undefined = findRipgrep()) {
  return defineTool({
    name: 'grep',
    description: 'Search file contents of the workspace with a regular expression. Prints "path:line:text" per matching line. Files ignored by .gitignore are left out.',
    readOnly: true,
    schema: z
      .object({
        pattern: z.string().min(1).describe('Regular expression.'),
        path: z.string().optional().describe('File or folder to search, relative to the workspace root. Default: the root.'),
        glob: z.string().optional().describe('Only files matching this glob, e.g. "*.ts".'),
        ignore_case: z.boolean().optional(),
      })
      .strict(),
    ruleSubject: (args, workspace) => rulePath(workspace, args.path ?? '.'),
    run(args, context) {
      const start = args.path ? workspaceRelative(context.workspace, resolveInWorkspace(context.workspace, args.path)) : '.';
      const relativeStart = start === '.' ? '' : start;
      const lines = ripgrep ? grepWithRipgrep(ripgrep, context.workspace, args, relativeStart) : grepWithJs(context.workspace, args, relativeStart);
      const more = lines.length > MATCH_LIMIT;
      const shown = lines.slice(0, MATCH_LIMIT);
      if (more) shown.push(`[more than ${MATCH_LIMIT} matches; narrow the pattern or the path]`);
      return { output: shown.length ? shown.join('\n') : 'no matches', isError: false, summary: `grep ${args.pattern} (${more ? `>${MATCH_LIMIT}` : lines.length} matches)` };
    },
  });
}
