import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../atomic-write.js';
import { countChangedLines, unifiedDiff, type ChangeTracker } from '../change-tracker.js';
import { defineTool } from '../define-tool.js';
import { ToolInputError } from '../tool-input-error.js';
import { resolveInWorkspace, rulePath, workspaceRelative } from '../workspace-path.js';
import { applyEdit, type EditOutcome } from './edit-strategies.js';

const schema = z
  .object({
    path: z.string().describe('File path, relative to the workspace root.'),
    old_string: z.string().describe('The text to replace, exactly as in the file (without read\'s line numbers). Must match one place unless replace_all.'),
    new_string: z.string().describe('The replacement text.'),
    replace_all: z.boolean().optional().describe('Replace every occurrence. Default false.'),
  })
  .strict();

interface PlannedEdit {
  path: string;
  relative: string;
  before: string;
  after: string;
  outcome: EditOutcome;
}

/** Reads the file, finds the edit, and returns the new text in the file's own line endings. */
function planEdit(args: z.infer<typeof schema>, workspace: string): PlannedEdit {
  const path = resolveInWorkspace(workspace, args.path);
  const relative = workspaceRelative(workspace, path);
  let before: string;
  try {
    if (statSync(path).isDirectory()) throw new ToolInputError(`"${relative}" is a folder`);
    before = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof ToolInputError) throw error;
    throw new ToolInputError(`"${relative}" does not exist; to create a file use write`);
  }
  const crlf = before.includes('\r\n');
  const oldHasCrlf = args.old_string.includes('\r\n');
  const lineEndingsDiffered = crlf ? args.old_string.includes('\n') && !oldHasCrlf : oldHasCrlf;
  const toLf = (text: string) => text.replace(/\r\n/g, '\n');
  const outcome = applyEdit(toLf(before), toLf(args.old_string), toLf(args.new_string), { replaceAll: args.replace_all === true, relative, lineEndingsDiffered });
  // A CRLF file stays CRLF.
  const after = crlf ? outcome.content.replace(/\n/g, '\r\n') : outcome.content;
  return { path, relative, before, after, outcome };
}

export function createEditTool(changes: ChangeTracker) {
  return defineTool({
    name: 'edit',
    description:
      'Replace text in an existing file. old_string must match exactly one place (or set replace_all). ' +
      'If it is not found exactly, near matches are tried (line endings, trailing whitespace, shifted indentation) and the result says which matched; ' +
      'if nothing matches, the error shows the closest region of the file with line numbers.',
    readOnly: false,
    schema,
    ruleSubject: (args, workspace) => rulePath(workspace, args.path),
    preview(args, context) {
      const plan = planEdit(args, context.workspace);
      return unifiedDiff(plan.relative, plan.before, plan.after);
    },
    run(args, context) {
      const plan = planEdit(args, context.workspace);
      changes.beforeWrite(plan.path);
      writeFileAtomic(plan.path, plan.after);
      const { additions, deletions } = countChangedLines(plan.before, plan.after);
      const how = plan.outcome.strategy === 'exact' ? '' : ` (matched by ${plan.outcome.strategy}: old_string differed from the file in ${plan.outcome.strategy})`;
      const count = plan.outcome.replacements > 1 ? `${plan.outcome.replacements} replacements, ` : '';
      return { output: `edited ${plan.relative} (${count}+${additions} −${deletions})${how}`, isError: false, summary: `edit ${plan.relative} (+${additions} −${deletions})` };
    },
  });
}
