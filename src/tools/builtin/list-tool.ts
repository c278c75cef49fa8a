import { statSync } from 'node:fs';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { ToolInputError } from '../tool-input-error.js';
import { walkWorkspace } from '../walk-workspace.js';
import { resolveInWorkspace, rulePath, workspaceRelative } from '../workspace-path.js';

const LIST_LIMIT = 1000;

export const listTool = defineTool({
  name: 'list',
  description: 'List a folder of the workspace (one level; folders end with "/"). Files ignored by .gitignore are left out.',
  readOnly: true,
  schema: z.object({ path: z.string().optional().describe('Folder, relative to the workspace root. Default: the root.') }).strict(),
  ruleSubject: (args, workspace) => rulePath(workspace, args.path ?? '.'),
  run(args, context) {
    const path = resolveInWorkspace(context.workspace, args.path ?? '.');
    const relative = workspaceRelative(context.workspace, path);
    if (!statSync(path).isDirectory()) throw new ToolInputError(`"${relative}" is not a folder`);
    const { entries, complete } = walkWorkspace(context.workspace, relative === '.' ? '' : relative, { recursive: false, limit: LIST_LIMIT });
    const prefix = relative === '.' ? '' : `${relative}/`;
    const lines = entries.map((entry) => `${entry.path.slice(prefix.length)}${entry.isDirectory ? '/' : ''}`);
    if (!complete) lines.push(`[stopped after ${LIST_LIMIT} entries]`);
    return { output: lines.length ? lines.join('\n') : '(empty)', isError: false, summary: `list ${relative}` };
  },
});
