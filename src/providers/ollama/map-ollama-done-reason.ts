import type { MappedFinishReason } from '../build-chat-response.js';

/**
 * Ollama `done_reason` → our unified reason. Ollama says `stop` even when the model called
 * tools, so the tool calls seen decide. `load`/`unload` answer requests that only (un)loaded a
 * model and carry no reply.
 */
export function mapOllamaDoneReason(raw: string | undefined, sawToolCalls: boolean): MappedFinishReason {
  const rawFinishReason = raw || undefined;
  if (sawToolCalls && (raw === undefined || raw === '' || raw === 'stop')) return { finishReason: 'tool-calls', rawFinishReason };
  switch (raw) {
    case 'stop':
      return { finishReason: 'stop', rawFinishReason };
    case 'length':
      return { finishReason: 'length', rawFinishReason };
    default:
      return { finishReason: raw ? 'other' : 'stop', rawFinishReason };
  }
}
