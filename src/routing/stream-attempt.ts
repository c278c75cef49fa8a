import type { ModelRef } from '../model/model-ref.js';
import type { StreamEvent } from '../model/stream-event.js';
import type { CallOptions, ModelProvider } from '../providers/model-provider.js';
import type { GatewayStreamEvent, RoleRequest } from './model-gateway.js';
import type { AttemptProgress, SendAttempt } from './run-chain.js';

const OUTPUT_EVENTS: ReadonlySet<StreamEvent['type']> = new Set(['text-delta', 'tool-input-delta', 'tool-call']);

/**
 * One streamed attempt. Events up to the first output are held back until the stream has proved
 * alive: until then nothing has reached the caller, so a failure is an ordinary failed attempt
 * and the chain may switch freely. After it, `progress.outputSeen` tells the chain that the
 * caller keeps partial text and must hear that the step starts over.
 */
export function streamAttempt(request: RoleRequest): SendAttempt<void> {
  return async function* sendStream(provider: ModelProvider, candidate: ModelRef, callOptions: CallOptions, progress: AttemptProgress): AsyncGenerator<GatewayStreamEvent, void> {
    const iterator = provider.chatStream({ ...request, model: candidate.model }, callOptions)[Symbol.asyncIterator]();
    let finished = false;
    try {
      // Usage seen while priming counts only once the stream is primed, as a failed priming
      // reports none (the attempt record of a stream that never produced output carries no usage).
      const primed: AttemptProgress = { outputSeen: false };
      const buffered: StreamEvent[] = [];
      while (!primed.outputSeen) {
        const next = await iterator.next();
        if (next.done) {
          finished = true;
          break;
        }
        observe(primed, next.value);
        buffered.push(next.value);
      }
      Object.assign(progress, primed);
      yield { type: 'served-by', candidate };
      yield* buffered;
      while (!finished) {
        const next = await iterator.next();
        if (next.done) {
          finished = true;
          break;
        }
        observe(progress, next.value);
        yield next.value;
      }
    } finally {
      // A failure, or the consumer stopping at any event: the vendor's stream must not stay open behind it.
      if (!finished) await closeQuietly(iterator);
    }
  };
}

function observe(progress: AttemptProgress, event: StreamEvent): void {
  if (event.type === 'usage') progress.usage = event.usage;
  if (event.type === 'response-metadata') progress.responseModel = event.responseModel ?? progress.responseModel;
  if (OUTPUT_EVENTS.has(event.type)) progress.outputSeen = true;
}

/** Closing must not replace the error that ended the attempt; a close that fails has nothing left to close. */
async function closeQuietly(iterator: AsyncIterator<StreamEvent>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // already failed or closed
  }
}
