import { fstatSync } from 'node:fs';

/**
 * Text piped into openkoi (`cat notes.md | openkoi "summarise"`). Read only when asked with
 * --stdin or when stdin is a pipe or a file: a terminal, or a stdin left open by a harness,
 * must never make openkoi wait.
 */
export async function readPipedInput(
  stdin: NodeJS.ReadableStream & { fd?: number; isTTY?: boolean },
  explicit: boolean,
  /** Called once when stdin has sent nothing for SILENCE_NOTICE_MS (a task in words is waiting on it). */
  onSilence?: () => void,
): Promise<string | undefined> {
  if (!explicit) {
    if (stdin.isTTY) return undefined;
    try {
      const stat = fstatSync(stdin.fd ?? 0);
      if (!stat.isFIFO() && !stat.isFile()) return undefined;
    } catch {
      return undefined;
    }
  }
  const chunks: Buffer[] = [];
  const silence = onSilence ? setTimeout(onSilence, SILENCE_NOTICE_MS) : undefined;
  try {
    for await (const chunk of stdin) {
      clearTimeout(silence);
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    }
  } finally {
    clearTimeout(silence);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  return text === '' ? undefined : text;
}

/** How long a silent stdin may keep a task given in words waiting before openkoi says so. */
export const SILENCE_NOTICE_MS = 100;

/** The task: arguments first, piped text appended after a blank line. */
export function composeTask(argumentsText: string, piped: string | undefined): string {
  const head = argumentsText.trim();
  if (!piped) return head;
  return head === '' ? piped : `${head}\n\n${piped}`;
}
