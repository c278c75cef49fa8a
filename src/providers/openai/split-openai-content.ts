/**
 * Chat Completions `content` as text and reasoning. OpenAI sends a string; Mistral's Magistral
 * and other compatible servers send a list of parts, `{type: "text", text}` and
 * `{type: "thinking", thinking: [{type: "text", text}]}` (the thinking itself a list or a
 * string). Parts of other types carry nothing we show and are skipped.
 */
export function splitOpenAIContent(content: unknown): { text: string; reasoning: string } {
  if (typeof content === 'string') return { text: content, reasoning: '' };
  if (!Array.isArray(content)) return { text: '', reasoning: '' };
  let text = '';
  let reasoning = '';
  for (const part of content as unknown[]) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    if (!part || typeof part !== 'object') continue;
    const record = part as Record<string, unknown>;
    if (record['type'] === 'text' && typeof record['text'] === 'string') text += record['text'];
    else if (record['type'] === 'thinking') reasoning += textOfThinking(record['thinking']);
  }
  return { text, reasoning };
}

function textOfThinking(thinking: unknown): string {
  if (typeof thinking === 'string') return thinking;
  if (!Array.isArray(thinking)) return '';
  return thinking
    .map((item: unknown) => (typeof item === 'string' ? item : item && typeof item === 'object' && typeof (item as { text?: unknown }).text === 'string' ? (item as { text: string }).text : ''))
    .join('');
}

/** The reasoning fields compatible servers add beside `content`: `reasoning_content` (DeepSeek, Moonshot, xAI) or `reasoning` (Groq, OpenRouter). */
export function reasoningFieldOf(record: unknown): string {
  if (!record || typeof record !== 'object') return '';
  const fields = record as Record<string, unknown>;
  const value = fields['reasoning_content'] ?? fields['reasoning'];
  return typeof value === 'string' ? value : '';
}
