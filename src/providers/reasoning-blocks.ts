import type { StreamEvent } from '../model/stream-event.js';

/**
 * Turns a vendor's reasoning pieces into `reasoning-start / -delta / -end` events. Vendors that
 * mark blocks (Anthropic, Bedrock) call start and end themselves; vendors that only send deltas
 * (reasoning_content, Gemini thought parts) get a block opened on the first delta and closed when
 * text or a tool call follows, or the reply ends.
 */
export class ReasoningBlocks {
  private openId: string | undefined;
  private counter = 0;

  get isOpen(): boolean {
    return this.openId !== undefined;
  }

  *start(): Generator<StreamEvent> {
    if (this.openId !== undefined) return;
    this.openId = `reasoning-${this.counter++}`;
    yield { type: 'reasoning-start', id: this.openId };
  }

  *delta(text: string): Generator<StreamEvent> {
    if (text === '') return;
    yield* this.start();
    yield { type: 'reasoning-delta', id: this.openId!, text };
  }

  /** Closes the open block, if any, with the vendor's opaque payloads. */
  *end(payload: { signature?: string; encrypted?: string } = {}): Generator<StreamEvent> {
    if (this.openId === undefined) {
      // A block with only a payload (a redacted block, a lone Gemini signature) still is one.
      if (payload.signature === undefined && payload.encrypted === undefined) return;
      yield* this.start();
    }
    const id = this.openId!;
    this.openId = undefined;
    yield {
      type: 'reasoning-end',
      id,
      ...(payload.signature !== undefined ? { signature: payload.signature } : {}),
      ...(payload.encrypted !== undefined ? { encrypted: payload.encrypted } : {}),
    };
  }
}
