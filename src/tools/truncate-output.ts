/** Keeps the head and the tail of a long output with a marker saying how much was cut between them. */
export function truncateHeadTail(text: string, limit: number, note = ''): { text: string; truncated: boolean } {
  if (text.length <= limit) return { text, truncated: false };
  const head = Math.floor(limit * 0.4);
  const tail = limit - head;
  const cut = text.length - head - tail;
  return {
    text: `${text.slice(0, head)}\n[… ${cut} characters cut${note} …]\n${text.slice(text.length - tail)}`,
    truncated: true,
  };
}
