import type { GatewayStreamEvent } from '../routing/model-gateway.js';
import { GatewayRequestError } from './client-error.js';
import type { ReplySink } from './reply-sink.js';
import { clientErrorOf } from './upstream-error.js';

export interface PumpOptions {
  /** Aborted when the client goes away: routing's upstream call is aborted with it. */
  signal: AbortSignal;
  /** Called before the first write: the moment the HTTP response starts. A failure before it is thrown instead. */
  onStart?: () => void;
  /** Awaited after each event: lets a slow client slow the stream down (see SseWriter.writable). */
  waitForClient?: () => Promise<void>;
}

/**
 * Feeds routing's stream into a sink. When the client disconnects, the stream is not dropped:
 * the abort reaches the vendor call, and the stream is read on until routing reports the failed
 * attempt — with the usage the vendor had sent — so nothing it cost goes unrecorded.
 */
export async function pumpReplyStream(events: AsyncIterable<GatewayStreamEvent>, sink: ReplySink, options: PumpOptions): Promise<void> {
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    options.onStart?.();
  };
  let written = false;
  // Reasoning is tied to the vendor that made it: its proof means something only to that vendor.
  let servedBy = '';
  try {
    for await (const event of events) {
      if (options.signal.aborted) continue;
      switch (event.type) {
        case 'text-delta':
          start();
          written = true;
          sink.text(event.text);
          break;
        case 'tool-input-delta':
          start();
          written = true;
          sink.toolInputDelta(event.toolCallId, event.toolName, event.delta);
          break;
        case 'tool-call':
          start();
          written = true;
          sink.toolCall(event.toolCallId, event.toolName, event.input);
          break;
        case 'served-by':
          servedBy = event.candidate.provider;
          break;
        case 'reasoning-delta':
          start();
          written = true;
          sink.reasoningDelta(event.id, event.text, servedBy);
          break;
        case 'reasoning-end':
          start();
          written = true;
          sink.reasoningEnd(event.id, { ...(event.signature !== undefined ? { signature: event.signature } : {}), ...(event.encrypted !== undefined ? { encrypted: event.encrypted } : {}) }, servedBy);
          break;
        case 'usage':
          sink.usage(event.usage);
          break;
        case 'finish':
          start();
          sink.finish(event.finishReason, event.rawFinishReason);
          break;
        case 'model-switch':
          // A fallback after output would splice two models' replies into one message: a client
          // cannot tell. The reply fails instead, and the client may retry.
          if (event.afterOutput || written) {
            throw new GatewayRequestError('upstream', `The upstream stream failed after output began (${event.reason}); the reply is incomplete.`);
          }
          break;
        default:
          break;
      }
      if (started && options.waitForClient) await options.waitForClient();
    }
    if (options.signal.aborted) return;
    start();
    sink.end();
  } catch (error) {
    if (options.signal.aborted) return;
    // Nothing sent yet: the client gets a plain HTTP error (429, 502...) instead of a stream.
    if (!started) throw error;
    sink.fail(clientErrorOf(error));
    sink.end();
  }
}
