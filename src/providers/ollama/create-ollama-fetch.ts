import type { CallDeadline } from '../call-deadline.js';
import { parseRetryAfter } from '../parse-retry-after.js';

/** What the fetch wrapper saw of one call, for error classification. */
export interface OllamaCallState {
  retryAfterMs?: number;
}

/** The marker a malformed NDJSON line is turned into (see below); classified as a malformed reply. */
export const MALFORMED_LINE_ERROR = 'malformed JSON line in the reply stream';

/**
 * The `fetch` handed to the `ollama` client for one call. The client takes a custom fetch but
 * passes no signal on its non-streaming requests (chat, embed, list) and its own internal one on
 * streams; this wrapper adds the call's CallDeadline signal to every request, so the idle timeout
 * and the caller's abort reach the socket either way. (The client's `abort()` would only stop
 * streams, and every stream of the client at once.) It also:
 *
 * - touches the deadline on every chunk of a streamed body, so only silence times out;
 * - turns an error reply that is not JSON (a proxy's HTML page) into Ollama's `{error}` shape:
 *   the client would otherwise print "Getting text from response" on the console;
 * - replaces a malformed NDJSON line by an `{error}` line: the client would print it with
 *   console.warn and skip it, silently losing part of the reply.
 */
export function createOllamaFetch(deadline: CallDeadline, state: OllamaCallState): typeof fetch {
  return async (input, init = {}) => {
    const signal = init.signal ? AbortSignal.any([init.signal, deadline.signal]) : deadline.signal;
    const response = await fetch(input, { ...init, signal });
    deadline.touch();
    if (!response.ok) {
      state.retryAfterMs = parseRetryAfter(response.headers);
      return jsonErrorResponse(response);
    }
    const type = response.headers.get('content-type') ?? '';
    if (response.body && type.includes('ndjson')) {
      return new Response(response.body.pipeThrough(checkedLines(deadline)), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }
    return response;
  };
}

async function jsonErrorResponse(response: Response): Promise<Response> {
  const text = await response.text().catch(() => '');
  let message = text.trim().slice(0, 500) || `HTTP ${response.status} ${response.statusText}`.trim();
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string' && parsed.error !== '') message = parsed.error;
  } catch {
    // not JSON: the text itself is the message
  }
  return new Response(JSON.stringify({ error: message }), {
    status: response.status,
    statusText: response.statusText,
    headers: { 'content-type': 'application/json' },
  });
}

function checkedLines(deadline: CallDeadline): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffer = '';
  const checked = (line: string): string => {
    if (line.trim() === '') return '';
    try {
      JSON.parse(line);
      return `${line}\n`;
    } catch {
      return `${JSON.stringify({ error: MALFORMED_LINE_ERROR })}\n`;
    }
  };
  return new TransformStream({
    transform(chunk, controller) {
      deadline.touch();
      buffer += decoder.decode(chunk, { stream: true });
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      const output = lines.map(checked).join('');
      if (output !== '') controller.enqueue(encoder.encode(output));
    },
    flush(controller) {
      buffer += decoder.decode();
      const output = checked(buffer);
      if (output !== '') controller.enqueue(encoder.encode(output));
    },
  });
}
