/**
 * The JSON object in a model's reply: a fenced ```json block, else the outermost {...}.
 * Models wrap JSON in prose and fences; this finds it without trusting either.
 */
export function extractJsonObject(text: string): unknown {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n?```/i.exec(text);
  const candidates = fenced ? [fenced[1]!, text] : [text];
  for (const candidate of candidates) {
    const start = candidate.indexOf('{');
    const end = candidate.lastIndexOf('}');
    if (start === -1 || end <= start) continue;
    try {
      return JSON.parse(candidate.slice(start, end + 1));
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}
