// The ask-mode question before a write or a shell command: what will happen (the diff, or the
// command), then y / n / p (always for this prefix) / a (always for this tool, rest of the run).
// Plain line input so a test can drive it through streams.
import { createInterface } from 'node:readline/promises';
import type { PermissionAnswer, PermissionQuestion } from '../tools/permission-mode.js';

export interface PermissionTerminal {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

export class PermissionQuestionInterrupted extends Error {
  override name = 'PermissionQuestionInterrupted';
}

const MAX_PREVIEW_LINES = 80;

function clipPreview(preview: string): string {
  const lines = preview.split('\n');
  if (lines.length <= MAX_PREVIEW_LINES) return preview;
  return [...lines.slice(0, MAX_PREVIEW_LINES), `… ${lines.length - MAX_PREVIEW_LINES} more lines`].join('\n');
}

export function describeAlways(question: PermissionQuestion): string | undefined {
  if (question.prefix === undefined) return undefined;
  if (question.tool === 'shell') return `always allow commands starting with "${question.prefix}" in this run`;
  return `always allow ${question.tool} under ${question.prefix === '' ? 'the workspace root' : question.prefix} in this run`;
}

/** Asks on the terminal; unreadable answers ask again; end of input or Ctrl-C is "no" (and stops asking). */
export async function askToolPermission(terminal: PermissionTerminal, question: PermissionQuestion): Promise<PermissionAnswer> {
  const out = terminal.output;
  out.write(`\n${question.tool}${question.source === 'builtin' ? '' : ` (${question.source})`} wants to run:\n`);
  if (question.preview) out.write(`${clipPreview(question.preview)}\n`);
  else if (question.subject) out.write(`  ${question.subject}\n`);
  const always = describeAlways(question);
  const choices = ['y = yes once', 'n = no', ...(always ? [`p = ${always}`] : []), `a = always allow ${question.tool} for the rest of this run`];
  out.write(`${choices.join(' · ')}\n`);
  // Lines are read through the interface's iterator, which keeps lines typed ahead of the prompt.
  const reader = createInterface({ input: terminal.input, terminal: false });
  const lines = reader[Symbol.asyncIterator]();
  try {
    for (;;) {
      out.write(`Allow ${question.tool}? [y/n${always ? '/p' : ''}/a] `);
      const next = await lines.next();
      if (next.done) return 'no';
      const answer = next.value.trim().toLowerCase();
      if (answer === 'y' || answer === 'yes') return 'yes';
      if (answer === 'n' || answer === 'no' || answer === '') return 'no';
      if (answer === 'p' && always) return 'always-prefix';
      if (answer === 'a') return 'always-tool';
      out.write(`Please answer y, n${always ? ', p' : ''} or a.\n`);
    }
  } finally {
    reader.close();
  }
}
