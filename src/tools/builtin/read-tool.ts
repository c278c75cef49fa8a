import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { ToolInputError } from '../tool-input-error.js';
import { resolveInWorkspace, rulePath, workspaceRelative } from '../workspace-path.js';

export const READ_DEFAULT_LINES = 2000;
export const READ_MAX_CHARACTERS = 50_000;

export const readTool = defineTool({
  name: 'read',
  description: `Read a text file of the workspace. Lines come numbered ("  12\\tcode"); the numbers are not part of the file. Reads at most ${READ_DEFAULT_LINES} lines from offset; a note says what was left out.`,
  readOnly: true,
  schema: z
    .object({
      path: z.string().describe('File path, relative to the workspace root.'),
      offset: z.number().int().min(1).optional().describe('First line to read (1-based). Default 1.'),
      limit: z.number().int().min(1).optional().describe(`Lines to read. Default ${READ_DEFAULT_LINES}.`),
    })
    .strict(),
  ruleSubject: (args, workspace) => rulePath(workspace, args.path),
  run(args, context) {
    const path = resolveInWorkspace(context.workspace, args.path);
    const relative = workspaceRelative(context.workspace, path);
    if (statSync(path).isDirectory()) throw new ToolInputError(`"${relative}" is a folder; use list`);
    const buffer = readFileSync(path);
    if (buffer.subarray(0, 8000).includes(0)) throw new ToolInputError(`"${relative}" is a binary file (${buffer.length} bytes)`);
    const lines = buffer.toString('utf8').split(/\r?\n/);
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    const first = args.offset ?? 1;
    const wanted = args.limit ?? READ_DEFAULT_LINES;
    const out: string[] = [];
    let characters = 0;
    let last = first - 1;
    for (let n = first; n <= Math.min(lines.length, first - 1 + wanted); n++) {
      const line = `${String(n).padStart(5)}\t${lines[n - 1]}`;
      if (characters + line.length > READ_MAX_CHARACTERS && out.length > 0) break;
      out.push(line);
      characters += line.length + 1;
      last = n;
    }
    const notes: string[] = [];
    if (first > lines.length) notes.push(`[the file has ${lines.length} lines; offset ${first} is past the end]`);
    else if (last < lines.length) notes.push(`[showing lines ${first}-${last} of ${lines.length}; read on with offset ${last + 1}]`);
    return { output: [...out, ...notes].join('\n'), isError: false, summary: `read ${relative}` };
  },
});
