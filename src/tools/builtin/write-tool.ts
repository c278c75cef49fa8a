import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../atomic-write.js';
import type { ChangeTracker } from '../change-tracker.js';
import { countChangedLines, unifiedDiff } from '../change-tracker.js';
import { defineTool } from '../define-tool.js';
import { ToolInputError } from '../tool-input-error.js';
import { resolveInWorkspace, rulePath, workspaceRelative } from '../workspace-path.js';

function currentContent(path: string): string | undefined {
  try {
    if (statSync(path).isDirectory()) throw new ToolInputError('the path is a folder');
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof ToolInputError) throw error;
    return undefined;
  }
}

export function createWriteTool(changes: ChangeTracker) {
  const schema = z
    .object({
      path: z.string().describe('File path, relative to the workspace root. Folders are created as needed.'),
      content: z.string().describe('The whole new content of the file.'),
    })
    .strict();
  return defineTool({
    name: 'write',
    description: 'Create a file or replace its whole content. For a change inside an existing file, prefer edit.',
    readOnly: false,
    schema,
    ruleSubject: (args, workspace) => rulePath(workspace, args.path),
    run(args, context) {
      const path = resolveInWorkspace(context.workspace, args.path);
      const relative = workspaceRelative(context.workspace, path);
      const before = currentContent(path);
      changes.beforeWrite(path);
      writeFileAtomic(path, args.content);
      const { additions, deletions } = countChangedLines(before ?? '', args.content);
      return { output: `${before === undefined ? 'created' : 'wrote'} ${relative} (+${additions} −${deletions})`, isError: false, summary: `write ${relative} (+${additions} −${deletions})` };
    },
    preview(args, context) {
      const path = resolveInWorkspace(context.workspace, args.path);
      return unifiedDiff(workspaceRelative(context.workspace, path), currentContent(path), args.content);
    },
  });
}
