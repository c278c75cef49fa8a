// The project's own instructions for agents: `AGENTS.md` at the workspace root (the file Codex,
// opencode and others read), else `CLAUDE.md` (Claude Code's). They go into the executor's stable
// system prompt after SOUL.md. Read in any workspace, trusted or not: it is text for the model,
// not a program, and what the model can do with it is bounded by the permission mode, which an
// untrusted workspace cannot widen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PROJECT_INSTRUCTION_FILES = ['AGENTS.md', 'CLAUDE.md'] as const;

/** Bytes read at most; a larger file is cut with a note (Codex caps its AGENTS.md the same way). */
export const MAX_PROJECT_INSTRUCTIONS_BYTES = 32 * 1024;

export interface ProjectInstructions {
  /** The file name, as it is in the workspace root. */
  file: string;
  text: string;
  truncated: boolean;
}

export function loadProjectInstructions(workspace: string): ProjectInstructions | undefined {
  for (const file of PROJECT_INSTRUCTION_FILES) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(workspace, file));
    } catch {
      continue;
    }
    const truncated = bytes.length > MAX_PROJECT_INSTRUCTIONS_BYTES;
    // Cutting mid-character leaves a replacement character at worst; the note says it was cut.
    const text = bytes.subarray(0, MAX_PROJECT_INSTRUCTIONS_BYTES).toString('utf8').trim();
    if (text === '') continue;
    return { file, text, truncated };
  }
  return undefined;
}

/** The system-prompt section: which file, its text, and a note when it was cut. */
export function projectInstructionsSection(instructions: ProjectInstructions): string {
  const note = instructions.truncated ? `\n[${instructions.file} is longer than ${MAX_PROJECT_INSTRUCTIONS_BYTES / 1024} KiB; the rest was not read.]` : '';
  return `Project instructions (${instructions.file} at the workspace root; follow them unless the task says otherwise):\n${instructions.text}${note}`;
}
