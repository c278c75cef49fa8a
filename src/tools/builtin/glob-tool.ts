import picomatch from 'picomatch';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { walkWorkspace } from '../walk-workspace.js';

const GLOB_LIMIT = 500;
const WALK_LIMIT = 100_000;

export const globTool = defineTool({
  name: 'glob',
  description: 'Find files of the workspace by glob pattern (e.g. "src/**/*.ts"); paths relative to the root, sorted. Files ignored by .gitignore are left out.',
  readOnly: true,
  schema: z.object({ pattern: z.string().min(1).describe('Glob pattern, relative to the workspace root.') }).strict(),
  ruleSubject: (args) => args.pattern,
  run(args, context) {
    const matches = picomatch(args.pattern, { dot: true });
    const { entries } = walkWorkspace(context.workspace, '', { recursive: true, limit: WALK_LIMIT });
    const found = entries.filter((entry) => !entry.isDirectory && matches(entry.path)).map((entry) => entry.path);
    const shown = found.slice(0, GLOB_LIMIT);
    if (found.length > GLOB_LIMIT) shown.push(`[${found.length - GLOB_LIMIT} more not shown; narrow the pattern]`);
    return { output: shown.length ? shown.join('\n') : 'no files match', isError: false, summary: `glob ${args.pattern} (${found.length})` };
  },
});
