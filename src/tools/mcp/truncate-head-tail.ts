// Tool output for the model is cut to its head and tail, the way shell output is: the start says
// what ran, the end says how it ended, and the middle of a large output floods the context.

/** Characters of MCP tool output the model sees by default, the same budget as shell output. */
export const DEFAULT_MAX_OUTPUT_CHARS = 30_000;

export function truncateHeadTail(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.length - maxChars;
  const marker = `\n[… ${cut} characters cut from the middle of this output …]\n`;
  const keep = Math.max(0, maxChars - marker.length);
  const head = Math.ceil(keep / 2);
  const tail = keep - head;
  return `${text.slice(0, head)}${marker}${tail > 0 ? text.slice(-tail) : ''}`;
}
